import type { Db } from "../db/connection.js";
import { contentHash, paperStore } from "../db/papers.js";
import type { CatalogEntry } from "./schema.js";

export interface SyncReport {
  inserted: string[];
  updated: string[];
  unchanged: number;
  removed: string[];
  /** Catalog entries whose id is taken by a moderator-added paper, which the sync never overwrites. */
  skipped: string[];
}

/**
 * Makes the database match the catalog file in one transaction. Unchanged entries are not written;
 * moderator-added papers are never overwritten or deleted.
 */
export function syncCatalog(db: Db, entries: readonly CatalogEntry[], now: Date): SyncReport {
  const store = paperStore(db);
  const report: SyncReport = { inserted: [], updated: [], unchanged: 0, removed: [], skipped: [] };
  db.transaction(() => {
    const existing = new Map(store.states().map((state) => [state.id, state]));
    const catalogIds = new Set(entries.map((entry) => entry.id));
    for (const state of existing.values()) {
      if (state.source === "catalog" && !catalogIds.has(state.id)) {
        store.remove(state.id);
        report.removed.push(state.id);
      }
    }
    const moderatorStates = [...existing.values()].filter((state) => state.source === "moderator");
    const moderatorArxivIds = new Set(moderatorStates.map((state) => store.get(state.id)?.arxivId).filter((id) => id));
    entries.forEach((entry, position) => {
      const state = existing.get(entry.id);
      if (state?.source === "moderator") {
        report.skipped.push(entry.id);
        return;
      }
      if (!state) {
        if (entry.arxivId && moderatorArxivIds.has(entry.arxivId)) {
          report.skipped.push(entry.id);
          return;
        }
        store.insert(entry, "catalog", position, now);
        report.inserted.push(entry.id);
      } else if (state.contentHash !== contentHash(entry)) {
        store.update(entry, position, now);
        report.updated.push(entry.id);
      } else {
        if (state.position !== position) store.setPosition(entry.id, position);
        report.unchanged += 1;
      }
    });
  })();
  return report;
}
