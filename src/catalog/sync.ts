import type { Db } from "../db/connection.js";
import { contentHash, paperStore } from "../db/papers.js";
import type { CatalogEntry } from "./schema.js";
import { searchDocument } from "./search-document.js";

export interface SyncReport {
  inserted: string[];
  updated: string[];
  unchanged: number;
  removed: string[];
  /** Catalog entries whose id is taken by a moderator-added or moderator-edited paper, which the sync never overwrites. */
  skipped: string[];
}

/** What a sync would do, worked out by reading only; `writes` is empty when the database already matches. */
function planSync(db: Db, entries: readonly CatalogEntry[], now: Date): { report: SyncReport; writes: (() => void)[] } {
  const store = paperStore(db);
  const report: SyncReport = { inserted: [], updated: [], unchanged: 0, removed: [], skipped: [] };
  const writes: (() => void)[] = [];
  const existing = new Map(store.states().map((state) => [state.id, state]));
  const catalogIds = new Set(entries.map((entry) => entry.id));
  for (const state of existing.values()) {
    if (state.source === "catalog" && !state.moderated && !catalogIds.has(state.id)) {
      writes.push(() => store.remove(state.id));
      report.removed.push(state.id);
    }
  }
  const moderatorStates = [...existing.values()].filter((state) => state.source === "moderator");
  // Moderator-added papers indexed by an older version: their search documents are rewritten, content unchanged.
  for (const id of store.unkeyed()) {
    if (existing.get(id)?.source !== "moderator") continue;
    writes.push(() => {
      const paper = store.get(id);
      if (!paper) return;
      const { position, source: _source, addedAt: _addedAt, moderation: _moderation, ...entry } = paper;
      store.update(entry, searchDocument(entry), position, now);
    });
    report.updated.push(id);
  }
  const moderatorArxivIds = new Set(moderatorStates.map((state) => store.get(state.id)?.arxivId).filter((id) => id));
  entries.forEach((entry, position) => {
    const state = existing.get(entry.id);
    if (state?.source === "moderator" || state?.moderated) {
      report.skipped.push(entry.id);
      return;
    }
    if (!state) {
      if (entry.arxivId && moderatorArxivIds.has(entry.arxivId)) {
        report.skipped.push(entry.id);
        return;
      }
      writes.push(() => store.insert(entry, searchDocument(entry), "catalog", position, now));
      report.inserted.push(entry.id);
    } else if (state.contentHash !== contentHash(entry)) {
      writes.push(() => store.update(entry, searchDocument(entry), position, now));
      report.updated.push(entry.id);
    } else {
      if (state.position !== position) writes.push(() => store.setPosition(entry.id, position));
      report.unchanged += 1;
    }
  });
  return { report, writes };
}

/**
 * Makes the database match the catalog file in one transaction. Unchanged entries are not written, and
 * when nothing changed nothing is written at all (no write lock is taken); papers moderators added or
 * edited are never overwritten or deleted.
 */
export function syncCatalog(db: Db, entries: readonly CatalogEntry[], now: Date): SyncReport {
  const { report, writes } = planSync(db, entries, now);
  if (writes.length === 0) return report;
  // Planned again inside the write transaction, in case another process changed the papers meanwhile.
  return db
    .transaction(() => {
      const fresh = planSync(db, entries, now);
      for (const write of fresh.writes) write();
      return fresh.report;
    })
    .immediate();
}

/** True when syncing would write nothing: the database can then be used as it is, even read-only. */
export function catalogInSync(db: Db, entries: readonly CatalogEntry[]): boolean {
  return planSync(db, entries, new Date(0)).writes.length === 0;
}
