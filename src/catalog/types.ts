import type { CatalogEntry, SummarySource, Topic } from "./schema.js";

export type PaperSource = "catalog" | "moderator";

/** A paper as the rest of the bot sees it: a catalog entry plus where it came from. */
export interface Paper extends CatalogEntry {
  /** Position in the reading list (catalog order); moderator-added papers come after the catalog. */
  position: number;
  source: PaperSource;
  /** ISO-8601 timestamp of when the paper entered the database. */
  addedAt: string;
  /** Set once a moderator added or edited the paper. */
  moderation?: PaperModeration;
}

/** Who added or edited a paper, and where each language's summary comes from. */
export interface PaperModeration {
  addedBy?: string;
  editedBy?: string;
  editedAt?: string;
  /** "abstract": the authors' abstract stands in until a moderator writes one; null: no summary in that language yet. */
  summary: SummarySource;
}
export type { Topic };
