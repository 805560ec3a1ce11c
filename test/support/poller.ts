import { onTestFinished } from "vitest";
import { createArxivHttp } from "../../src/arxiv/fetch.js";
import { ArxivPoller } from "../../src/arxiv/poller.js";
import type { Environment } from "../../src/config.js";
import { candidateStore } from "../../src/db/candidates.js";
import { feedStore } from "../../src/db/feeds.js";
import type { Clock } from "../../src/logger.js";
import { createTestApp } from "./app.js";
import { fakeTime, startArxivServer } from "./arxiv.js";

/**
 * A poller for `feeds` (ARXIV_CATEGORIES entries) on a fake clock whose sleeps advance it at once, against a loopback
 * arXiv server; everything closes when the current test ends. Call it inside a test.
 */
export async function startTestPoller(
  feeds: readonly string[],
  options: { env?: Environment; timeoutMs?: number; maxBytes?: number; parseTimeLimitMs?: number } = {},
) {
  const time = fakeTime();
  const server = await startArxivServer(time.clock);
  const app = createTestApp({ ARXIV_RSS_URL: `${server.url}/rss`, ARXIV_CATEGORIES: feeds.join(","), ...options.env }, time.clock);
  const http = createArxivHttp(app.config.arxiv, time.clock, {
    sleep: time.sleep,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
  });
  const parseLimit = options.parseTimeLimitMs === undefined ? {} : { parseTimeLimitMs: options.parseTimeLimitMs };
  const poller = new ArxivPoller({
    db: app.db,
    config: app.config.arxiv,
    http,
    clock: time.clock,
    logger: app.logs,
    papers: () => app.catalog.papers,
    ...parseLimit,
  });
  onTestFinished(async () => {
    await poller.stop();
    app.close();
    await server.close();
  });
  const count = (sql: string) => (app.db.prepare(sql).get() as { n: number }).n;
  return {
    time,
    server,
    app,
    poller,
    count,
    candidates: candidateStore(app.db),
    feeds: feedStore(app.db),
    url: (entry: string) => `${server.url}/rss/${entry}`,
  };
}

/**
 * A poller as one process of several on one database file (its own connection and gate), on the real clock; closed
 * when the current test ends. Call it inside a test.
 */
export function pollerProcess(env: Environment, clock: Clock = { now: () => new Date() }) {
  const app = createTestApp(env, clock);
  const http = createArxivHttp(app.config.arxiv, clock, {}, app.db);
  const poller = new ArxivPoller({ db: app.db, config: app.config.arxiv, http, clock, logger: app.logs, papers: () => app.catalog.papers });
  onTestFinished(async () => {
    await poller.stop();
    app.close();
  });
  return { app, poller };
}
