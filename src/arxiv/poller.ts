import { randomUUID } from "node:crypto";
import type { Paper } from "../catalog/types.js";
import type { ArxivConfig } from "../config.js";
import { candidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { feedStore } from "../db/feeds.js";
import { settingsStore } from "../db/settings.js";
import type { Clock, Logger } from "../logger.js";
import { Scheduler } from "../scheduler.js";
import { previousRun } from "./cron.js";
import type { ArxivHttp } from "./fetch.js";
import { ingestFeed } from "./ingest.js";
import { FeedFormatError, parseArxivFeed } from "./parse.js";
import { RelevanceModel } from "./relevance.js";

export const ARXIV_POLL_JOB = "arxiv-poll";
/** When the last poll ended, whatever its outcome (what status shows). */
export const LAST_POLL_KEY = "arxiv.last_poll_at";
/** When the last successful poll ended: one where at least one feed was ok or not modified (what catch-up goes by). */
export const LAST_SUCCESS_KEY = "arxiv.last_success_at";

/** One feed's outcome, as `paperbot poll --json` prints it. */
export interface FeedReport {
  url: string;
  status: "ok" | "not_modified" | "failed";
  items: number;
  new: number;
  updated: number;
  /** Items not stored: unreadable, duplicated in the feed, or a replacement of a paper never held. */
  skipped: number;
  /** Papers already held at this version (after `skipped` in the JSON: an extension of the contract). */
  known: number;
  error?: string;
}

export interface PollReport {
  feeds: FeedReport[];
  /** Set when another poll was already running, so this one did nothing. */
  skipped?: true;
}

export interface PollerDeps {
  db: Db;
  config: ArxivConfig;
  http: ArxivHttp;
  clock: Clock;
  logger: Logger;
  /** The reading list now (it changes when the catalog is reloaded or moderators add papers). */
  papers: () => readonly Paper[];
  /** The most one feed's parse may take (default PARSE_TIME_LIMIT_MS); a slower feed fails with that reason. */
  parseTimeLimitMs?: number;
}

/**
 * Polls the configured arXiv feeds one after another. Runs never overlap; each feed is fetched politely,
 * parsed, scored and committed in one transaction with its state; a failing feed backs off and never stops
 * the others. start() schedules it on POLL_CRON (catching up on a missed run), stop() ends it promptly.
 */
export class ArxivPoller {
  readonly relevance: RelevanceModel;
  private running: Promise<PollReport> | null = null;
  private readonly stopping = new AbortController();
  private scheduler: Scheduler | null = null;

  constructor(private readonly deps: PollerDeps) {
    this.relevance = new RelevanceModel(deps.db);
  }

  start(): void {
    if (this.scheduler) return;
    this.scheduler = new Scheduler(
      [{ name: ARXIV_POLL_JOB, schedule: this.deps.config.pollCron, run: async () => void (await this.poll()) }],
      this.deps.logger,
    );
    this.scheduler.start();
    if (this.needsCatchUp()) {
      const settings = settingsStore(this.deps.db);
      this.deps.logger.info("arxiv poll catching up on a missed run", {
        lastPoll: settings.get(LAST_POLL_KEY) ?? null,
        lastSuccess: settings.get(LAST_SUCCESS_KEY) ?? null,
      });
      void this.scheduler.runNow(ARXIV_POLL_JOB);
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.scheduler?.stop();
    await this.running?.catch(() => undefined);
  }

  /**
   * The last successful poll is older than the last time POLL_CRON fired. A poll in which every feed failed does not
   * count, so a run lost to an outage is made up at the next start; with a feed that always fails (and no other
   * feed) that means one poll at every start, which is acceptable (backoff still applies to it).
   */
  needsCatchUp(now = this.deps.clock.now()): boolean {
    const scheduled = previousRun(this.deps.config.pollCron, now);
    if (!scheduled) return false;
    const last = settingsStore(this.deps.db).get(LAST_SUCCESS_KEY);
    const lastTime = last === undefined ? Number.NaN : Date.parse(last);
    // An unreadable value counts as no success at all (NaN compares false, which would turn catch-up off for good).
    return Number.isNaN(lastTime) || lastTime < scheduled.getTime();
  }

  /** Polls every feed now. `force` ignores the backoff of failing feeds (an operator asked). */
  poll(options: { force?: boolean } = {}): Promise<PollReport> {
    if (this.running) {
      this.deps.logger.warn("arxiv poll skipped: the previous poll is still running");
      return Promise.resolve({ feeds: [], skipped: true });
    }
    const run = this.run(options.force ?? false).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  private async run(force: boolean): Promise<PollReport> {
    const { db, config, clock, logger } = this.deps;
    const papers = this.deps.papers();
    this.relevance.refresh(papers);
    const catalogArxivIds = new Set(papers.map((paper) => paper.arxivId).filter((id): id is string => id !== null));
    const feeds: FeedReport[] = [];
    for (const { url } of config.feeds) {
      if (this.stopping.signal.aborted) break;
      const report = await this.pollFeed(url, catalogArxivIds, force);
      feeds.push(report);
      logger.info("arxiv feed polled", { ...report });
    }
    if (!this.stopping.signal.aborted) {
      // The stream grew: its statistics and negatives change, so the model is retrained and undecided papers rescored.
      if (feeds.some((feed) => feed.new > 0)) this.relevance.refresh(papers);
      const now = clock.now();
      const expired = candidateStore(db).expireBefore(new Date(now.getTime() - config.retentionDays * 86_400_000));
      if (expired > 0) logger.info("arxiv candidates expired", { expired, retentionDays: config.retentionDays });
      const settings = settingsStore(db);
      db.transaction(() => {
        settings.set(LAST_POLL_KEY, now.toISOString());
        if (feeds.some((feed) => feed.status !== "failed")) settings.set(LAST_SUCCESS_KEY, now.toISOString());
      })();
    }
    return { feeds };
  }

  private async pollFeed(url: string, catalogArxivIds: ReadonlySet<string>, force: boolean): Promise<FeedReport> {
    const { db, clock, http } = this.deps;
    const feeds = feedStore(db);
    const state = feeds.get(url);
    const nothing = { items: 0, new: 0, updated: 0, skipped: 0, known: 0 };
    const failed = (error: string, retryAfterMs?: number): FeedReport => {
      const recorded = feeds.recordFailure(url, error, clock.now(), retryAfterMs);
      this.deps.logger.warn("arxiv feed failed", { url, error, failures: recorded.failures, nextAttemptAt: recorded.nextAttemptAt });
      return { url, status: "failed", ...nothing, error };
    };
    // Read again once this process has its turn: another process may have recorded a failure while this one waited.
    const backingOff = (current = feeds.get(url)): string | null =>
      !force && current?.nextAttemptAt && Date.parse(current.nextAttemptAt) > clock.now().getTime()
        ? `backing off until ${current.nextAttemptAt} after ${current.failures} failures (${current.lastError ?? "unknown"})`
        : null;
    const waiting = backingOff(state);
    if (waiting !== null) return { url, status: "failed", ...nothing, error: waiting };
    try {
      // Read as the request goes out: another process may have stored newer validators while this one waited its turn.
      const validators = () => {
        const current = feeds.get(url);
        return { etag: current?.etag ?? null, lastModified: current?.lastModified ?? null };
      };
      const result = await http.get(url, validators, this.stopping.signal, () => backingOff());
      if (result.kind === "declined") return { url, status: "failed", ...nothing, error: result.reason };
      if (result.kind === "error") return failed(result.reason, result.retryAfterMs);
      if (result.kind === "not_modified") {
        db.transaction(() =>
          feeds.recordSuccess(url, { status: "not_modified", etag: null, lastModified: null, items: 0, new: 0 }, clock.now()),
        )();
        return { url, status: "not_modified", ...nothing };
      }
      const parseLimit = this.deps.parseTimeLimitMs === undefined ? {} : { timeLimitMs: this.deps.parseTimeLimitMs };
      const parsed = await parseArxivFeed(result.body, { signal: this.stopping.signal, ...parseLimit });
      if (parsed.invalid > 0) {
        // Counted as skipped in the report; the log names them, so an operator can see which papers a limit kept out.
        this.deps.logger.warn("arxiv feed items skipped as unreadable", { url, count: parsed.invalid, examples: parsed.invalidExamples });
      }
      const now = clock.now();
      const counts = ingestFeed(db, parsed, {
        relevance: this.relevance,
        catalogArxivIds,
        now,
        commitState: (counted) =>
          feeds.recordSuccess(
            url,
            { status: "ok", etag: result.etag, lastModified: result.lastModified, items: counted.items, new: counted.new },
            now,
          ),
      });
      return { url, status: "ok", ...counts };
    } catch (error) {
      if (error instanceof FeedFormatError) return failed(error.message);
      if (this.stopping.signal.aborted) return { url, status: "failed", ...nothing, error: "stopped" };
      // A bug, not the feed's fault: logged with an id, recorded on the feed, and the other feeds go on.
      const errorId = randomUUID().slice(0, 8);
      this.deps.logger.error("arxiv feed poll crashed", { url, errorId, error });
      return failed(`internal error ${errorId}`);
    }
  }
}
