import type { ArxivConfig } from "../config.js";
import { candidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { feedStore, isFailing, type FeedState } from "../db/feeds.js";
import { nextRun } from "./cron.js";

export interface WatchStatus {
  feeds: (Pick<
    FeedState,
    "lastSuccessAt" | "lastFailureAt" | "lastError" | "lastStatus" | "lastItems" | "lastNew" | "failures" | "nextAttemptAt"
  > & {
    url: string;
    failing: boolean;
  })[];
  pending: number;
  nextRun: Date | null;
}

/** What moderators see in `/watch status`: each configured feed's last outcome, the pending count, the next run. */
export function watchStatus(db: Db, config: ArxivConfig, now: Date): WatchStatus {
  const feeds = feedStore(db);
  return {
    feeds: config.feeds.map(({ url }) => {
      const state = feeds.get(url);
      return {
        url,
        lastSuccessAt: state?.lastSuccessAt ?? null,
        lastFailureAt: state?.lastFailureAt ?? null,
        lastError: state?.lastError ?? null,
        lastStatus: state?.lastStatus ?? null,
        lastItems: state?.lastItems ?? 0,
        lastNew: state?.lastNew ?? 0,
        failures: state?.failures ?? 0,
        nextAttemptAt: state?.nextAttemptAt ?? null,
        failing: state ? isFailing(state, now) : false,
      };
    }),
    pending: candidateStore(db).pendingCount(config.minScore),
    nextRun: nextRun(config.pollCron, now),
  };
}
