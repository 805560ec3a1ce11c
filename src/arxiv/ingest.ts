import { candidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { corpusStore } from "../db/corpus.js";
import type { FeedItem, ParsedFeed } from "./parse.js";
import type { FeedScorer, Relevance } from "./relevance.js";

/** items = new + updated + known + skipped. */
export interface IngestCounts {
  items: number;
  new: number;
  updated: number;
  /** Items not stored: unreadable, listed twice in the feed, or a replacement of a paper we never held. */
  skipped: number;
  /** Papers already held at this version (a candidate or a catalog paper): nothing to do, nothing wrong. */
  known: number;
}

function mergeCategories(held: readonly string[], seen: readonly string[]): string[] {
  return [...new Set([...held, ...seen])];
}

/**
 * Stores one feed's items and, in the same transaction, whatever `commitState` writes (the feed's state), so a
 * crash leaves either the whole feed or none of it. New and cross-listed papers become candidates once (a paper
 * in several feeds gets its categories merged); replacements update the version of a paper already held.
 */
export function ingestFeed(
  db: Db,
  feed: ParsedFeed,
  options: {
    relevance: FeedScorer;
    catalogArxivIds: ReadonlySet<string>;
    now: Date;
    commitState: (counts: IngestCounts) => void;
  },
): IngestCounts {
  const store = candidateStore(db);
  const { now, catalogArxivIds, relevance } = options;
  const stamp = now.toISOString();

  const byId = new Map<string, FeedItem>();
  let duplicates = 0;
  for (const item of feed.items) {
    const earlier = byId.get(item.arxivId);
    if (!earlier) byId.set(item.arxivId, item);
    else {
      duplicates += 1;
      byId.set(item.arxivId, {
        ...earlier,
        version: Math.max(earlier.version, item.version),
        categories: mergeCategories(earlier.categories, item.categories),
      });
    }
  }

  // Score outside the transaction: it is the slow part, and only papers we don't hold yet need it.
  const announced = [...byId.values()].filter((item) => announcesPaper(item) && !catalogArxivIds.has(item.arxivId));
  const heldBefore = store.heldIds(announced.map((item) => item.arxivId));
  const unheld = announced.filter((item) => !heldBefore.has(item.arxivId));
  // The stream statistics count each paper stored (its distinct terms), written in the same transaction as the papers.
  const scored = relevance.scoreFeed(unheld);
  const scores = new Map<string, Relevance>();
  unheld.forEach((item, at) => {
    const itemRelevance = scored.relevance[at];
    if (itemRelevance) scores.set(item.arxivId, itemRelevance);
  });

  // Immediate: the papers held are read again under the write lock, so no other process can store one meanwhile.
  return db
    .transaction((): IngestCounts => {
      const counts: IngestCounts = {
        items: feed.items.length + feed.invalid,
        new: 0,
        updated: 0,
        skipped: feed.invalid + duplicates,
        known: 0,
      };
      const heads = store.heads([...byId.keys()].filter((arxivId) => !catalogArxivIds.has(arxivId)));
      const fresh: { paper: FeedItem; relevance: Relevance }[] = [];
      for (const item of byId.values()) {
        if (catalogArxivIds.has(item.arxivId)) {
          const held = store.catalogVersion(item.arxivId) ?? 1;
          if (item.version > held) {
            store.setCatalogVersion(item.arxivId, item.version, now);
            counts.updated += 1;
          } else counts.known += 1;
          continue;
        }
        const held = heads.get(item.arxivId);
        if (!held) {
          const relevanceOfNew = scores.get(item.arxivId);
          if (relevanceOfNew) fresh.push({ paper: item, relevance: relevanceOfNew });
          else counts.skipped += 1; // a replacement of a paper we never held
          continue;
        }
        const categories = announcesPaper(item) ? mergeCategories(held.categories, item.categories) : held.categories;
        const newer = item.version > held.version;
        if (newer || categories.length !== held.categories.length)
          store.update(item.arxivId, Math.max(held.version, item.version), categories, now);
        if (newer) counts.updated += 1;
        else counts.known += 1;
      }
      const added = store.insertMany(fresh, stamp);
      // When another process stored some of them first, it counted those: this feed's counts are left out (rare).
      const counted = scored.counts;
      if (added === fresh.length && added === counted.papers) corpusStore(db).add(counted.terms, counted.papers);
      counts.new += added;
      // Stored meanwhile by another process (the insert is keyed): held now, so known.
      counts.known += fresh.length - added;
      options.commitState(counts);
      return counts;
    })
    .immediate();
}

function announcesPaper(item: FeedItem): boolean {
  return item.announceType === "new" || item.announceType === "cross";
}
