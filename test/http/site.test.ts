import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Parser from "rss-parser";
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { readHtml, readXml } from "../support/markup.js";
import { APPLICATION_ID, startTestSite, type TestSite } from "../support/site.js";
import { applicationIdFromToken } from "../../src/http/home.js";
import { negotiateLocale, pageRequest, wantsHtml } from "../../src/http/negotiate.js";

type Element = DefaultTreeAdapterMap["element"];
const PUBLIC = "https://paperbot.example";
const BROWSER = { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

/** Every element of a document, read by parse5. */
function elements(document: string): Element[] {
  const found: Element[] = [];
  const walk = (node: DefaultTreeAdapterMap["node"]): void => {
    if ("tagName" in node) found.push(node);
    if ("childNodes" in node) for (const child of node.childNodes) walk(child);
  };
  walk(parse(document));
  return found;
}
const attr = (element: Element, name: string): string | undefined => element.attrs.find((a) => a.name === name)?.value;
function meta(document: string, key: string): string | undefined {
  const found = elements(document).find((el) => el.tagName === "meta" && (attr(el, "name") === key || attr(el, "property") === key));
  return found ? attr(found, "content") : undefined;
}
function links(document: string, rel: string): Element[] {
  return elements(document).filter((el) => el.tagName === "link" && attr(el, "rel") === rel);
}

describe("the web home, search and forgiving URLs", () => {
  let site: TestSite;
  beforeEach(async () => {
    site = await startTestSite({ publicUrl: PUBLIC });
  });
  afterEach(async () => {
    await site?.close();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${site.server.url}${path}`, { headers, redirect: "manual" });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  it("/ says what the bot is, links the invite built from the application id, the latest digest and the list by topic", async () => {
    const home = await get("/");
    expect(home.status).toBe(200);
    expect(home.headers.get("vary")).toBe("Accept-Language");
    const html = home.text;
    expect(html).toMatch(/<html lang="en">/);
    const invite = elements(html).find((el) => el.tagName === "a" && attr(el, "href")?.startsWith("https://discord.com/oauth2/authorize"));
    const inviteUrl = new URL(attr(invite!, "href") ?? "");
    expect(Object.fromEntries(inviteUrl.searchParams)).toEqual({
      client_id: APPLICATION_ID,
      scope: "bot applications.commands",
      permissions: "19456",
    });
    // The latest sent edition (W48, not the unsent W49) with its headline paper and a link.
    expect(html).toContain(`href="${PUBLIC}/digest/2026-W48"`);
    expect(html).not.toContain("2026-W49");
    expect(html).toContain("Added paper number 1 on retrieval-augmented reasoning");
    // The whole reading list, by topic, with a search form to /search.
    const text = readHtml(html).text;
    for (const paper of site.app.catalog.papers) expect(text).toContain(paper.title);
    expect(elements(html).filter((el) => el.tagName === "h3" && attr(el, "id")?.startsWith("topic-")).length).toBeGreaterThan(5);
    const form = elements(html).find((el) => el.tagName === "form");
    expect(form && [attr(form, "method"), attr(form, "action")]).toEqual(["get", `${PUBLIC}/search`]);
  });

  it("answers / in Japanese for a Japanese browser, /ja/ always, and ?lang=en pins English; each links the other", async () => {
    const negotiated = await get("/", { "Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8" });
    expect(negotiated.text).toMatch(/<html lang="ja">/);
    expect(negotiated.text).toContain("追加論文 1: 検索拡張推論");
    for (const path of ["/ja", "/ja/", "/JA/", "/?lang=ja"]) {
      const page = await get(path);
      expect(page.text, path).toMatch(/<html lang="ja">/);
      expect(page.text, path).toContain(`<a href="${PUBLIC}/?lang=en" hreflang="en" lang="en">English</a>`);
      expect(page.headers.get("vary"), path).toBeNull();
    }
    const pinned = await get("/?lang=en", { "Accept-Language": "ja" });
    expect(pinned.text).toMatch(/<html lang="en">/);
    expect(pinned.text).toContain(`<a href="${PUBLIC}/ja/" hreflang="ja" lang="ja">日本語</a>`);
    expect(negotiateLocale(pageRequest("", { "accept-language": "en;q=0.5, ja;q=0.8" }))).toBe("ja");
    expect(negotiateLocale(pageRequest("", { "accept-language": "fr, ja;q=0" }))).toBe("en");
  });

  it("gives every page a description and Open Graph tags, and links both Atom feeds with hreflang", async () => {
    for (const path of ["/", "/ja/", "/search", "/search?q=lora", "/digest", "/digest/ja", "/digest/2026-W48", "/digest/2026-W48/ja"]) {
      const { status, text } = await get(path);
      expect(status, path).toBe(200);
      for (const key of ["description", "og:title", "og:description", "og:url", "og:type", "og:site_name"])
        expect(meta(text, key)?.trim(), `${path} ${key}`).toBeTruthy();
      expect(meta(text, "og:url"), path).toMatch(/^https:\/\/paperbot\.example\//);
      const feeds = links(text, "alternate").filter((el) => attr(el, "type") === "application/atom+xml");
      expect(
        feeds.map((el) => [attr(el, "hreflang"), attr(el, "href")]),
        path,
      ).toEqual([
        ["en", `${PUBLIC}/digest.atom`],
        ["ja", `${PUBLIC}/digest.ja.atom`],
      ]);
    }
    const edition = await get("/digest/2026-W48");
    expect(meta(edition.text, "og:type")).toBe("article");
    expect(meta(edition.text, "description")).toContain("Added paper number 1 on retrieval-augmented reasoning");
  });

  it("/digest lists editions with their headline papers, not bare week codes", async () => {
    const archive = readHtml((await get("/digest")).text).text;
    expect(archive).toContain("LLM papers digest · 2026-W48");
    expect(archive).toContain("Added paper number 2 on retrieval-augmented reasoning");
    const ja = readHtml((await get("/digest/ja")).text).text;
    expect(ja).toContain("追加論文 2: 検索拡張推論");
  });

  it("searches with the lookup behind /paper, rendered on the server, in both languages", async () => {
    const expected = site.app.catalog.resolve("lora", "en", { limit: 10 }).results[0]?.paper;
    const lora = await get("/search?q=lora");
    expect(lora.status).toBe(200);
    expect(readHtml(lora.text).text).toContain(expected?.title ?? "missing");
    expect(meta(lora.text, "robots")).toBe("noindex");
    const ja = await get("/ja/search?q=%E3%83%81%E3%83%B3%E3%83%81%E3%83%A9"); // チンチラ
    expect(ja.text).toMatch(/<html lang="ja">/);
    expect(readHtml(ja.text).text).toContain(site.app.catalog.resolve("チンチラ", "ja").results[0]?.paper.titleJa ?? "missing");
    const none = readHtml((await get("/search?q=zzqxj+vvkw")).text).text;
    expect(none).toContain("No paper in the reading list matches “zzqxj vvkw”.");
    const refused = readHtml((await get(`/search?q=${"x".repeat(300)}`)).text).text;
    expect(refused).toMatch(/200/);
  });

  it("forgives case and trailing slashes, and answers unknown paths with an HTML 404 to browsers, JSON to API clients", async () => {
    for (const path of ["/digest/2026-w48", "/digest/2026-W48/", "/DIGEST/2026-w48/JA/", "/digest/", "/Digest", "/search/", "/digest.atom"])
      expect((await get(path)).status, path).toBe(200);
    expect((await get("/digest/2026-w48")).text).toContain(`<link rel="canonical" href="${PUBLIC}/digest/2026-W48">`);
    for (const path of ["/nope", "/digest/2026-W49", "/digest/2026-W48/fr", "/bundle/x.zip", "/favicon.ico"]) {
      const page = await get(path, BROWSER);
      expect(page.status, path).toBe(404);
      expect(page.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(page.text, path).toContain(`href="${PUBLIC}/"`);
    }
    const api = await get("/nope", { Accept: "application/json" });
    expect([api.status, api.headers.get("content-type"), JSON.parse(api.text)]).toEqual([
      404,
      "application/json; charset=utf-8",
      { error: "not found" },
    ]);
    expect(JSON.parse((await get("/nope")).text)).toEqual({ error: "not found" });
    const expired = await get("/bundle/paperbot.zip?exp=1&sig=abc", BROWSER);
    expect(expired.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(wantsHtml("text/html;q=0, */*")).toBe(false);
  });

  it("publishes a Japanese Atom feed beside the English one, read back by rss-parser and saxes", async () => {
    const ja = await get("/digest.ja.atom");
    expect(ja.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(() => readXml(ja.text)).not.toThrow();
    const feed = await new Parser({ customFields: { feed: ["id", "updated"], item: ["id", "summary"] } }).parseString(ja.text);
    expect(feed).toMatchObject({
      title: "paperbot: LLM 論文の週刊ダイジェスト",
      id: `${PUBLIC}/digest/ja`,
      feedUrl: `${PUBLIC}/digest.ja.atom`,
    });
    expect(feed.items.map((item) => item.id)).toEqual([`${PUBLIC}/digest/2026-W48/ja`, `${PUBLIC}/digest/2026-W47/ja`]);
    expect(feed.items[0]?.title).toBe("LLM 論文ダイジェスト · 2026-W48");
    expect(feed.items[0]?.content).toContain("追加論文 1: 検索拡張推論");
    expect((await get("/ja/digest.atom")).text).toBe(ja.text);
  });

  it("reads the application id from config, else from the bot token", () => {
    const token = `${Buffer.from(APPLICATION_ID).toString("base64")}.abc.def`;
    expect(applicationIdFromToken(token)).toBe(APPLICATION_ID);
    expect(applicationIdFromToken("MTIz.NDU2.Nzg5")).toBeUndefined();
    expect(applicationIdFromToken(undefined)).toBeUndefined();
  });
});
