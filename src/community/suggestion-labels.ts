import type { Db } from "../db/connection.js";
import { suggestionStore } from "../db/suggestions.js";

/** A moderator's approval weighs 1; one member's suggestion this much, each further supporter a bit more. */
export const SUGGESTION_WEIGHT = 0.3;
export const SUPPORTER_WEIGHT = 0.1;
/** Members together never weigh as much as a moderator's decision. */
export const MAX_SUGGESTION_WEIGHT = 0.6;

export interface WeakLabel {
  /** The paper's arXiv id (its candidate row holds the text). */
  arxivId: string;
  /** 0 < weight <= MAX_SUGGESTION_WEIGHT: how strongly to count it as a positive. */
  weight: number;
}

/** A paper's weight from how many members support it. */
export function suggestionWeight(supporters: number): number {
  if (supporters <= 0) return 0;
  return Math.min(MAX_SUGGESTION_WEIGHT, Math.round((SUGGESTION_WEIGHT + SUPPORTER_WEIGHT * (supporters - 1)) * 1000) / 1000);
}

/**
 * Members' suggestions as weak positive labels for the relevance model: every suggested paper no moderator has
 * decided yet (a decision is the stronger label and replaces this one; a declined paper is never a positive), with a
 * weight that grows with its supporters and stays below a moderator's approval.
 */
export function suggestionLabels(db: Db): WeakLabel[] {
  return suggestionStore(db)
    .supportCounts()
    .map(({ arxivId, supporters }) => ({ arxivId, weight: suggestionWeight(supporters) }));
}
