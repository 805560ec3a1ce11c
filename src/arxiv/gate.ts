import { randomUUID } from "node:crypto";
import type { ArxivGateStore, ArxivLease } from "../db/arxiv-gate.js";
import { DatabaseBusyError } from "../db/errors.js";
import type { Clock } from "../logger.js";

/** Waits `ms` (or until `signal` aborts). Injected so tests run on fake time. */
export type Sleeper = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleeper = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** Added to a lease beyond the longest its holder can need, for a slow event loop or a busy database. */
export const LEASE_MARGIN_MS = 10_000;
/** A gate that cannot get its turn for this long gives up (ArxivGateTimeout, or DatabaseBusyError if the database stayed locked). */
export const ARXIV_GATE_MAX_WAIT_MS = 10 * 60_000;
/** The pause before retrying a database another process holds locked. */
const BUSY_RETRY_MS = 50;
const RELEASE_ATTEMPTS = 20;

/** The other processes kept arXiv busy for longer than a gate waits. */
export class ArxivGateTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`waited ${Math.round(waitedMs / 1000)} s for other paperbot processes' arXiv requests`);
    this.name = "ArxivGateTimeout";
  }
}

/** Across processes: the database's lease. `leaseMs` is the longest one request can take (its timeout) plus LEASE_MARGIN_MS. */
export interface SharedLease {
  store: ArxivGateStore;
  leaseMs: number;
  /** Names this gate in the lease row; unique per gate by default. */
  holder?: string;
  maxWaitMs?: number;
}

/** Another process holds the lease: its name in the lease row, and the longest the wait can take (until the lease expires). */
export interface HeldElsewhere {
  holder: string;
  atMostMs: number;
}

export interface ArxivGateOptions {
  intervalMs: number;
  clock: Clock;
  sleep: Sleeper;
  /** Without it the gate spaces the requests of this process only. */
  shared?: SharedLease;
}

const abortError = () => new DOMException("stopped", "AbortError");

/**
 * A finish time ahead of this gate's clock (another process's clock, a test's fixed clock) is taken as "just now"
 * when first seen, so it costs one interval rather than a wait until this clock catches up.
 */
function finishTimesAhead() {
  let seen: { value: number; at: number } | undefined;
  return {
    correct(lease: ArxivLease, now: number): ArxivLease {
      const value = lease.lastFinishedAt;
      if (value === null || value <= now) return lease;
      if (seen?.value !== value) seen = { value, at: now };
      return { ...lease, lastFinishedAt: seen.at };
    },
  };
}

/**
 * arXiv's terms: one connection, one request at a time, at least `intervalMs` after the previous one finished.
 * Inside a process a queue keeps requests one at a time; with `shared`, a lease row in the database does the same
 * for every process using it (the bot, `paperbot poll`, `paperbot paper-add`). Before a request the gate takes the
 * lease in one write transaction when nobody holds it and the interval since the last request has passed, and
 * otherwise sleeps and looks again; afterwards it frees the lease and records when the request finished. A
 * holder that died leaves a lease that expires `leaseMs` after it was taken. Retry-After pauses hold the lease too.
 */
export class ArxivGate {
  private tail: Promise<unknown> = Promise.resolve();
  private lastFinished = Number.NEGATIVE_INFINITY;
  private readonly holder: string;
  private heldElsewhereListener: ((held: HeldElsewhere) => void) | undefined;

  constructor(private readonly options: ArxivGateOptions) {
    this.holder = options.shared?.holder ?? `pid ${process.pid} ${randomUUID().slice(0, 8)}`;
  }

