import type { CatalogEntry, Topic } from "./schema.js";

export type PaperSource = "catalog" | "moderator";

/** A paper as the rest of the bot sees it: a catalog entry plus where it came from. */
export interface Paper extends CatalogEntry {
  /** Position in the reading list (catalog order); moderator-added papers come after the catalog. */
  position: number;
  source: PaperSource;
  /** ISO-8601 timestamp of when the paper entered the database. */
  addedAt: string;
}
export type { Topic };
