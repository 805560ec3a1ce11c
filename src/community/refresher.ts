import type { Clock, Logger } from "../logger.js";
import type { VoteStore } from "../db/votes.js";
import type { MessageRow } from "../shared/reply.js";
import { relabel } from "./buttons.js";

/** Edits a posted message's buttons: "gone" when the message or channel is no more, "retry" for a passing fault. */
export interface ButtonEditor {
  edit(channelId: string, messageId: string, components: readonly MessageRow[]): Promise<"edited" | "gone" | "retry">;
}

/** At most one edit per message per this long: a burst of votes becomes one edit. */
export const REFRESH_INTERVAL_MS = 5_000;
/** Messages edited per pass; the rest wait for the next pass (Discord's rate limits). */
export const REFRESH_BATCH = 20;
/** After a failed edit, the queue is looked at again this much later. */
export const RETRY_AFTER_MS = 30_000;

/**
 * Keeps vote counts current on posted messages. The queue is in the database (written with each vote), so a
 * restart edits what a crash left: start() runs a pass at once.
 */
export class VoteRefresher {
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Number.POSITIVE_INFINITY;
  private lastPassAt = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;
  private started = false;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: VoteStore;
      editor: ButtonEditor;
      clock: Clock;
      logger: Logger;
      intervalMs?: number;
      batch?: number;
    },
  ) {}

  private get interval(): number {
    return this.deps.intervalMs ?? REFRESH_INTERVAL_MS;
  }

  start(): void {
    this.started = true;
    this.schedule(0);
  }

  /** Votes were queued: a pass runs once the interval since the last one is over. */
  poke(): void {
    if (!this.started) return;
    this.schedule(Math.max(0, this.lastPassAt + this.interval - this.deps.clock.now().getTime()));
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = Number.POSITIVE_INFINITY;
    await this.running;
  }

  /** One pass now (tests and the bench); resolves when its edits are done. */
  async runOnce(): Promise<void> {
    await this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  private schedule(delayMs: number): void {
    const now = this.deps.clock.now().getTime();
    if (this.timer && this.dueAt <= now + delayMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = now + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueAt = Number.POSITIVE_INFINITY;
      void this.runOnce().catch((error: unknown) => this.deps.logger.error("vote refresh failed", { error }));
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const { store, editor, clock, logger } = this.deps;
    this.lastPassAt = clock.now().getTime();
    const batch = this.deps.batch ?? REFRESH_BATCH;
    const due = store.due(batch);
    let retry = false;
    for (const message of due) {
      if (this.stopped) return;
      const counts = store.totals([...message.shown.keys()]);
      const stale = [...counts].some(([key, count]) => message.shown.get(key) !== count);
      if (!stale) {
        store.refreshed(message.messageId, message.generation, counts);
        continue;
      }
      const rows = relabel(JSON.parse(message.componentsJson) as MessageRow[], counts);
      const outcome = await editor.edit(message.channelId, message.messageId, rows);
      if (outcome === "edited") store.refreshed(message.messageId, message.generation, counts);
      else if (outcome === "gone") {
        logger.info("vote counts: message gone, no longer refreshed", { messageId: message.messageId });
        store.forget(message.messageId);
      } else retry = true;
    }
    if (!this.started) return;
    if (due.length === batch || store.queued() > 0) this.schedule(retry ? RETRY_AFTER_MS : this.interval);
  }
}
