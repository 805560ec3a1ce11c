import { containsCjk, compactKey } from "../text.js";
import type { CatalogEntry } from "../schema.js";
import { shortNameOf, urlKey } from "./exact.js";

/** Tag of papers with aliases (the curated list): their names are also matched fuzzily. */
export const CURATED_TAG = "#curated";
/** Tag of papers with a Japanese title or alias: matched by character pairs. */
export const JAPANESE_TAG = "#japanese";

type Named = Pick<CatalogEntry, "id" | "title" | "titleJa" | "aliases" | "url" | "pdfUrl">;

/**
 * What a paper is found by exactly — id, title, Japanese title, aliases, the short name before a title's colon
 * (compacted: "GPT 3" = "gpt-3" = "gpt3") and its URLs — plus its tags. Tags start with "#", which no compact
 * key contains. Stored beside the search documents (db/search.ts), so start-up computes none of them.
 */
export function lookupKeys(paper: Named): string[] {
  const shortName = shortNameOf(paper);
  const names = [paper.id, paper.title, paper.titleJa, ...paper.aliases, ...(shortName ? [shortName] : [])];
  const keys = new Set([...names.map(compactKey), urlKey(paper.url), ...(paper.pdfUrl ? [urlKey(paper.pdfUrl)] : [])]);
  keys.delete("");
  if (paper.aliases.length > 0) keys.add(CURATED_TAG);
  if (containsCjk(paper.titleJa) || paper.aliases.some(containsCjk)) keys.add(JAPANESE_TAG);
  return [...keys];
}
