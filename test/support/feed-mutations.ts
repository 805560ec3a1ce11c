/** Changes to a real feed that rss-parser might read differently (test/arxiv/feed-items.test.ts compares both reads). */

export interface Mutation {
  name: string;
  apply: (xml: string, random: () => number) => string;
}

const pickOne = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)] as T;

/** The text of a random item field (title, description, guid, category, creator, rights, announce type). */
const FIELD_TEXT = /<(title|description|guid|category|dc:creator|dc:rights|arxiv:announce_type)\b[^>]*>([^<]*)</g;

function atFieldText(xml: string, random: () => number, insert: string): string {
  const from = Math.max(0, xml.indexOf("<item>"));
  const matches = [...xml.slice(from).matchAll(FIELD_TEXT)];
  if (matches.length === 0) return xml;
  const match = pickOne(matches, random);
  const text = match[2] ?? "";
  const at = from + match.index + match[0].length - 1 - text.length + Math.floor(random() * (text.length + 1));
  return xml.slice(0, at) + insert + xml.slice(at);
}

function replaceOne(xml: string, random: () => number, pattern: RegExp, by: string): string {
  const matches = [...xml.matchAll(pattern)];
  if (matches.length === 0) return xml;
  const match = pickOne(matches, random);
  return xml.slice(0, match.index) + match[0].replace(new RegExp(pattern.source), by) + xml.slice(match.index + match[0].length);
}

const INSERTS = [
  "&amp;",
  "&lt;b&gt;",
  "&#x3b1;",
  "&#955;",
  "&#0;",
  "&AMP;",
  "&#X41;",
  "&nbsp;",
  "&#xD800;",
  "<![CDATA[x < y & z]]>",
  "<![CDATA[ ]]>",
  "<!-- a comment -->",
  "<?pi data?>",
  "<b>bold</b>",
  "<br/>",
  "\r\n",
  "\r",
  "]]>",
  "\u0001",
  "\u00a0",
  "\u2028",
  "\u0085",
  "\ufeff",
  "   ",
  "<",
  ">",
  "&",
  '"',
  "'",
  "\t",
  "😀",
];

const insertInAField: Mutation = { name: "insert in a field", apply: (xml, random) => atFieldText(xml, random, pickOne(INSERTS, random)) };

/** Inserts are the commonest: each of the many kinds should come up several times in a run. */
export const MUTATIONS: Mutation[] = [
  insertInAField,
  insertInAField,
  insertInAField,
  insertInAField,
  {
    name: "markup in a category",
    apply: (xml, random) =>
      replaceOne(xml, random, /<category>/g, pickOne(["<category><b>x</b>", "<category> <b/> ", "<category>\r\n"], random)),
  },
  {
    name: "attributes on a field",
    apply: (xml, random) =>
      replaceOne(
        xml,
        random,
        /<(title|category|dc:creator|description|dc:rights)>/g,
        `<$1 ${pickOne(['lang="en"', 'domain="x"', "a='1' b=\"2\""], random)}>`,
      ),
  },
  {
    name: "attributes on an empty field",
    apply: (xml, random) =>
      replaceOne(
        xml,
        random,
        /<(title|guid|description|dc:creator)\b[^>]*>[^<]*<\/[a-z:]+>/g,
        pickOne(
          ['<$1 a="1">   </$1>', '<$1 a="1"></$1>', '<$1 a="1"/>', '<$1 a="1"><![CDATA[ ]]></$1>', '<$1 a="1"><![CDATA[]]></$1>'],
          random,
        ),
      ),
  },
  {
    name: "guid permalink",
    apply: (xml, random) =>
      replaceOne(xml, random, /<guid isPermaLink="false">/g, pickOne(['<guid isPermaLink="true">', "<guid>"], random)),
  },
  {
    name: "empty a field",
    apply: (xml, random) =>
      replaceOne(
        xml,
        random,
        /<(title|description|guid[^>]*|category|dc:creator)>[^<]*<\/[^>]+>/g,
        pickOne(["<$1></$1>", "<$1>   </$1>", "<$1><![CDATA[]]></$1>", "<$1><![CDATA[ ]]></$1>", "<$1/>"], random),
      ).replace(/<\/guid [^>]*>/g, "</guid>"),
  },
  {
    name: "a second field",
    apply: (xml, random) =>
      replaceOne(
        xml,
        random,
        /<\/item>/g,
        pickOne(["<title>Second</title>", "<category>cs.AI</category>", "<dc:creator>B</dc:creator>", "<guid>g2</guid>"], random) +
          "</item>",
      ),
  },
  {
    name: "another source of a field",
    apply: (xml, random) =>
      replaceOne(
        xml,
        random,
        /<item>/g,
        `<item>${pickOne(["<author>A. Author</author>", "<dc:title>DC title</dc:title>", "<dc:rights>r</dc:rights>"], random)}`,
      ),
  },
  {
    name: "drop a field",
    apply: (xml, random) => replaceOne(xml, random, /<(title|guid[^>]*|category|dc:creator|description)>[^<]*<\/[a-z:]+>/g, ""),
  },
  {
    name: "an xml2js key as element",
    apply: (xml, random) =>
      replaceOne(xml, random, /<\/item>/g, `${pickOne(["<_>x</_>", "<cdata>x</cdata><![CDATA[y]]>", "<$>x</$>"], random)}</item>`),
  },
  {
    name: "items elsewhere",
    apply: (xml, random) =>
      pickOne(
        [
          xml.replace("</channel>", "</channel><channel><item><title>Second channel</title><guid>c2</guid></item></channel>"),
          xml.replace("</channel>", "</channel><item><title>Outside</title><guid>o</guid></item>"),
          xml.replace("<channel>", "<channel><image><item><title>Nested</title></item></image>"),
          xml.replace(/<channel>[\s\S]*<\/channel>/, ""),
          xml.replace("<channel>", "<channel/><channel>"),
        ],
        random,
      ),
  },
  {
    name: "another kind of feed",
    apply: (xml, random) =>
      pickOne(
        [
          xml.replace(/version="2.0"/, 'version="0.91"'),
          xml.replace(/version="2.0"/, 'version="2.0.1"'),
          xml.replace(/version="2.0"/, 'version=" 2.0"'),
          xml.replace(/ version="2.0"/, ""),
          xml.replace(/version="2.0"/, 'version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'),
          xml.replace("<rss ", "<feed ").replace("</rss>", "</feed>"),
        ],
        random,
      ),
  },
  { name: "truncate", apply: (xml, random) => xml.slice(0, Math.floor(random() * xml.length)) },
  { name: "after the root", apply: (xml, random) => xml + pickOne(["garbage", "<rss/>", "<!-- c -->", "\n\n", "&amp;"], random) },
  {
    name: "before the root",
    apply: (xml, random) =>
      pickOne(
        [
          `\ufeff${xml}`,
          `  ${xml}`,
          xml.replace(/\?>/, '?><!DOCTYPE rss [<!ENTITY me "Me">]>').replace("<title>", "<title>&me;"),
          xml.replace(/\?>/, "?><!DOCTYPE rss>"),
          xml.replace(/<\?xml[^>]*\?>/, '<?xml version="1.1"?>'),
        ],
        random,
      ),
  },
];
