import { withShortBusyTimeout, type Db } from "./connection.js";

/** Who may send the next arXiv request, and when the last one ended (ms since the epoch). */
export interface ArxivLease {
  holder: string | null;
  leaseExpiresAt: number | null;
  lastFinishedAt: number | null;
}

/** How long a gate's statement waits for another process's write lock before it backs off and retries. */
export const GATE_BUSY_TIMEOUT_MS = 100;

const FREE: ArxivLease = { holder: null, leaseExpiresAt: null, lastFinishedAt: null };

/** How long freeing the leases at shutdown waits for another process's write lock (once, synchronously). */
const SHUTDOWN_BUSY_TIMEOUT_MS = 1_000;

/** Leases this process holds, per database, with the statement that frees one: what a SIGTERM must give back. */
const held = new Map<Db, Map<string, (finishedAt: number) => void>>();

function remember(db: Db, holder: string, free: (finishedAt: number) => void): void {
  const leases = held.get(db) ?? new Map<string, (finishedAt: number) => void>();
  leases.set(holder, free);
  held.set(db, leases);
}

function forget(db: Db, holder: string): void {
  const leases = held.get(db);
  leases?.delete(holder);
  if (leases?.size === 0) held.delete(db);
}

/**
 * Frees every arXiv lease this process holds on `db` (SIGTERM, or closing the database while a request is in
 * flight), recording `finishedAt` as the end of the last request so the next process still keeps the spacing.
 * Without it the lease would block every other process until it expires (the request timeout + LEASE_MARGIN_MS).
 * Best effort: a database locked for longer than a second, or already closed, leaves the lease to expire.
 */
export function releaseHeldArxivLeases(db: Db, finishedAt: number): void {
  const leases = held.get(db);
  held.delete(db);
  if (!leases || !db.open) return;
  for (const free of leases.values()) {
    try {
      withShortBusyTimeout(db, () => free(finishedAt), SHUTDOWN_BUSY_TIMEOUT_MS);
    } catch {
      // Locked or failing at shutdown: the lease expires by itself.
    }
  }
}

/**
 * The arXiv lease every process on this database shares (table arxiv_gate, one row). Every call waits at most
 * `busyTimeoutMs` for the write lock and throws DatabaseBusyError after that, so the caller can back off.
 */
export interface ArxivGateStore {
  /** The lease as stored now; a plain read that takes no lock. */
  read(): ArxivLease;
  /** In one BEGIN IMMEDIATE transaction: reads the lease and, if `mayTake` agrees, makes `holder` its holder until `expiresAt`. */
  take(holder: string, expiresAt: number, mayTake: (lease: ArxivLease) => boolean): { taken: boolean; lease: ArxivLease };
  /** Records `finishedAt` as the end of the last request and frees the lease if `holder` still holds it. */
  release(holder: string, finishedAt: number): void;
}

/** releaseHeldArxivLeases() for every database of this process (a second SIGTERM that exits at once). */
export function releaseAllHeldArxivLeases(finishedAt: number): void {
  for (const db of [...held.keys()]) releaseHeldArxivLeases(db, finishedAt);
}

export function arxivGateStore(db: Db, busyTimeoutMs: number = GATE_BUSY_TIMEOUT_MS): ArxivGateStore {
  const select = db.prepare<[], ArxivLease>(
    "SELECT holder, lease_expires_at AS leaseExpiresAt, last_finished_at AS lastFinishedAt FROM arxiv_gate WHERE id = 1",
  );
  const upsertHolder = db.prepare<[string, number]>(
    `INSERT INTO arxiv_gate (id, holder, lease_expires_at) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, lease_expires_at = excluded.lease_expires_at`,
  );
  // SET expressions see the row as it was, so both CASEs test the old holder.
  const finish = db.prepare<{ holder: string; finishedAt: number }>(
    `INSERT INTO arxiv_gate (id, holder, lease_expires_at, last_finished_at) VALUES (1, NULL, NULL, @finishedAt)
     ON CONFLICT (id) DO UPDATE SET
       last_finished_at = max(coalesce(last_finished_at, @finishedAt), @finishedAt),
       holder = CASE WHEN holder = @holder THEN NULL ELSE holder END,
       lease_expires_at = CASE WHEN holder = @holder THEN NULL ELSE lease_expires_at END`,
  );
  const current = (): ArxivLease => select.get() ?? FREE;
  const free = (holder: string) => (finishedAt: number) => void finish.run({ holder, finishedAt });
  const takeIfAllowed = db.transaction((holder: string, expiresAt: number, mayTake: (lease: ArxivLease) => boolean) => {
    const lease = current();
    if (!mayTake(lease)) return { taken: false, lease };
    upsertHolder.run(holder, expiresAt);
    return { taken: true, lease };
  });
  const short = <T>(work: () => T): T => withShortBusyTimeout(db, work, busyTimeoutMs);

  return {
    read: () => short(current),
    take(holder, expiresAt, mayTake) {
      const taking = short(() => takeIfAllowed.immediate(holder, expiresAt, mayTake));
      if (taking.taken) remember(db, holder, free(holder));
      return taking;
    },
    release(holder, finishedAt) {
      // Closed at shutdown: releaseHeldArxivLeases() freed the lease before, or it expires.
      if (!db.open) return forget(db, holder);
      short(() => finish.run({ holder, finishedAt }));
      forget(db, holder);
    },
  };
}
