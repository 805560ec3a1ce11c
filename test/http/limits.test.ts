import { rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BundleStore } from "../../src/bundle/store.js";
import { digestStore } from "../../src/db/digest.js";
import { buildEdition } from "../../src/digest/content.js";
import { readingListPage } from "../../src/http/pages.js";
import { databaseSources } from "../../src/digest/sources.js";
import { digestPages } from "../../src/http/pages.js";
import { startHttpServer, type HttpLimits, type RunningHttpServer } from "../../src/http/index.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";
import { addModeratorPapers, moderatorEntry, sampleCandidates } from "../support/digest.js";

const PUBLIC = "https://paperbot.example";

interface Served {
  server: RunningHttpServer;
  /** Calls of the pages function (one per page request the server handled). */
  pageCalls: () => number;
  /** Resolves at the first page request. */
  firstPage: Promise<void>;
  /** Times the feed was rendered. */
  feedRenders: () => number;
}

describe("one client cannot starve the others", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(limits: Partial<HttpLimits> = {}): Promise<Served> {
    const dir = tempDir("paperbot-http-limits-");
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
    cleanups.push(() => app.close());
    addModeratorPapers(
      app,
      [1, 2, 3, 4, 5, 6].map((n) => moderatorEntry(n)),
      new Date("2026-11-25T10:00:00Z"),
    );
    const store = digestStore(app.db);
    const sources = databaseSources(store, () => app.catalog.papers, { pending: () => sampleCandidates });
    store.freezeEdition("2026-W48", JSON.stringify(buildEdition("2026-W48", sources)), new Date("2026-11-30T09:00:05.000Z"));
    store.publishEdition("2026-W48", new Date("2026-11-30T09:00:05.000Z"));
    let feedRenders = 0;
    const watched = { ...store, publishedEditions: (limit: number) => (feedRenders++, store.publishedEditions(limit)) };
    const pages = digestPages({ store: watched, publicUrl: PUBLIC, readingListHtml: readingListPage(app) });
    // A large page, so unread responses outgrow what the kernel buffers for a connection.
    const big = { status: 200, contentType: "text/plain; charset=utf-8", body: "x".repeat(512 * 1024), headers: {} };
    let calls = 0;
    let firstPage!: () => void;
    const first = new Promise<void>((resolve) => (firstPage = resolve));
    const server = await startHttpServer({
      port: 0,
      bundleStore: new BundleStore(dir),
      secret: "s".repeat(32),
      clock: app.clock,
      logger: app.logs,
      health: () => ({ database: "ok", discord: "ready" }),
      pages: (path) => {
        calls += 1;
        firstPage();
        return path === "/big" ? big : pages(path);
      },
      shutdownGraceMs: 0,
      limits,
    });
    cleanups.push(() => server.close());
    return { server, pageCalls: () => calls, firstPage: first, feedRenders: () => feedRenders };
  }

  function rawSocket(server: RunningHttpServer): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () => resolve(socket));
      socket.once("error", reject);
      cleanups.push(() => socket.destroy());
    });
  }

  /** Everything the server sends until it closes the connection. */
  function untilClosed(socket: Socket): Promise<string> {
    return new Promise((resolve) => {
      let received = "";
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
      socket.on("error", () => undefined);
      socket.once("close", () => resolve(received));
    });
  }

  const pipelined = (path: string, count: number): string => `GET ${path} HTTP/1.1\r\nHost: paperbot.example\r\n\r\n`.repeat(count);

  it("a socket pipelining 1,000 feed requests without reading does not stop /healthz on another socket; its work is bounded", async () => {
    const served = await serve();
    const greedy = await rawSocket(served.server);
    greedy.pause(); // never reads its responses
    greedy.write(pipelined("/digest.atom", 1000));
    await served.firstPage;
    const health = await fetch(`${served.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    expect(greedy.destroyed).toBe(false);
    // Node answers the requests past the per-socket limit with 503 without asking us; the feed was rendered once.
    expect(served.pageCalls()).toBeLessThanOrEqual(100);
    expect(served.feedRenders()).toBe(1);
  });

  it("cuts a connection whose unread responses pile up past the per-socket byte limit", async () => {
    const served = await serve({ maxQueuedBytesPerSocket: 1024 * 1024 });
    const greedy = await rawSocket(served.server);
    greedy.pause();
    let received = 0;
    greedy.on("data", (chunk: Buffer) => (received += chunk.length));
    const closed = new Promise<void>((resolve) => {
      greedy.on("error", () => undefined);
      greedy.once("close", () => resolve());
    });
    greedy.write(pipelined("/big", 1000));
    await served.firstPage;
    // The client never reads, so it learns of the cut by resuming: the stream then ends or errors and closes.
    greedy.resume();
    await closed;
    // It got about the limit's worth (not the 100 × 512 KiB the per-socket request limit alone would allow).
    expect(received).toBeLessThan(3 * 512 * 1024);
    expect(served.pageCalls()).toBeLessThan(10);
    expect((await fetch(`${served.server.url}/healthz`)).status).toBe(200);
  });

  it("cuts a client that sends its headers slowly (slowloris) with 408", async () => {
    const served = await serve({ headersTimeoutMs: 300, connectionsCheckingIntervalMs: 50 });
    const slow = await rawSocket(served.server);
    const closed = untilClosed(slow);
    slow.write("GET /digest HTTP/1.1\r\nHost: paperbot.example\r\n");
    // One more header line every 50 ms, forever: each keeps the socket busy but the headers never end.
    let line = 0;
    const drip = setInterval(() => slow.writable && slow.write(`X-Drip-${line++}: a\r\n`), 50);
    cleanups.push(() => clearInterval(drip));
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    expect(served.pageCalls()).toBe(0);
  }, 10_000);

  it("refuses connections past the cap", async () => {
    const served = await serve({ maxConnections: 2 });
    const held = [await rawSocket(served.server), await rawSocket(served.server)];
    // Each held connection has been accepted once it has been answered.
    for (const socket of held) {
      const answered = new Promise<void>((resolve) => socket.once("data", () => resolve()));
      socket.write("GET /healthz HTTP/1.1\r\nHost: paperbot.example\r\n\r\n");
      await answered;
    }
    const extra = await rawSocket(served.server);
    const refused = untilClosed(extra);
    extra.write("GET /healthz HTTP/1.1\r\nHost: paperbot.example\r\n\r\n");
    expect(await refused).toBe("");
  });

  it("advertises the keep-alive bounds", async () => {
    const served = await serve();
    const response = await fetch(`${served.server.url}/digest`);
    expect(response.headers.get("keep-alive")).toBe("timeout=5, max=100");
    await response.text();
  });
});
