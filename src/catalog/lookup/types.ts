import type { Paper } from "../types.js";
import { LOOKUP_WEIGHTS } from "./weights.js";

export type MatchKind = "arxiv" | "url" | "exact" | "fuzzy" | "text" | "japanese";

export interface Match {
  paper: Paper;
  /** 0..1; 1 is an exact id, alias, URL or arXiv id. */
  score: number;
  matchedBy: MatchKind;
}

/**
 * What the resolver holds in memory of each paper: the names it is looked up by. Summaries stay in SQLite
 * (the full-text indexes) and whole papers are read back only for the answers.
 */
export interface PaperHead {
  seq: number;
  id: string;
  title: string;
  titleJa: string;
  aliases: readonly string[];
  position: number;
  arxivId: string | null;
  url: string;
  pdfUrl: string | null;
  /** Last word of the first author's name, stemmed as the index has it ("hoffmann"). */
  firstAuthor: string;
}

/** A match before the paper is read back from the database. */
export interface Ranked {
  paper: PaperHead;
  score: number;
  matchedBy: MatchKind;
  /** The uncapped evidence that ordered papers with the same score. */
  strength?: number;
}

/** Proposes a paper with a score (capped for display) and, optionally, the uncapped evidence used to break ties. */
export type Offer = (paper: PaperHead, score: number, kind: MatchKind, uncapped?: number) => void;

/** Scores from here up are answers; below, at most "did you mean" (lookup/weights.ts). */
export const RESULT_THRESHOLD = LOOKUP_WEIGHTS.resultThreshold;

/** Rows asked of a full-text index per query. */
export const FTS_CANDIDATES = 40;

/**
 * Work done by the lookup stages, counted as it happens (cumulative). Input bounds are tested on these
 * counts, not on wall time.
 */
export interface LookupWork {
  /** Query words looked up in the spelling index (cache misses only). */
  wordsCorrected: number;
  /** Deletion variants generated for those words. */
  spellingVariants: number;
  /** Edit distances computed against known words while correcting spelling. */
  spellingComparisons: number;
  /** Character pairs of Japanese query text scored against papers. */
  japaneseBigrams: number;
}

export function newLookupWork(): LookupWork {
  return { wordsCorrected: 0, spellingVariants: 0, spellingComparisons: 0, japaneseBigrams: 0 };
}
