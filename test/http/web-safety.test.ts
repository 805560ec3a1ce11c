import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BundleStore } from "../../src/bundle/store.js";
import { Catalog } from "../../src/catalog/catalog.js";
import { digestStore } from "../../src/db/digest.js";
import { buildEdition } from "../../src/digest/content.js";
import { readingListPage } from "../../src/http/pages.js";
import { databaseSources } from "../../src/digest/sources.js";
import { digestPages } from "../../src/http/pages.js";
import { startHttpServer, type RunningHttpServer } from "../../src/http/index.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";
import { addModeratorPapers, moderatorEntry, sampleCandidates } from "../support/digest.js";
import { readHtml, readXml, type HtmlReading } from "../support/markup.js";

/** Hostile text as a feed, an arXiv title or a moderator could send it. */
const HOSTILE = {
  script: `<script>alert(1)</script>`,
  attribute: `"><img src=x onerror=alert(2)>`,
  single: `'><svg onload=alert(3)>`,
  cdata: `]]><evil xmlns="urn:x"/><![CDATA[`,
  entity: `&amp; &lt;b&gt; &#x3C;i>`,
};
/** U+202E (right-to-left override) and U+2067 (right-to-left isolate) make text read differently: they are dropped. */
const BIDI = "gpj\u202E.exe\u2067x";
const BIDI_SHOWN = "gpj.exex";
const ALL = Object.values(HOSTILE).join(" ");
const PUBLIC = "https://paperbot.example";
const SAFE_TAGS = new Set([
  "html",
  "head",
  "body",
  "meta",
  "title",
  "style",
  "p",
  "a",
  "h1",
  "h2",
  "h3",
  "h4",
  "ol",
  "ul",
  "li",
  "span",
  "em",
  "br",
  "header",
  "nav",
  "main",
  "section",
  "article",
  "dl",
  "dt",
  "dd",
  "div",
  "footer",
  "time",
  "code",
  "link",
  "form",
  "label",
  "input",
  "button",
]);

