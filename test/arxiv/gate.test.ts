// Issue 8: arXiv's spacing (one request at a time, `interval` apart) holds across processes sharing the database.
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { ArxivGate, ArxivHttp, type Sleeper } from "../../src/arxiv/fetch.js";
import { LEASE_MARGIN_MS } from "../../src/arxiv/gate.js";
import { arxivGateStore } from "../../src/db/arxiv-gate.js";
import { openDatabase, type Db } from "../../src/db/connection.js";
import { migrate } from "../../src/db/migrations.js";
import { fakeTime } from "../support/arxiv.js";
import { tempDir } from "../support/temp.js";

const INTERVAL = 3000;
const LEASE = 40_000;

/** `count` connections to one new database file, like that many processes; closed when the test ends. */
function connections(count: number): { path: string; dbs: Db[] } {
  const path = join(tempDir("paperbot-gate-"), "paperbot.db");
  const dbs = Array.from({ length: count }, () => openDatabase(path));
  onTestFinished(() => {
    for (const db of dbs) db.close();
  });
  const first = dbs[0];
  if (!first) throw new Error("no connection");
  migrate(first);
  return { path, dbs };
}

/** Another connection holding the database's write lock (as another process would), until ROLLBACK or the test ends. */
function lockedByAnotherConnection(path: string): Database.Database {
  const locker = new Database(path);
  onTestFinished(() => {
    if (locker.inTransaction) locker.exec("ROLLBACK");
    locker.close();
  });
  locker.exec("BEGIN IMMEDIATE");
  return locker;
}

/** The lease row as SQLite holds it, read on a connection of its own. */
function leaseRow(path: string): { holder: string | null; lease_expires_at: number | null; last_finished_at: number | null } | undefined {
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare("SELECT holder, lease_expires_at, last_finished_at FROM arxiv_gate").get() as never;
  } finally {
    reader.close();
  }
}

function gateOn(
  db: Db,
  time: { clock: ReturnType<typeof fakeTime>["clock"]; sleep: Sleeper },
  holder: string,
  extra: { maxWaitMs?: number; busyTimeoutMs?: number } = {},
): ArxivGate {
  return new ArxivGate({
    intervalMs: INTERVAL,
    clock: time.clock,
    sleep: time.sleep,
    shared: {
      store: arxivGateStore(db, extra.busyTimeoutMs ?? 0),
      leaseMs: LEASE,
      holder,
      ...(extra.maxWaitMs === undefined ? {} : { maxWaitMs: extra.maxWaitMs }),
    },
  });
}

interface Span {
  gate: string;
  start: number;
  end: number;
}

function expectSpaced(spans: Span[], interval: number): void {
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  for (let index = 1; index < ordered.length; index += 1) {
    const previous = ordered[index - 1];
    const next = ordered[index];
    if (!previous || !next) continue;
    expect(next.start - previous.end, `${previous.gate} → ${next.gate}`).toBeGreaterThanOrEqual(interval);
  }
}

