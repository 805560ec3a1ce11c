import { describe, expect, it } from "vitest";
import { html, joinHtml, joinXml, raw, rawXml, xml } from "../../src/shared/html.js";
import { readHtml, readXml } from "../support/markup.js";

const NASTY = [
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `'><svg onload=x>`,
  `]]>`,
  `&amp;&lt;`,
  `a & b < c > d " e ' f`,
];

describe("html tagged template", () => {
  it("escapes every interpolated string so parse5 reads it back as the same text, in content and in attributes", () => {
    for (const text of NASTY) {
      const reading = readHtml(html`<p title="${text}" data-x='${text}'>${text}</p>`.toString(), true);
      expect(reading.tags.filter((tag) => !["html", "head", "body", "p"].includes(tag))).toEqual([]);
      expect(reading.attributes).toEqual([
        { tag: "p", name: "title", value: text },
        { tag: "p", name: "data-x", value: text },
      ]);
      expect(reading.text).toBe(text);
    }
  });

  it("inserts fragments built by html or raw as markup, once (no double escaping)", () => {
    const inner = html`<em>${"<b>"}</em>`;
    expect(html`<p>${inner}</p>`.toString()).toBe("<p><em>&lt;b&gt;</em></p>");
    expect(html`<p>${raw("<br>")}</p>`.toString()).toBe("<p><br></p>");
    expect(html`<p>${String(inner)}</p>`.toString()).toBe("<p>&lt;em&gt;&amp;lt;b&amp;gt;&lt;/em&gt;</p>");
  });

  it("renders numbers, lists (concatenated) and nothing for null, undefined and false", () => {
    expect(html`${1}${[html`<i>${"<"}</i>`, ">", [2, null]]}${null}${undefined}${false}`.toString()).toBe("1<i>&lt;</i>&gt;2");
    expect(joinHtml(["<", html`<br>`, 3], "\n").toString()).toBe("&lt;\n<br>\n3");
  });

  it("drops bidi override and isolate controls, which would make text read differently from what it is", () => {
    expect(html`${"abc\u202Edef\u2066g\u2069\u202A\u202B\u202C\u202D\u2067\u2068"}`.toString()).toBe("abcdefg");
  });
});

describe("xml tagged template", () => {
  it("escapes strings and HTML fragments as text (Atom content), inserts xml fragments as markup; saxes reads it back", () => {
    const fragment = html`<p>${NASTY[0] ?? ""}</p>`;
    const document = xml`${rawXml('<?xml version="1.0" encoding="utf-8"?>')}
<root a="${NASTY[1] ?? ""}">${joinXml(NASTY.map((text) => xml`<t>${text}</t>`))}<c>${fragment}</c></root>`.toString();
    const elements = readXml(document);
    expect(elements.map((element) => element.name)).toEqual(["root", ...NASTY.map(() => "t"), "c"]);
    expect(elements[0]?.attributes["a"]).toBe(NASTY[1]);
    expect(elements.filter((element) => element.name === "t").map((element) => element.text)).toEqual(NASTY);
    expect(elements.at(-1)?.text).toBe(fragment.toString());
  });

  it("drops characters XML 1.0 forbids (C0 controls, lone surrogates) so the feed stays well-formed", () => {
    const text = "a\u0000b\u0001c\u000Bd\uFFFEe\uD800f\uDC00g\t\n😀";
    const document = xml`<r>${text}</r>`.toString();
    expect(readXml(document)[0]?.text).toBe("abcdefg\t\n😀");
  });
});