  run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.enqueue({ holdMs: this.options.shared?.leaseMs ?? 0, spaced: true }, request, signal);
  }

  /** `listener` hears when a turn finds the lease held by another process (at most once per turn), e.g. to tell the user. */
  onHeldElsewhere(listener: (held: HeldElsewhere) => void): void {
    this.heldElsewhereListener = listener;
  }

  /**
   * Waits inside the gate (no other request may start meanwhile, in any process), as Retry-After asks. A pause is
   * not a request: it starts without the spacing, so the answer that asked for it is followed by the pause at once.
   */
  pause(ms: number, signal?: AbortSignal): Promise<void> {
    return this.enqueue({ holdMs: ms + LEASE_MARGIN_MS, spaced: false }, () => this.options.sleep(ms, signal), signal);
  }

  private enqueue<T>(turnOptions: { holdMs: number; spaced: boolean }, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const turn = this.tail.then(async () => {
      await this.acquire(turnOptions, signal);
      try {
        return await request();
      } finally {
        await this.release();
      }
    });
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** 0 when this gate may go now; otherwise how long to sleep before looking again. */
  private waitFor(lease: ArxivLease, now: number, spaced: boolean): number {
    const expires = lease.leaseExpiresAt ?? Number.NEGATIVE_INFINITY;
    if (lease.holder !== null && lease.holder !== this.holder && expires > now) {
      // Held elsewhere: look again soon (the holder usually ends long before its lease does), at the latest at expiry.
      return Math.min(expires - now, this.pollMs());
    }
    if (!spaced) return 0;
    const last = Math.max(lease.lastFinishedAt ?? Number.NEGATIVE_INFINITY, this.lastFinished);
    return Math.max(0, last + this.options.intervalMs - now);
  }

  private pollMs(): number {
    return Math.min(250, Math.max(20, Math.round(this.options.intervalMs / 10)));
  }

  private async acquire({ holdMs, spaced }: { holdMs: number; spaced: boolean }, signal: AbortSignal | undefined): Promise<void> {
    const { clock, sleep, shared } = this.options;
    if (!shared) {
      const wait = this.waitFor({ holder: null, leaseExpiresAt: null, lastFinishedAt: null }, clock.now().getTime(), spaced);
      if (wait > 0) await sleep(wait, signal);
      if (signal?.aborted) throw abortError();
      return;
    }
    const maxWaitMs = shared.maxWaitMs ?? ARXIV_GATE_MAX_WAIT_MS;
    const started = clock.now().getTime();
    let slept = 0;
    const ahead = finishTimesAhead();
    let busy: DatabaseBusyError | undefined;
    let told = false;
    // Bounded by maxWaitMs, and by a count in case neither the clock nor the sleeper advances.
    for (let attempt = 0; attempt < 1_000_000; attempt += 1) {
      if (signal?.aborted) throw abortError();
      // Time slept counts even on a clock that stands still (a test's fixed clock).
      const now = Math.max(clock.now().getTime(), started + slept);
      const left = started + maxWaitMs - now;
      if (left <= 0) break;
      let wait: number;
      try {
        busy = undefined;
        const lease = ahead.correct(shared.store.read(), now);
        if (!told && lease.holder !== null && lease.holder !== this.holder && (lease.leaseExpiresAt ?? 0) > now) {
          told = true;
          this.heldElsewhereListener?.({ holder: lease.holder, atMostMs: (lease.leaseExpiresAt ?? now) - now });
        }
        wait = this.waitFor(lease, now, spaced);
        if (wait === 0) {
          const taking = shared.store.take(
            this.holder,
            now + holdMs,
            (lease) => this.waitFor(ahead.correct(lease, now), now, spaced) === 0,
          );
          if (taking.taken) return;
          wait = Math.max(1, this.waitFor(taking.lease, now, spaced));
        }
      } catch (error) {
        if (!(error instanceof DatabaseBusyError)) throw error;
        busy = error;
        wait = BUSY_RETRY_MS;
      }
      await sleep(Math.min(wait, left), signal);
      slept += Math.min(wait, left);
    }
    if (signal?.aborted) throw abortError();
    throw busy ?? new ArxivGateTimeout(Math.max(clock.now().getTime() - started, slept));
  }

  private async release(): Promise<void> {
    const { clock, sleep, shared } = this.options;
    const finished = clock.now().getTime();
    this.lastFinished = finished;
    if (!shared) return;
    for (let attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt += 1) {
      try {
        shared.store.release(this.holder, finished);
        return;
      } catch (error) {
        if (!(error instanceof DatabaseBusyError)) throw error;
        await sleep(BUSY_RETRY_MS);
      }
    }
    // Still locked after a few seconds: the lease expires by itself.
  }
}