describe("arXiv gate shared through the database", () => {
  it("makes a gate on another connection wait until the first one's request ended plus the interval, one at a time", async () => {
    const { path, dbs } = connections(2);
    const time = fakeTime();
    const gates = dbs.map((db, index) => gateOn(db, time, `process ${index}`));
    const spans: Span[] = [];
    let active = 0;
    const request = (gate: string) => async () => {
      active += 1;
      expect(active).toBe(1);
      const start = time.clock.now().getTime();
      await time.sleep(700); // the request takes 0.7 s
      spans.push({ gate, start, end: time.clock.now().getTime() });
      active -= 1;
    };
    await Promise.all([0, 1, 2].flatMap((round) => gates.map((gate, index) => gate.run(request(`process ${index} #${round}`)))));
    expect(spans).toHaveLength(6);
    expectSpaced(spans, INTERVAL);
    expect(new Set(spans.map((span) => span.gate.slice(0, 9)))).toEqual(new Set(["process 0", "process 1"]));
    // Free again, and the last request's end recorded.
    const last = Math.max(...spans.map((span) => span.end));
    expect(leaseRow(path)).toEqual({ holder: null, lease_expires_at: null, last_finished_at: last });
  });

  it("takes over a lease whose holder died once it expires, waiting no longer than the interval plus the lease", async () => {
    const { path, dbs } = connections(2);
    const [dead, alive] = dbs as [Db, Db];
    const time = fakeTime();
    const takenAt = time.clock.now().getTime();
    // A process took the lease and was killed before its request ended: nothing will ever release it.
    expect(arxivGateStore(dead).take("killed process", takenAt + LEASE, () => true).taken).toBe(true);
    dead.close();
    time.clock.advance(5000);
    let startedAt = 0;
    await gateOn(alive, time, "survivor").run(async () => {
      startedAt = time.clock.now().getTime();
    });
    expect(startedAt).toBe(takenAt + LEASE);
    expect(startedAt - (takenAt + 5000)).toBeLessThanOrEqual(INTERVAL + LEASE);
    expect(leaseRow(path)?.holder).toBeNull();
  });

  it("stops waiting when its signal aborts, without taking the lease", async () => {
    const { path, dbs } = connections(2);
    const [first, second] = dbs as [Db, Db];
    const time = fakeTime();
    let finish = () => {};
    const holding = gateOn(first, time, "holder").run(() => new Promise<void>((resolve) => (finish = resolve)));
    await expect.poll(() => leaseRow(path)?.holder).toBe("holder");
    const stop = new AbortController();
    let sleeps = 0;
    const waiter = new ArxivGate({
      intervalMs: INTERVAL,
      clock: time.clock,
      sleep: async (ms, signal) => {
        sleeps += 1;
        if (sleeps === 3) stop.abort();
        await time.sleep(ms, signal);
      },
      shared: { store: arxivGateStore(second, 0), leaseMs: LEASE, holder: "waiter" },
    });
    let ran = false;
    const outcome = await waiter.run(async () => void (ran = true), stop.signal).catch((error: unknown) => error);
    expect(outcome instanceof DOMException && outcome.name).toBe("AbortError");
    expect(ran).toBe(false);
    expect(sleeps).toBe(3);
    expect(leaseRow(path)?.holder).toBe("holder");
    finish();
    await holding;
    expect(leaseRow(path)?.holder).toBeNull();
  });

  it("holds the lease through a Retry-After pause, which follows the answer that asked for it at once", async () => {
    const { path, dbs } = connections(2);
    const [first, second] = dbs as [Db, Db];
    const time = fakeTime();
    const other = gateOn(second, time, "other");
    const limitedSleeps: number[] = [];
    let during: ReturnType<typeof leaseRow>;
    let pauseStart = 0;
    let pauseEnd = 0;
    let otherRun: Promise<number> | undefined;
    const limited = new ArxivGate({
      intervalMs: INTERVAL,
      clock: time.clock,
      sleep: async (ms) => {
        limitedSleeps.push(ms);
        pauseStart = time.clock.now().getTime();
        during = leaseRow(path);
        // Another process wants arXiv while we wait out the Retry-After.
        otherRun = other.run(async () => time.clock.now().getTime());
        await time.sleep(ms);
        pauseEnd = time.clock.now().getTime();
      },
      shared: { store: arxivGateStore(first, 0), leaseMs: LEASE, holder: "rate limited" },
    });
    let answeredAt = 0;
    // As ArxivHttp does on a 503 with Retry-After: 20.
    await limited.run(async () => void (answeredAt = time.clock.now().getTime()));
    await limited.pause(20_000);
    const otherStart = await otherRun;
    expect(limitedSleeps).toEqual([20_000]);
    expect(pauseStart).toBe(answeredAt);
    expect(during).toEqual({
      holder: "rate limited",
      lease_expires_at: pauseStart + 20_000 + LEASE_MARGIN_MS,
      last_finished_at: answeredAt,
    });
    expect((otherStart ?? 0) - pauseEnd).toBeGreaterThanOrEqual(INTERVAL);
  });

  it("costs one interval, not a hang, on a clock that stands still or lags behind another process's", async () => {
    const { dbs } = connections(2);
    const [first, second] = dbs as [Db, Db];
    const frozen = { now: () => new Date("2026-11-26T12:00:00Z") };
    const slept: number[] = [];
    const sleep: Sleeper = async (ms) => void slept.push(ms);
    // Another process, on a clock a day ahead, has just finished a request.
    const ahead = { now: () => new Date("2026-11-27T12:00:00Z") };
    await new ArxivGate({ intervalMs: INTERVAL, clock: ahead, sleep, shared: { store: arxivGateStore(first, 0), leaseMs: LEASE } }).run(
      async () => undefined,
    );
    const gate = new ArxivGate({
      intervalMs: INTERVAL,
      clock: frozen,
      sleep,
      shared: { store: arxivGateStore(second, 0), leaseMs: LEASE, maxWaitMs: 60_000 },
    });
    await gate.run(async () => undefined);
    await gate.run(async () => undefined);
    expect(slept).toEqual([INTERVAL, INTERVAL]);
  });

  it("retries while another process holds the database's write lock, and goes once it is free", async () => {
    const { path, dbs } = connections(1);
    const time = fakeTime();
    const locker = lockedByAnotherConnection(path);
    let lockedSleeps = 0;
    const gate = new ArxivGate({
      intervalMs: INTERVAL,
      clock: time.clock,
      sleep: async (ms) => {
        lockedSleeps += 1;
        if (lockedSleeps === 5) locker.exec("COMMIT");
        await time.sleep(ms);
      },
      shared: { store: arxivGateStore(dbs[0] as Db, 0), leaseMs: LEASE, holder: "patient" },
    });
    await expect(gate.run(async () => "went")).resolves.toBe("went");
    expect(lockedSleeps).toBeGreaterThanOrEqual(5);
    expect(leaseRow(path)).toMatchObject({ holder: null, last_finished_at: time.clock.now().getTime() });
  });

  it("fails the feed, not the poll, when the database stays locked longer than the gate waits", async () => {
    const { path, dbs } = connections(1);
    const time = fakeTime();
    const locker = lockedByAnotherConnection(path);
    const gate = gateOn(dbs[0] as Db, time, "starved", { maxWaitMs: 2000 });
    const http = new ArxivHttp({ gate, clock: time.clock, sleep: time.sleep, contact: undefined });
    // Never fetched: the gate gives up first.
    expect(await http.get("http://127.0.0.1:9/rss/cs.CL")).toEqual({
      kind: "error",
      reason: "the database stayed locked by another process",
    });
    locker.exec("ROLLBACK");
    // Held by another process for longer than the gate waits: the same, with the reason.
    arxivGateStore(dbs[0] as Db).take("slow process", time.clock.now().getTime() + LEASE, () => true);
    expect(await http.get("http://127.0.0.1:9/rss/cs.CL")).toEqual({
      kind: "error",
      reason: "waited 2 s for other paperbot processes' arXiv requests",
    });
  });
});
