/** An append-only log of what the harness saw, with bounded waits for the next matching record. */
import type { WaitOptions } from "./types.js";

/**
 * The harness plays the outside world, so its timeouts run on real time even while a test
 * fakes the bot's timers (vi.useFakeTimers replaces the globals after this module captured them).
 */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class RecordLog<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();
  private readonly listeners = new Set<(item: T) => void>();

  constructor(private readonly describe: (item: T) => string) {}

  /** Calls `listener` with every record from now on; returns the unsubscribe function. */
  listen(listener: (item: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(item: T): void {
    this.items.push(item);
    for (const listener of this.listeners) listener(item);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(item)) {
        this.waiters.delete(waiter);
        realClearTimeout(waiter.timer);
        waiter.resolve(item);
      }
    }
  }

  wait(predicate: (item: T) => boolean, what: string, options: WaitOptions, defaultSince: number): Promise<T> {
    const since = options.since ?? defaultSince;
    for (let i = Math.max(0, since); i < this.items.length; i++) {
      const item = this.items[i];
      if (item !== undefined && predicate(item)) return Promise.resolve(item);
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    const promise = new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve,
        reject,
        timer: realSetTimeout(() => {
          this.waiters.delete(waiter);
          const recent = this.items
            .slice(-8)
            .map((item) => `  ${this.describe(item)}`)
            .join("\n");
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Most recent records:\n${recent || "  (none)"}`));
        }, timeoutMs),
      };
      waiter.timer.unref();
      this.waiters.add(waiter);
    });
    // A test that never awaits a waiter (e.g. it failed earlier) must not add an unhandled rejection.
    promise.catch(() => undefined);
    return promise;
  }

  rejectAll(reason: string): void {
    for (const waiter of this.waiters) {
      realClearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.waiters.clear();
  }
}
