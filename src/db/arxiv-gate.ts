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
  const takeIfAllowed = db.transaction((holder: string, expiresAt: number, mayTake: (lease: ArxivLease) => boolean) => {
    const lease = current();
    if (!mayTake(lease)) return { taken: false, lease };
    upsertHolder.run(holder, expiresAt);
    return { taken: true, lease };
  });
  const short = <T>(work: () => T): T => withShortBusyTimeout(db, work, busyTimeoutMs);

  return {
    read: () => short(current),
    take: (holder, expiresAt, mayTake) => short(() => takeIfAllowed.immediate(holder, expiresAt, mayTake)),
    release(holder, finishedAt) {
      // Closed at shutdown: the lease then simply expires.
      if (!db.open) return;
      short(() => finish.run({ holder, finishedAt }));
    },
  };
}
