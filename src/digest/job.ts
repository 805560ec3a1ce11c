import type { AppContext } from "../app.js";
import { followStore } from "../db/follows.js";
import type { Job } from "../scheduler.js";
import { runDigest, type DigestTransport } from "./run.js";
import { digestSettings, digestSourcesFor, digestStoreFor } from "./service.js";
import { paperThreadLinks } from "../community/thread-links.js";

/** Every minute: each destination's publication, once it is due (schedules are per guild, to the minute). */
export const DIGEST_SCHEDULE = "* * * * *";

/** `cancel()` (on shutdown) stops a run from taking new destinations; the next start resumes the rest. */
export function digestJob(ctx: AppContext, transport: DigestTransport): Job & { cancel(): void } {
  const stopping = new AbortController();
  return {
    name: "weekly-digest",
    schedule: DIGEST_SCHEDULE,
    cancel: () => stopping.abort(),
    run: async () => {
      if (stopping.signal.aborted) return;
      await runDigest(
        {
          store: digestStoreFor(ctx.db),
          follows: followStore(ctx.db),
          sources: digestSourcesFor(ctx),
          transport,
          clock: ctx.clock,
          logger: ctx.logger.child({ component: "digest" }),
          settings: digestSettings(ctx),
          threadLinks: paperThreadLinks(ctx.db),
        },
        { force: false, signal: stopping.signal },
      );
    },
  };
}