function expectOnlyText(reading: HtmlReading, where: string): void {
  expect(
    reading.tags.filter((tag) => !SAFE_TAGS.has(tag)),
    where,
  ).toEqual([]);
  expect(
    reading.attributes.filter((attribute) => attribute.name.startsWith("on") || !/^[a-z-]+$/.test(attribute.name)),
    where,
  ).toEqual([]);
  for (const { value } of reading.attributes.filter((attribute) => attribute.name === "href"))
    expect(value, where).toMatch(/^(https:\/\/|#|data:,$)/);
  for (const text of Object.values(HOSTILE)) expect(reading.text, `${where}: ${text}`).toContain(text);
  expect(reading.text, where).toContain(BIDI_SHOWN);
  expect(reading.text, where).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
}

describe("hostile titles, abstracts and summaries come out as text on every page", () => {
  let app: ReturnType<typeof createTestApp>;
  let server: RunningHttpServer;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir("paperbot-web-safety-");
    app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
    const hostile = moderatorEntry(1, {
      title: `${ALL} ${BIDI}`,
      titleJa: `${ALL} ${BIDI} 日本語`,
      authors: [HOSTILE.script, `${HOSTILE.attribute} ${HOSTILE.single} ${HOSTILE.cdata} ${HOSTILE.entity} ${BIDI}`],
      organisation: ALL,
      summary: { en: `${ALL} ${BIDI}.`, ja: `${ALL} ${BIDI}。` },
      keyResults: { en: [ALL], ja: [ALL] },
    });
    addModeratorPapers(app, [hostile, moderatorEntry(2)], new Date("2026-11-25T10:00:00Z"));
    app.catalog = Catalog.load(app.db); // as the bot does after a moderator's addition
    const store = digestStore(app.db);
    const candidate = { ...sampleCandidates[0]!, title: `Candidate ${ALL} ${BIDI}`, excerpt: `${ALL} ${BIDI}` };
    const sources = databaseSources(store, () => app.catalog.papers, { pending: () => [candidate] });
    store.freezeEdition("2026-W48", JSON.stringify(buildEdition("2026-W48", sources)), new Date("2026-11-30T09:00:05.000Z"));
    store.publishEdition("2026-W48", new Date("2026-11-30T09:00:05.000Z"));
    server = await startHttpServer({
      port: 0,
      bundleStore: new BundleStore(dir),
      secret: "s".repeat(32),
      clock: app.clock,
      logger: app.logs,
      health: () => ({ database: "ok", discord: "ready" }),
      pages: digestPages({ store, publicUrl: PUBLIC, readingListHtml: readingListPage(app) }),
    });
  });
  afterEach(async () => {
    await server?.close();
    app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string): Promise<string> => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status, path).toBe(200);
    return response.text();
  };

  it("on the reading list at / and the digest pages in both languages (parsed by parse5)", async () => {
    for (const path of ["/", "/ja/", "/digest/2026-W48", "/digest/2026-W48/ja"]) expectOnlyText(readHtml(await get(path)), path);
  });

  it("on search pages, with the hostile text as the query and as a result (the query comes back as text only)", async () => {
    for (const [name, text] of Object.entries(HOSTILE)) {
      for (const prefix of ["", "/ja"]) {
        const path = `${prefix}/search?q=${encodeURIComponent(text)}`;
        const reading = readHtml(await get(path));
        expect(
          reading.tags.filter((tag) => !SAFE_TAGS.has(tag)),
          `${name} ${path}`,
        ).toEqual([]);
        expect(
          reading.attributes.filter((attribute) => attribute.name.startsWith("on")),
          path,
        ).toEqual([]);
        const input = reading.attributes.find((attribute) => attribute.tag === "input" && attribute.name === "value");
        expect(input?.value, path).toBe(text);
      }
    }
    // The hostile paper found by a word of its title: listed as text.
    const found = readHtml(await get(`/search?q=${encodeURIComponent("gpj.exex alert")}`));
    expect(found.tags.filter((tag) => !SAFE_TAGS.has(tag))).toEqual([]);
  });

  it("on the 404 page a browser gets for a hostile path", async () => {
    const response = await fetch(`${server.url}/${encodeURIComponent(HOSTILE.script)}`, { headers: { Accept: "text/html" } });
    expect(response.status).toBe(404);
    const reading = readHtml(await response.text());
    expect(reading.tags.filter((tag) => !SAFE_TAGS.has(tag))).toEqual([]);
    expect(reading.text).not.toContain("alert(1)");
  });

  it("on the archive pages, whose only outside text is the week label", async () => {
    for (const path of ["/digest", "/digest/ja"]) {
      const reading = readHtml(await get(path));
      expect(
        reading.tags.filter((tag) => !SAFE_TAGS.has(tag)),
        path,
      ).toEqual([]);
      expect(reading.text).toContain("2026-W48");
    }
  });

  it("in the Atom feed: well-formed XML (saxes), only Atom elements, the HTML content again only text", async () => {
    for (const feed of ["/digest.atom", "/digest.ja.atom"]) {
      const elements = readXml(await get(feed));
      expect(new Set(elements.map((element) => element.uri))).toEqual(new Set(["http://www.w3.org/2005/Atom"]));
      expect(
        elements
          .map((element) => element.name)
          .filter(
            (name) =>
              ![
                "feed",
                "id",
                "title",
                "updated",
                "published",
                "link",
                "author",
                "name",
                "generator",
                "entry",
                "summary",
                "content",
              ].includes(name),
          ),
      ).toEqual([]);
      const content = elements.find((element) => element.name === "content");
      expect(content?.attributes["type"]).toBe("html");
      expectOnlyText(readHtml(content?.text ?? "", true), `${feed} content`);
    }
  });
});
