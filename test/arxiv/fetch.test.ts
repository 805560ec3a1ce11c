// Issue 8 (QA items 1, 4, 5, 6, 9): backoff with Retry-After, catch-up after failed polls, redirects through the gate,
// and validators read when the request goes out. Small synthetic feeds, so no real fixtures are needed.
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseRetryAfter } from "../../src/arxiv/fetch.js";
import { LAST_POLL_KEY, LAST_SUCCESS_KEY } from "../../src/arxiv/poller.js";
import type { Environment } from "../../src/config.js";
import { settingsStore } from "../../src/db/settings.js";
import type { Clock } from "../../src/logger.js";
import { tempDir } from "../support/app.js";
import { startArxivServer, type ArxivServer, type LoggedRequest } from "../support/arxiv.js";
import { pollerProcess, startTestPoller } from "../support/poller.js";

const EMPTY_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>empty</title></channel></rss>';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function setup(feeds: string[], env: Environment = {}) {
  return startTestPoller(feeds, { env });
}

/** One request at a time (each answered before the next arrives), starts at least `interval` apart. */
function expectSpaced(requests: readonly LoggedRequest[], interval: number): void {
  for (let index = 1; index < requests.length; index += 1) {
    const previous = requests[index - 1];
    const next = requests[index];
    if (!previous || !next) continue;
    expect(previous.finishedAt, previous.path).toBeDefined();
    expect(next.at - (previous.finishedAt ?? Number.POSITIVE_INFINITY), `${previous.path} → ${next.path}`).toBeGreaterThanOrEqual(0);
    expect(next.at - previous.at, `${previous.path} → ${next.path}`).toBeGreaterThanOrEqual(interval);
  }
}

const paths = (server: ArxivServer, prefix: string) =>
  server.requests.map((request) => request.path).filter((path) => path.startsWith(prefix));

describe("arXiv feed backoff with Retry-After", () => {
  it("takes Retry-After as a minimum on 5 min × 2^(n-1), and never waits more than 24 h", async () => {
    const feeds = ["x.short", "x.hour", "x.seconds", "x.date", "x.digits"];
    const t = await setup(feeds);
    t.server.route("/rss/x.short", { status: 503, headers: { "retry-after": "90" } });
    t.server.route("/rss/x.hour", { status: 503, headers: { "retry-after": "3600" } });
    t.server.route("/rss/x.seconds", { status: 503, headers: { "retry-after": "99999999999" } });
    t.server.route("/rss/x.date", { status: 429, headers: { "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" } });
    t.server.route("/rss/x.digits", { status: 503, headers: { "retry-after": "9".repeat(400) } });
    const gaps: Record<string, number[]> = Object.fromEntries(feeds.map((feed) => [feed, []]));
    for (let round = 0; round < 6; round += 1) {
      const report = await t.poller.poll({ force: true });
      expect(report.feeds.map((feed) => feed.status)).toEqual(feeds.map(() => "failed"));
      for (const feed of feeds) {
        const state = t.feeds.get(t.url(feed));
        gaps[feed]?.push((Date.parse(state?.nextAttemptAt ?? "") - Date.parse(state?.lastFailureAt ?? "")) / MINUTE);
      }
    }
    expect(gaps["x.short"]).toEqual([5, 10, 20, 40, 80, 160]);
    expect(gaps["x.hour"]).toEqual([60, 60, 60, 60, 80, 160]);
    for (const feed of ["x.seconds", "x.date", "x.digits"]) expect(gaps[feed], feed).toEqual(Array.from({ length: 6 }, () => DAY / MINUTE));
    // Nothing far-future is stored, and the cron's next run tries these feeds again within a day.
    const latest = Math.max(...feeds.map((feed) => Date.parse(t.feeds.get(t.url(feed))?.nextAttemptAt ?? "")));
    expect(latest - t.time.clock.now().getTime()).toBeLessThanOrEqual(DAY);
    t.time.clock.advance(DAY);
    const before = t.server.requests.length;
    await t.poller.poll();
    expect(t.server.requests.length - before).toBe(feeds.length);
  });

  it("reads Retry-After of any size as at most 24 h", () => {
    const now = new Date("2026-08-13T05:15:00Z");
    expect(parseRetryAfter("99999999999", now)).toBe(DAY);
    expect(parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now)).toBe(DAY);
    expect(parseRetryAfter("9".repeat(400), now)).toBe(DAY);
    expect(parseRetryAfter("86399", now)).toBe(DAY - 1000);
  });
});

describe("arXiv catch-up at start", () => {
  it("goes by the last successful poll: a poll in which every feed failed is made up at the next start", async () => {
    const t = await setup(["x.down"], { POLL_CRON: "0 0 1 1 *" });
    let healthy = false;
    t.server.route("/rss/x.down", () => (healthy ? { body: EMPTY_FEED } : { status: 500 }));
    expect(t.poller.needsCatchUp()).toBe(true); // fresh database
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "failed", error: "HTTP 500" });
    // The failed poll is still recorded as the last poll, but it is not a successful one.
    expect(settingsStore(t.app.db).get(LAST_POLL_KEY)).toBe(t.time.clock.now().toISOString());
    expect(t.poller.needsCatchUp()).toBe(true);

    t.time.clock.advance(10 * MINUTE); // past the feed's 5-minute backoff
    healthy = true;
    const before = t.server.requests.length;
    t.poller.start();
    await expect.poll(() => t.server.requests.length, { timeout: 5000 }).toBe(before + 1);
    // The catch-up poll ends (stop() would cut its parse short, and a stopped poll is no success).
    await expect.poll(() => t.feeds.get(t.url("x.down"))?.lastStatus, { timeout: 10_000 }).toBe("ok");
    await t.poller.stop();
    expect(t.feeds.get(t.url("x.down"))).toMatchObject({ lastStatus: "ok", failures: 0 });
    expect(t.poller.needsCatchUp()).toBe(false);
    // A value nobody can read (a hand edit, a bad copy) counts as no success, not as a success in the future.
    settingsStore(t.app.db).set(LAST_SUCCESS_KEY, "not a date");
    expect(t.poller.needsCatchUp()).toBe(true);
  });
});

