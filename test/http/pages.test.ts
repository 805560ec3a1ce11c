import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BundleStore } from "../../src/bundle/store.js";
import { digestStore, type DigestStore } from "../../src/db/digest.js";
import { buildEdition, type DigestSources } from "../../src/digest/content.js";
import { readingListPage } from "../../src/http/pages.js";
import { databaseSources } from "../../src/digest/sources.js";
import { digestPages } from "../../src/http/pages.js";
import type { WeekLabel } from "../../src/digest/week.js";
import { startHttpServer, type RunningHttpServer } from "../../src/http/index.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";
import { addModeratorPapers, moderatorEntry, sampleCandidates } from "../support/digest.js";

const PUBLIC = "https://paperbot.example";
const PAGES = ["/", "/digest", "/digest/ja", "/digest.atom", "/digest/2026-W47", "/digest/2026-W47/ja"];

describe("pages rendered once per change, with ETag and 304", () => {
  let app: ReturnType<typeof createTestApp>;
  let server: RunningHttpServer;
  let dir: string;
  let store: DigestStore;
  let sources: DigestSources;
  let spies: { editions: number; weeks: number; edition: number };

  const publish = (week: WeekLabel, at: string): void => {
    store.freezeEdition(week, JSON.stringify(buildEdition(week, sources)), new Date(at));
    store.publishEdition(week, new Date(at));
  };

  beforeEach(async () => {
    dir = tempDir("paperbot-http-pages-");
    app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
    addModeratorPapers(app, [moderatorEntry(1), moderatorEntry(2)], new Date("2026-11-18T10:00:00Z"));
    store = digestStore(app.db);
    sources = databaseSources(store, () => app.catalog.papers, { pending: () => sampleCandidates });
    publish("2026-W47", "2026-11-23T09:00:05.000Z");
    spies = { editions: 0, weeks: 0, edition: 0 };
    const watched: DigestStore = {
      ...store,
      publishedEditions: (limit) => (spies.editions++, store.publishedEditions(limit)),
      publishedWeeks: (limit) => (spies.weeks++, store.publishedWeeks(limit)),
      edition: (week) => (spies.edition++, store.edition(week)),
    };
    server = await startHttpServer({
      port: 0,
      bundleStore: new BundleStore(dir),
      secret: "s".repeat(32),
      clock: app.clock,
      logger: app.logs,
      health: () => ({ database: "ok", discord: "ready" }),
      pages: digestPages({ store: watched, publicUrl: PUBLIC, readingListHtml: readingListPage(app) }),
    });
  });
  afterEach(async () => {
    await server?.close();
    app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}${path}`, { headers });
    return { status: response.status, etag: response.headers.get("etag"), headers: response.headers, text: await response.text() };
  };

  it("gives every page a strong ETag and answers a matching If-None-Match (also weak, also in a list) with an empty 304", async () => {
    for (const path of PAGES) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      expect(first.etag, path).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
      for (const condition of [first.etag ?? "", `W/${first.etag}`, `"other", ${first.etag}`]) {
        const again = await get(path, { "If-None-Match": condition });
        expect(again.status, `${path} ${condition}`).toBe(304);
        expect(again.text).toBe("");
        expect(again.etag).toBe(first.etag);
        expect(again.headers.get("cache-control")).toBe("public, max-age=300");
      }
      expect((await get(path, { "If-None-Match": '"stale"' })).status).toBe(200);
    }
  });

  it("renders each page once however often it is asked for (no edition parsed per request)", async () => {
    for (let round = 0; round < 20; round += 1) for (const path of PAGES) expect((await get(path)).status).toBe(200);
    expect(spies.editions).toBe(1); // the feed
    expect(spies.weeks).toBe(2); // the archive, en and ja
    expect(spies.edition).toBe(1); // W47, read once for en and ja (votes: the pages follow the counts, the edition is kept)
  });

  it("a newly published edition changes the ETag and the content of the archive and the feed", async () => {
    const before = new Map<string, Awaited<ReturnType<typeof get>>>();
    for (const path of ["/digest", "/digest/ja", "/digest.atom"]) before.set(path, await get(path));
    publish("2026-W48", "2026-11-30T09:00:05.000Z");
    for (const [path, old] of before) {
      const now = await get(path, { "If-None-Match": old.etag ?? "" });
      expect(now.status, path).toBe(200);
      expect(now.etag, path).not.toBe(old.etag);
      expect(old.text, path).not.toContain("2026-W48");
      expect(now.text, path).toContain("2026-W48");
      expect((await get(path, { "If-None-Match": now.etag ?? "" })).status).toBe(304);
    }
    expect((await get("/digest/2026-W48")).status).toBe(200);
  });

  it("an edition frozen but not yet published changes nothing; its page is 404 until it is published", async () => {
    const feed = await get("/digest.atom");
    store.freezeEdition("2026-W48", JSON.stringify(buildEdition("2026-W48", sources)), new Date("2026-11-30T09:00:00.000Z"));
    expect((await get("/digest.atom", { "If-None-Match": feed.etag ?? "" })).status).toBe(304);
    expect((await get("/digest/2026-W48")).status).toBe(404);
    store.publishEdition("2026-W48", new Date("2026-11-30T09:00:05.000Z"));
    expect((await get("/digest/2026-W48")).status).toBe(200);
  });
});

describe("pages follow editions published by another process", () => {
  it("a digest published through another connection to the database changes the archive and the feed", async () => {
    const dir = tempDir("paperbot-http-pages-file-");
    const env = { DATABASE_PATH: `${dir}/paperbot.db` };
    const bot = createTestApp(env, fixedClock(new Date("2026-11-30T09:30:00Z")));
    const other = createTestApp(env, fixedClock(new Date("2026-11-30T09:30:00Z")));
    let server: RunningHttpServer | undefined;
    try {
      const sources = databaseSources(digestStore(other.db), () => other.catalog.papers, { pending: () => sampleCandidates });
      server = await startHttpServer({
        port: 0,
        bundleStore: new BundleStore(`${dir}/bundle`),
        secret: "s".repeat(32),
        clock: bot.clock,
        logger: bot.logs,
        health: () => ({ database: "ok", discord: "ready" }),
        pages: digestPages({ store: digestStore(bot.db), publicUrl: PUBLIC, readingListHtml: readingListPage(bot) }),
      });
      const url = server.url;
      const get = async (path: string) => (await fetch(`${url}${path}`)).text();
      expect(await get("/digest.atom")).not.toContain("2026-W48");
      const store = digestStore(other.db);
      store.freezeEdition("2026-W48", JSON.stringify(buildEdition("2026-W48", sources)), new Date("2026-11-30T09:00:05.000Z"));
      store.publishEdition("2026-W48", new Date("2026-11-30T09:00:05.000Z"));
      expect(await get("/digest.atom")).toContain("2026-W48");
      expect(await get("/digest")).toContain("2026-W48");
    } finally {
      await server?.close();
      other.close();
      bot.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
