import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Parser from "rss-parser";
import { BundleStore } from "../../src/bundle/store.js";
import { digestStore } from "../../src/db/digest.js";
import { buildEdition } from "../../src/digest/content.js";
import { digestPages, readingListPage } from "../../src/http/pages.js";
import { startHttpServer, type RunningHttpServer } from "../../src/http/index.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";
import { addModeratorPapers, moderatorEntry, sampleCandidates } from "../support/digest.js";
import { databaseSources } from "../../src/digest/sources.js";

const PUBLIC = "https://paperbot.example";
const EVIL = `<script>alert("x")</script> & "quotes"`;

describe("digest web pages and Atom feed", () => {
  let app: ReturnType<typeof createTestApp>;
  let server: RunningHttpServer;
  let dir: string;

  beforeEach(async () => {
    app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
    addModeratorPapers(app, [moderatorEntry(1, { title: EVIL }), moderatorEntry(2)], new Date("2026-11-25T10:00:00Z"));
    const store = digestStore(app.db);
    const sources = databaseSources(store, () => app.catalog.papers, {
      pending: () => [{ ...sampleCandidates[0]!, title: `Candidate ${EVIL}` }],
    });
    for (const [week, at] of [
      ["2026-W47", "2026-11-23T09:00:05.000Z"],
      ["2026-W48", "2026-11-30T09:00:05.000Z"],
    ] as const) {
      store.freezeEdition(week, JSON.stringify(buildEdition(week, sources)), new Date(at));
      store.publishEdition(week, new Date(at));
    }
    store.freezeEdition("2026-W49", JSON.stringify(buildEdition("2026-W49", sources)), new Date("2026-11-30T10:00:00Z")); // frozen, never sent
    server = await startHttpServer({
      port: 0,
      bundleStore: new BundleStore((dir = tempDir("paperbot-digest-web-"))),
      secret: "s".repeat(32),
      clock: app.clock,
      logger: app.logs,
      health: () => ({ database: "ok", discord: "ready" }),
      pages: digestPages({ store, publicUrl: PUBLIC, readingListHtml: readingListPage(app) }),
    });
  });
  afterEach(async () => {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { response, text: await response.text() };
  };

  it("serves each sent digest as plain HTML with CSP and nosniff, feed text escaped", async () => {
    const { response, text } = await get("/digest/2026-W48");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(response.headers.get("content-security-policy")).not.toMatch(/script-src/);
    expect(text).not.toMatch(/<script/i);
    expect(text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;");
    expect(text).toContain("Candidate &lt;script&gt;");
    expect(text).toContain("not yet reviewed");
    expect((await get("/digest/2026-W49")).response.status).toBe(404); // frozen but not sent
    expect((await get("/digest/2026-W99")).response.status).toBe(404);
    expect((await get("/digest/..%2f..%2fetc")).response.status).toBe(404);
  });

  it("serves a Japanese page at /digest/<week>/ja (where ja DMs link): lang=ja, ja summaries, topics in Japanese, escaped", async () => {
    const { response, text } = await get("/digest/2026-W48/ja");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(text).toMatch(/<html lang="ja">/);
    expect(text).toContain("<h1>LLM 論文ダイジェスト · 2026-W48</h1>");
    expect(text).toContain("論文 2 は、丁寧な検索が長い文書の多段推論を改善することを示す。");
    expect(text).toContain("トピック: 検索拡張");
    expect(text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(text).not.toMatch(/<script/i);
    expect(text).toContain(`<a href="${PUBLIC}/digest/2026-W48" hreflang="en" lang="en">English</a>`);
    expect((await get("/digest/2026-W48")).text).toContain(`<a href="${PUBLIC}/digest/2026-W48/ja" hreflang="ja" lang="ja">日本語</a>`);
    expect((await get("/digest/2026-W49/ja")).response.status).toBe(404);
    expect((await get("/digest/2026-W48/fr")).response.status).toBe(404);
  });

  it("the Japanese page's 'all digests' link leads to a Japanese index at /digest/ja that links the ja pages", async () => {
    const page = await get("/digest/2026-W48/ja");
    expect(page.text).toContain(`<a href="${PUBLIC}/digest/ja">← すべてのダイジェスト</a>`);
    for (const path of ["/digest/ja", "/digest/ja/"]) {
      const index = await get(path);
      expect(index.response.status).toBe(200);
      expect(index.text).toMatch(/<html lang="ja">/);
      expect(index.text).toContain(`<a href="${PUBLIC}/digest/2026-W48/ja">LLM 論文ダイジェスト · 2026-W48</a>`);
      expect(index.text).not.toContain(`${PUBLIC}/digest/2026-W48"`);
      expect(index.text).toContain(`<a href="${PUBLIC}/digest" hreflang="en" lang="en">English</a>`);
      expect(index.text).not.toContain("2026-W49");
    }
    const english = await get("/digest");
    expect(english.text).toContain(`<a href="${PUBLIC}/digest/ja" hreflang="ja" lang="ja">日本語</a>`);
    expect((await get("/digest/2026-W48")).text).toContain(`<a href="${PUBLIC}/digest">← all digests</a>`);
  });

  it("lists the digests at /digest and serves the reading list at /", async () => {
    const index = await get("/digest");
    expect(index.text.indexOf("2026-W48")).toBeLessThan(index.text.indexOf("2026-W47"));
    expect(index.text).not.toContain("2026-W49");
    const root = await get("/");
    expect(root.response.status).toBe(200);
    expect(root.response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(root.text).toContain("Attention Is All You Need");
    const post = await fetch(`${server.url}/digest`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("publishes an RFC 4287 Atom feed that an independent parser reads back, escaping intact", async () => {
    const { response, text } = await get("/digest.atom");
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(text).not.toMatch(/<script/i);
    const parser = new Parser({ customFields: { feed: ["id", "updated", "author"], item: ["updated", "id"] } });
    const feed = await parser.parseString(text);
    expect(feed).toMatchObject({
      title: "paperbot: weekly LLM papers digest",
      link: `${PUBLIC}/digest`,
      feedUrl: `${PUBLIC}/digest.atom`,
      id: `${PUBLIC}/digest`,
      updated: "2026-11-30T09:00:05.000Z",
    });
    expect(feed.items.map((item) => item.id)).toEqual([`${PUBLIC}/digest/2026-W48`, `${PUBLIC}/digest/2026-W47`]);
    const [first] = feed.items;
    expect(first).toMatchObject({
      title: "LLM papers digest · 2026-W48",
      link: `${PUBLIC}/digest/2026-W48`,
      isoDate: "2026-11-30T09:00:05.000Z",
    });
    // The entry's HTML content, once XML-unescaped by the parser, still shows the title as escaped text.
    expect(first?.content).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(first?.content).not.toContain("<script>");
  });
});
