import type { Db } from "./connection.js";

export type FeedStatus = "ok" | "not_modified" | "failed";

export interface FeedState {
  url: string;
  etag: string | null;
  lastModified: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  /** Consecutive failures since the last success. */
  failures: number;
  firstFailureAt: string | null;
  nextAttemptAt: string | null;
  lastStatus: FeedStatus | null;
  lastItems: number;
  lastNew: number;
}

interface FeedRow {
  url: string;
  etag: string | null;
  last_modified: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  failures: number;
  first_failure_at: string | null;
  next_attempt_at: string | null;
  last_status: FeedStatus | null;
  last_items: number;
  last_new: number;
}

export const BACKOFF_BASE_MS = 5 * 60_000;
export const BACKOFF_MAX_MS = 24 * 3_600_000;
/** A feed failing for this long is shown to moderators as failing. */
export const FAILING_AFTER_MS = 3 * 24 * 3_600_000;

/** 5 min × 2^(n-1) after the n-th consecutive failure, capped at 24 h. */
export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

/**
 * After the n-th consecutive failure: the exponential backoff, or the server's Retry-After when that is longer
 * (a minimum, not a replacement), and never more than 24 h whatever the server asked.
 */
export function nextAttemptDelayMs(failures: number, retryAfterMs?: number): number {
  const asked = retryAfterMs === undefined || Number.isNaN(retryAfterMs) ? 0 : retryAfterMs;
  return Math.min(BACKOFF_MAX_MS, Math.max(backoffMs(failures), asked));
}

export function isFailing(state: Pick<FeedState, "firstFailureAt" | "failures">, now: Date): boolean {
  return state.failures > 0 && state.firstFailureAt !== null && now.getTime() - Date.parse(state.firstFailureAt) >= FAILING_AFTER_MS;
}

function toState(row: FeedRow): FeedState {
  return {
    url: row.url,
    etag: row.etag,
    lastModified: row.last_modified,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastFailureAt: row.last_failure_at,
    lastError: row.last_error,
    failures: row.failures,
    firstFailureAt: row.first_failure_at,
    nextAttemptAt: row.next_attempt_at,
    lastStatus: row.last_status,
    lastItems: row.last_items,
    lastNew: row.last_new,
  };
}

/** Per-feed poll state: conditional-request validators, last outcome, failure streak and backoff. */
export function feedStore(db: Db) {
  const statements = {
    get: db.prepare<[string], FeedRow>("SELECT * FROM arxiv_feeds WHERE url = ?"),
    success: db.prepare<
      [{ url: string; etag: string | null; lastModified: string | null; now: string; status: FeedStatus; items: number; fresh: number }]
    >(
      `INSERT INTO arxiv_feeds (url, etag, last_modified, last_attempt_at, last_success_at, last_status, last_items, last_new, failures)
       VALUES (@url, @etag, @lastModified, @now, @now, @status, @items, @fresh, 0)
       ON CONFLICT (url) DO UPDATE SET
         etag = coalesce(excluded.etag, etag), last_modified = coalesce(excluded.last_modified, last_modified),
         last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at, last_status = excluded.last_status,
         last_items = excluded.last_items, last_new = excluded.last_new,
         failures = 0, first_failure_at = NULL, next_attempt_at = NULL`,
    ),
    failure: db.prepare<[{ url: string; now: string; reason: string }]>(
      `INSERT INTO arxiv_feeds (url, last_attempt_at, last_failure_at, last_error, failures, first_failure_at, last_status, last_items, last_new)
       VALUES (@url, @now, @now, @reason, 1, @now, 'failed', 0, 0)
       ON CONFLICT (url) DO UPDATE SET
         last_attempt_at = excluded.last_attempt_at, last_failure_at = excluded.last_failure_at, last_error = excluded.last_error,
         failures = failures + 1, first_failure_at = coalesce(first_failure_at, excluded.first_failure_at),
         last_status = 'failed', last_items = 0, last_new = 0`,
    ),
    setNextAttempt: db.prepare<[string | null, string]>("UPDATE arxiv_feeds SET next_attempt_at = ? WHERE url = ?"),
  };
  const get = (url: string): FeedState | undefined => {
    const row = statements.get.get(url);
    return row ? toState(row) : undefined;
  };
  return {
    get,
    list: (urls: readonly string[]): FeedState[] => urls.map((url) => get(url)).filter((state): state is FeedState => state !== undefined),
    /** Call inside the transaction that commits the feed's items. */
    recordSuccess(
      url: string,
      outcome: { status: "ok" | "not_modified"; etag: string | null; lastModified: string | null; items: number; new: number },
      now: Date,
    ): void {
      statements.success.run({
        url,
        etag: outcome.etag,
        lastModified: outcome.lastModified,
        now: now.toISOString(),
        status: outcome.status,
        items: outcome.items,
        fresh: outcome.new,
      });
    },
    /** Records a failure and when to try again: see nextAttemptDelayMs. */
    recordFailure(url: string, reason: string, now: Date, retryAfterMs?: number): FeedState {
      return db.transaction(() => {
        statements.failure.run({ url, now: now.toISOString(), reason: reason.slice(0, 500) });
        const failures = get(url)?.failures ?? 1;
        statements.setNextAttempt.run(new Date(now.getTime() + nextAttemptDelayMs(failures, retryAfterMs)).toISOString(), url);
        const state = get(url);
        if (!state) throw new Error(`feed ${url} vanished while recording a failure`);
        return state;
      })();
    },
  };
}

export type FeedStore = ReturnType<typeof feedStore>;
