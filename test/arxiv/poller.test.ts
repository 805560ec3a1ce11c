import { describe, expect, it } from "vitest";
import { watchStatus } from "../../src/arxiv/status.js";
import { followStore } from "../../src/db/follows.js";
import type { Environment } from "../../src/config.js";
import { bigFeed, FIXTURES, idOf, itemBlocks, readFixture, reissue, withItems } from "../support/arxiv.js";
import { startTestPoller } from "../support/poller.js";
import { readsUnlicensedCapture } from "../support/real-fixtures.js";

function setup(feeds: string[], options: { env?: Environment; timeoutMs?: number; maxBytes?: number } = {}) {
  return startTestPoller(feeds, { ...options, env: { ARXIV_CONTACT: "ops@paperbot.invalid", ...options.env } });
}

function announceCounts(xml: string) {
  const types = itemBlocks(xml).map((item) => /<arxiv:announce_type>([^<]+)</.exec(item)?.[1]);
  return {
    papers: types.filter((type) => type === "new" || type === "cross").length,
    replacements: types.filter((type) => type?.startsWith("replace")).length,
  };
}

// Tests reading the trimmed cs.AI / cs.LG feeds (no licence seen, ../shared only) carry readsUnlicensedCapture.
describe("arXiv poller against a loopback rss.arxiv.org", () => {
  it("stores the real feeds' new and cross-listed papers once, politely, with merged categories", readsUnlicensedCapture, async () => {
    const t = await setup(["cs.CL", "cs.AI", "cs.LG"]);
    const csCL = readFixture(FIXTURES.csCL);
    // A cs.CL paper cross-listed to cs.AI: the same paper in two feeds.
    const crossListed =
      itemBlocks(csCL).find((item) => item.includes("<arxiv:announce_type>new<") && !item.includes("<category>cs.AI<")) ?? "";
    const crossItem = crossListed
      .replace("<arxiv:announce_type>new<", "<arxiv:announce_type>cross<")
      .replace("</category>", "</category>\n      <category>cs.AI</category>");
    const csAI = readFixture(FIXTURES.csAI);
    t.server.route("/rss/cs.CL", { body: csCL });
    t.server.route("/rss/cs.AI", { body: withItems(csAI, [...itemBlocks(csAI), crossItem]) });
    t.server.route("/rss/cs.LG", { body: readFixture(FIXTURES.csLG) });

    const report = await t.poller.poll();
    const expected = announceCounts(csCL);
    expect(report.feeds.map((feed) => feed.url)).toEqual(["cs.CL", "cs.AI", "cs.LG"].map((entry) => `${t.server.url}/rss/${entry}`));
    expect(report.feeds[0]).toMatchObject({ status: "ok", items: 139, new: expected.papers, updated: 0, skipped: expected.replacements });
    // The cross-listed paper was stored from cs.CL a moment before: known, not skipped.
    expect(report.feeds[1]).toMatchObject({ status: "ok", items: 4, new: 3, updated: 0, skipped: 0, known: 1 });
    expect(report.feeds[2]).toMatchObject({ status: "ok", items: 3, new: 3 });
    expect(t.count("SELECT count(*) AS n FROM arxiv_candidates")).toBe(expected.papers + 6);
    expect(t.candidates.get(idOf(crossListed))?.categories).toContain("cs.AI");
    expect(t.candidates.get(idOf(crossListed))?.categories).toContain("cs.CL");

    // arXiv's terms: one request at a time, at least 3 s apart, naming us and a contact.
    const times = t.server.requests.map((request) => request.at);
    for (let index = 1; index < times.length; index += 1)
      expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(3000);
    for (const request of t.server.requests) expect(request.headers["user-agent"]).toMatch(/^paperbot\/.*mailto:ops@paperbot\.invalid/);

    // The same feeds again: nothing new.
    const again = await t.poller.poll();
    expect(again.feeds.map((feed) => feed.new)).toEqual([0, 0, 0]);
    // Papers already held are known, not skipped; only the replacements of papers never held are skipped.
    expect(again.feeds[0]).toMatchObject({
      status: "ok",
      items: 139,
      new: 0,
      updated: 0,
      known: expected.papers,
      skipped: expected.replacements,
    });
    expect(t.count("SELECT count(*) AS n FROM arxiv_candidates")).toBe(expected.papers + 6);
    // Every item is counted once: new, updated, known or skipped.
    for (const feed of [...report.feeds, ...again.feeds])
      expect(feed.new + feed.updated + feed.known + feed.skipped, feed.url).toBe(feed.items);
  });

  it("parses ids, versions, TeX-accented authors, abstracts without the preamble, licences", async () => {
    const t = await setup(["cs.CL"]);
    t.server.route("/rss/cs.CL", { body: readFixture(FIXTURES.csCL) });
    await t.poller.poll();
    const accented = t.candidates
      .pending(0, 1000)
      .flatMap((candidate) => candidate.authors)
      .filter((name) => /[^\x00-\x7f]/.test(name));
    expect(accented).toEqual(expect.arrayContaining(["Oğuz Akif Tüfekcioğlu", "Mustafa Kaan Çevik"]));
    expect(
      t.candidates
        .pending(0, 1000)
        .flatMap((candidate) => candidate.authors)
        .some((name) => name.includes("\\")),
    ).toBe(false);
    const first = t.candidates.get("2608.11232");
    expect(first).toMatchObject({
      version: 1,
      categories: ["cs.CL", "cs.AI"],
      authors: ["Ruoxi Zhao", "Maziar Raissi"],
      license: "http://creativecommons.org/licenses/by/4.0/",
    });
    expect(first?.abstract).toMatch(/^Evaluating LLM coding agents in algorithmic trading/);
    // Reasons name the terms that carried the score; a canon paper only when the paper is specifically like it.
    expect(first?.reasons.terms?.length).toBeGreaterThan(0);
    for (const candidate of t.candidates.pending(0, 1000))
      if (candidate.reasons.papers.length > 0) expect(candidate.canonScore).toBeGreaterThanOrEqual(0.3);
  });

  it("uses ETag and Last-Modified: a 304 is a successful poll with nothing new", async () => {
    const t = await setup(["cs.CL"]);
    const body = readFixture(FIXTURES.csCL);
    t.server.route("/rss/cs.CL", (request) =>
      request.headers["if-none-match"] === '"v1"' && request.headers["if-modified-since"] === "Mon, 27 Apr 2026 04:00:00 GMT"
        ? { status: 304 }
        : { body, headers: { etag: '"v1"', "last-modified": "Mon, 27 Apr 2026 04:00:00 GMT" } },
    );
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "ok", new: announceCounts(body).papers });
    expect((await t.poller.poll()).feeds[0]).toEqual({
      url: `${t.server.url}/rss/cs.CL`,
      status: "not_modified",
      items: 0,
      new: 0,
      updated: 0,
      skipped: 0,
      known: 0,
    });
    expect(t.feeds.get(`${t.server.url}/rss/cs.CL`)).toMatchObject({ etag: '"v1"', lastStatus: "not_modified", failures: 0 });
  });

  it("updates versions on replace for candidates and catalog papers, and skips unknown replacements", readsUnlicensedCapture, async () => {
    const t = await setup(["cs.CL"]);
    const [first, second] = itemBlocks(readFixture(FIXTURES.csCL)).filter((item) => item.includes("<arxiv:announce_type>new<"));
    const base = readFixture(FIXTURES.csLG);
    t.server.route(
      "/rss/cs.CL",
      { body: withItems(base, [first ?? "", second ?? ""]) },
      {
        body: withItems(base, [
          reissue(first ?? "", idOf(first ?? ""), "replace", 2),
          reissue(second ?? "", "2106.09685", "replace", 3), // LoRA, a catalog paper
          reissue(second ?? "", "2106.09685", "new", 1), // announced again as new: not a candidate
          reissue(second ?? "", "2501.99999", "replace-cross", 4), // never seen
        ]),
      },
    );
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ new: 2 });
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "ok", items: 4, new: 0, updated: 2, skipped: 2 });
    expect(t.candidates.get(idOf(first ?? ""))?.version).toBe(2);
    expect(t.candidates.catalogVersion("2106.09685")).toBe(3);
    expect(t.candidates.get("2106.09685")).toBeUndefined();
    expect(t.candidates.get("2501.99999")).toBeUndefined();
  });

  it("counts unreadable items as skipped and names them in a warning", readsUnlicensedCapture, async () => {
    const t = await setup(["cs.LG"]);
    const csLG = readFixture(FIXTURES.csLG);
    const [good] = [...csLG.matchAll(/<item>[\s\S]*?<\/item>/g)].map((match) => match[0]);
    const noGuid = (good ?? "").replace(/<guid[^>]*>[^<]*<\/guid>/, "").replace(/<title>[^<]*</, "<title>No guid here<");
    const longTitle = (good ?? "")
      .replace(/<title>[^<]*</, `<title>${"Long ".repeat(300)}<`)
      .replace(/oai:arXiv\.org:[^<]+</, "oai:arXiv.org:2611.00042v1<");
    t.server.route("/rss/cs.LG", { body: withItems(csLG, [good ?? "", noGuid, longTitle]) });
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "ok", items: 3, new: 1, skipped: 2 });
    const warning = t.app.logs.records.find((record) => record["msg"] === "arxiv feed items skipped as unreadable");
    expect(warning).toMatchObject({ count: 2, examples: ["No guid here", "oai:arXiv.org:2611.00042v1"] });
  });

  it("handles every fault per feed, records the reason and backs off, without stopping the others", readsUnlicensedCapture, async () => {
    const t = await setup(["x.retry", "x.limited", "x.slow", "x.cut", "x.html", "x.empty", "x.huge", "x.missing", "cs.LG"], {
      timeoutMs: 300,
      maxBytes: 64 * 1024,
    });
    const csLG = readFixture(FIXTURES.csLG);
    t.server.route("/rss/x.retry", { status: 503, headers: { "retry-after": "10" } }, { body: readFixture(FIXTURES.csAI) });
    t.server.route("/rss/x.limited", { status: 429, headers: { "retry-after": "600" } });
    t.server.route("/rss/x.slow", { hang: true });
    t.server.route("/rss/x.cut", { body: csLG.slice(0, 4000) });
    t.server.route("/rss/x.html", {
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>",
    });
    t.server.route("/rss/x.empty", { body: withItems(csLG, []) });
    t.server.route("/rss/x.huge", { body: readFixture(FIXTURES.csCL) });
    t.server.route("/rss/cs.LG", { body: csLG });
    const started = t.time.clock.now().getTime();
    const report = await t.poller.poll();
    const byEntry = Object.fromEntries(report.feeds.map((feed) => [feed.url.split("/rss/")[1] ?? "", feed]));
    expect(byEntry["x.retry"]).toMatchObject({ status: "ok", new: 3 });
    expect(byEntry["x.limited"]).toMatchObject({ status: "failed", error: "HTTP 429 (Retry-After 600 s)" });
    expect(byEntry["x.slow"]).toMatchObject({ status: "failed", error: "timed out after 0.3 s" });
    expect(byEntry["x.cut"]).toMatchObject({ status: "failed", error: expect.stringMatching(/^invalid XML/) });
    expect(byEntry["x.html"]).toMatchObject({ status: "failed", error: "an HTML page instead of the RSS feed" });
    expect(byEntry["x.empty"]).toEqual({
      url: `${t.server.url}/rss/x.empty`,
      status: "ok",
      items: 0,
      new: 0,
      updated: 0,
      skipped: 0,
      known: 0,
    });
    expect(byEntry["x.huge"]).toMatchObject({ status: "failed", error: expect.stringMatching(/^body too large/) });
    expect(byEntry["x.missing"]).toMatchObject({ status: "failed", error: "HTTP 404" });
    expect(byEntry["cs.LG"]).toMatchObject({ status: "ok", new: 3 });

    // The 503 was retried inside the run after its Retry-After, still one request at a time.
    const retries = t.server.requests.filter((request) => request.path === "/rss/x.retry").map((request) => request.at);
    expect((retries[1] ?? 0) - (retries[0] ?? 0)).toBeGreaterThanOrEqual(10_000);
    // Long Retry-After (longer than the 5-minute backoff): retried at the next run after it; other failures back off 5 minutes.
    const limited = t.feeds.get(`${t.server.url}/rss/x.limited`);
    expect(Date.parse(limited?.nextAttemptAt ?? "") - Date.parse(limited?.lastFailureAt ?? "")).toBe(600_000);
    const html = t.feeds.get(`${t.server.url}/rss/x.html`);
    expect(html).toMatchObject({ failures: 1, lastError: "an HTML page instead of the RSS feed", lastStatus: "failed" });
    expect(Date.parse(html?.nextAttemptAt ?? "") - Date.parse(html?.lastFailureAt ?? "")).toBe(5 * 60_000);
    expect(t.time.clock.now().getTime() - started).toBeLessThan(60_000);
  });

  it("backs off 5 min × 2^n up to 24 h, marks a feed failing after 3 days, and recovers", async () => {
    const t = await setup(["x.down"]);
    const url = `${t.server.url}/rss/x.down`;
    let healthy = false;
    const feed = readFixture(FIXTURES.csCL);
    const { papers } = announceCounts(feed);
    t.server.route("/rss/x.down", () => (healthy ? { body: feed } : { status: 500 }));
    const gaps: number[] = [];
    const start = t.time.clock.now().getTime();
    for (let step = 0; step < 100 && t.time.clock.now().getTime() - start < 4 * 86_400_000; step += 1) {
      const before = t.server.requests.length;
      const report = await t.poller.poll();
      if (t.server.requests.length === before) expect(report.feeds[0]?.error).toMatch(/^backing off until/);
      else {
        const state = t.feeds.get(url);
        gaps.push(Date.parse(state?.nextAttemptAt ?? "") - Date.parse(state?.lastFailureAt ?? ""));
      }
      t.time.clock.advance(60 * 60_000);
    }
    expect(gaps.slice(0, 4)).toEqual([5, 10, 20, 40].map((minutes) => minutes * 60_000));
    expect(Math.max(...gaps)).toBe(24 * 3_600_000);
    const failing = watchStatus(t.app.db, t.app.config.arxiv, t.time.clock.now()).feeds[0];
    expect(failing).toMatchObject({ failing: true, lastError: "HTTP 500", lastSuccessAt: null });
    healthy = true;
    expect((await t.poller.poll({ force: true })).feeds[0]).toMatchObject({ status: "ok", new: papers });
    expect(watchStatus(t.app.db, t.app.config.arxiv, t.time.clock.now()).feeds[0]).toMatchObject({
      failing: false,
      failures: 0,
      lastItems: itemBlocks(feed).length,
      lastNew: papers,
    });
  });

  it("ingests a 2,000-item feed of real items once", async () => {
    const t = await setup(["cs.CL"]);
    t.server.route("/rss/cs.CL", { body: bigFeed(2000) });
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "ok", items: 2000, new: 2000 });
    expect((await t.poller.poll()).feeds[0]).toMatchObject({ status: "ok", items: 2000, new: 0, skipped: 0, known: 2000 });
    expect(t.count("SELECT count(*) AS n FROM arxiv_candidates")).toBe(2000);
  });

  it("never overlaps runs, and catches up on a missed run at start", async () => {
    const t = await setup(["cs.CL"], { env: { POLL_CRON: "15 5 * * 1-5" } });
    t.server.route("/rss/cs.CL", { body: readFixture(FIXTURES.csCL) });
    expect(t.poller.needsCatchUp()).toBe(true); // Thursday 05:15, never polled
    const [first, second] = await Promise.all([t.poller.poll(), t.poller.poll()]);
    expect(first?.feeds).toHaveLength(1);
    expect(second).toEqual({ feeds: [], skipped: true });
    expect(t.app.logs.records.some((record) => record["msg"] === "arxiv poll skipped: the previous poll is still running")).toBe(true);
    expect(t.poller.needsCatchUp()).toBe(false);
    t.time.clock.advance(24 * 3_600_000); // Friday 05:15 passed without a poll
    expect(t.poller.needsCatchUp()).toBe(true);
    const before = t.server.requests.length;
    t.poller.start();
    await expect.poll(() => t.server.requests.length, { timeout: 5000 }).toBe(before + 1);
    // The catch-up poll is done once it is recorded (the full cs.CL feed takes a moment to ingest), not when it asks.
    await expect.poll(() => t.poller.needsCatchUp(), { timeout: 10_000 }).toBe(false);
    await t.poller.stop();
    expect(t.server.requests.length).toBe(before + 1);
  });

  it("names followed keywords among the reasons, and expires undecided papers after the retention", async () => {
    const t = await setup(["cs.CL"], { env: { CANDIDATE_RETENTION_DAYS: "30" } });
    followStore(t.app.db).follow("1300000000000000301", "en", "simulator", t.time.clock.now());
    t.server.route("/rss/cs.CL", { body: readFixture(FIXTURES.csCL) });
    await t.poller.poll();
    const simulator = t.candidates.get("2608.12253");
    expect(simulator?.reasons.topics).toContain("simulator");
    expect(simulator?.bonus).toBe(0.03);
    expect(simulator?.score).toBeGreaterThanOrEqual(0.03);
    const pending = t.candidates.pendingCount(t.app.config.arxiv.minScore);
    expect(pending).toBeGreaterThan(0);
    // The default threshold shows a small share of an ordinary day, not most of it.
    expect(pending).toBeLessThanOrEqual(Math.ceil(0.1 * t.candidates.pendingCount(0)));
    t.time.clock.advance(31 * 86_400_000);
    t.server.route("/rss/cs.CL", { body: withItems(readFixture(FIXTURES.csCL), []) });
    await t.poller.poll();
    expect(t.candidates.pendingCount(0)).toBe(0);
    expect(t.candidates.counts().expired).toBe(t.count("SELECT count(*) AS n FROM arxiv_candidates"));
  });
});
