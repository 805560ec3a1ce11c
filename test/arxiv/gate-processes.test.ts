// Issue 8: `paperbot poll` twice and `paperbot paper-add` at once on one database keep arXiv's spacing between them
// (the loopback server's log shows it).
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { createTestApp, repoRoot, tempDir, testEnv } from "../support/app.js";
import { startArxivServer, type LoggedRequest } from "../support/arxiv.js";
import { spawnNode } from "../support/child.js";

const INTERVAL_MS = 300;
const FEEDS = ["a.one", "a.two", "a.three"];
const EMPTY_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>empty</title></channel></rss>';
const UNKNOWN_ID = "2411.99999";
const NO_RESULTS = '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>arXiv Query</title></feed>';

function spawnCli(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnNode([join(repoRoot, "bin", "paperbot.js"), ...args], env);
}

describe("arXiv spacing across processes", () => {
  it("two polls and a paper-add on one database never overlap their requests and keep them the interval apart", async () => {
    const dir = tempDir("paperbot-gate-processes-");
    const server = await startArxivServer();
    onTestFinished(() => server.close());
    // Each request takes 150 ms, so two at once would show as overlapping spans in the log.
    for (const feed of FEEDS) server.route(`/rss/${feed}`, { body: EMPTY_FEED, delayMs: 150 });
    const lookup = `/api/query?id_list=${UNKNOWN_ID}&max_results=1`;
    server.route(lookup, { body: NO_RESULTS, headers: { "content-type": "application/atom+xml" }, delayMs: 150 });
    const overrides = {
      DATABASE_PATH: join(dir, "paperbot.db"),
      ARXIV_RSS_URL: `${server.url}/rss`,
      ARXIV_API_URL: `${server.url}/api/query`,
      ARXIV_CATEGORIES: FEEDS.join(","),
      ARXIV_REQUEST_INTERVAL_MS: String(INTERVAL_MS),
      LOG_LEVEL: "silent",
    };
    // Migrated and synced beforehand, so both processes start polling at about the same time.
    createTestApp(overrides).close();
    const env = { ...process.env, ...testEnv(overrides) };

    const polls = [spawnCli(env, "poll", "--json"), spawnCli(env, "poll", "--json")];
    const add = spawnCli(env, "paper-add", UNKNOWN_ID);
    const results = await Promise.all(polls.map((poll) => poll.done));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { feeds: { status: string }[] };
      expect(report.feeds.map((feed) => feed.status)).toEqual(["ok", "ok", "ok"]);
    }
    const added = await add.done;
    expect(added.stderr).toContain(UNKNOWN_ID);
    expect(added.code).toBe(1);

    const log = [...server.requests].sort((a, b) => a.at - b.at);
    expect(log.map((request) => request.path).sort()).toEqual(
      [...FEEDS.flatMap((feed) => [`/rss/${feed}`, `/rss/${feed}`]), lookup].sort(),
    );
    const gaps = log.slice(1).map((request, index) => gapAfter(log[index], request));
    // From the end of one answer to the arrival of the next request: never negative (overlap), never under the interval.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(INTERVAL_MS);
  });
});

function gapAfter(previous: LoggedRequest | undefined, next: LoggedRequest): number {
  if (previous?.finishedAt === undefined) throw new Error(`request ${previous?.path ?? "?"} has no end in the log`);
  return next.at - previous.finishedAt;
}