describe("arXiv redirects", () => {
  it("follows each hop as a request of its own through the gate, resolving relative Locations, and keeps the final validators", async () => {
    const t = await setup(["x.moved"]);
    t.server.route("/rss/x.moved", { status: 301, headers: { location: "/new/x.moved" } });
    t.server.route("/new/x.moved", { status: 307, headers: { location: "x.final" } });
    t.server.route("/new/x.final", (request) =>
      request.headers["if-none-match"] === '"v9"'
        ? { status: 304 }
        : { body: EMPTY_FEED, headers: { etag: '"v9"', "last-modified": "Thu, 13 Aug 2026 04:00:00 GMT" } },
    );
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "ok", items: 0 });
    expect(t.feeds.get(t.url("x.moved"))).toMatchObject({ etag: '"v9"', lastModified: "Thu, 13 Aug 2026 04:00:00 GMT" });
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "not_modified" });
    expect(t.server.requests.map((request) => request.path)).toEqual([
      "/rss/x.moved",
      "/new/x.moved",
      "/new/x.final",
      "/rss/x.moved",
      "/new/x.moved",
      "/new/x.final",
    ]);
    expectSpaced(t.server.requests, t.app.config.arxiv.requestIntervalMs);
  });

  it("ends a loop, a long chain or a non-http Location as a failure of that feed with its reason, politely", async () => {
    const t = await setup(["x.loop", "x.chain", "x.ftp", "x.bare"]);
    t.server.route("/rss/x.loop", { status: 302, headers: { location: "/rss/x.loop2" } });
    t.server.route("/rss/x.loop2", { status: 302, headers: { location: "/rss/x.loop" } });
    t.server.route("/rss/x.chain", { status: 302, headers: { location: "/chain/1" } });
    for (let step = 1; step <= 6; step += 1) t.server.route(`/chain/${step}`, { status: 302, headers: { location: `/chain/${step + 1}` } });
    t.server.route("/rss/x.ftp", { status: 301, headers: { location: "ftp://mirror.invalid/rss/cs.CL" } });
    t.server.route("/rss/x.bare", { status: 302 });
    const report = await t.poller.poll();
    const byEntry = Object.fromEntries(report.feeds.map((feed) => [feed.url.split("/rss/")[1] ?? "", feed]));
    expect(byEntry["x.loop"]).toMatchObject({
      status: "failed",
      error: `redirect loop: ${t.url("x.loop2")} sends back to ${t.url("x.loop")}`,
    });
    expect(byEntry["x.chain"]).toMatchObject({ status: "failed", error: `more than 5 redirects (the last to ${t.server.url}/chain/6)` });
    expect(byEntry["x.ftp"]).toMatchObject({ status: "failed", error: "redirected to a ftp: URL, not http(s)" });
    expect(byEntry["x.bare"]).toMatchObject({ status: "failed", error: `HTTP 302 without a Location from ${t.url("x.bare")}` });
    expect(t.feeds.get(t.url("x.loop"))).toMatchObject({ failures: 1, lastStatus: "failed" });
    expect(paths(t.server, "/rss/x.loop")).toEqual(["/rss/x.loop", "/rss/x.loop2"]);
    expect(paths(t.server, "/chain/")).toEqual(["/chain/1", "/chain/2", "/chain/3", "/chain/4", "/chain/5"]);
    expect(t.server.requests).toHaveLength(2 + 6 + 1 + 1);
    expectSpaced(t.server.requests, t.app.config.arxiv.requestIntervalMs);
  });
});

describe("arXiv validators across processes", () => {
  it("sends the ETag another process stored while this one waited for its turn, and gets a 304", async () => {
    const dir = tempDir("paperbot-validators-");
    const realClock: Clock = { now: () => new Date() };
    const server = await startArxivServer(realClock);
    onTestFinished(() => server.close());
    // The first answer takes 150 ms, so the second process asks for the feed while the first is still downloading it.
    server.route("/rss/x.etag", (request) =>
      request.headers["if-none-match"] === '"e1"' ? { status: 304 } : { body: EMPTY_FEED, headers: { etag: '"e1"' }, delayMs: 150 },
    );
    const env = {
      DATABASE_PATH: join(dir, "paperbot.db"),
      ARXIV_RSS_URL: `${server.url}/rss`,
      ARXIV_CATEGORIES: "x.etag",
      ARXIV_REQUEST_INTERVAL_MS: "1000",
    };
    // Two "processes": their own connection, gate and poller on one database file. The spacing leaves the first
    // time to parse (in a worker thread) and store its ETag before the second's turn, as arXiv's 3 s does.
    const [first, second] = [pollerProcess(env, realClock).poller, pollerProcess(env, realClock).poller];
    const firstPoll = first.poll();
    await expect.poll(() => server.requests.length, { timeout: 5000 }).toBe(1);
    const secondPoll = second.poll();
    expect((await firstPoll).feeds[0]).toMatchObject({ status: "ok" });
    expect((await secondPoll).feeds[0]).toMatchObject({ status: "not_modified" });
    expect(server.requests.map((request) => request.headers["if-none-match"])).toEqual([undefined, '"e1"']);
  });
});
