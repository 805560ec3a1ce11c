import type { Db } from "../db/connection.js";
import { voteStore } from "../db/votes.js";
import { sampleOf, type Sample } from "./model.js";
import type { CanonIndex, PaperText } from "./score.js";

/**
 * A label weaker than a moderator's decision, from anyone the community is made of: members' votes today, their
 * suggestions next. `weight` is how much it counts in training, a moderator's decision counting 1.
 */
export interface WeakLabel {
  /** The paper: its arXiv id (papers the watch holds are found by it). */
  paperId: string;
  weight: number;
}

/** One member's vote counts this much of a moderator's decision; a paper's votes add up to at most MAX_WEAK_WEIGHT. */
export const VOTE_WEIGHT = 0.15;
export const MAX_WEAK_WEIGHT = 0.6;
/** Weak labels read per retraining (the most weighty), so training stays bounded whatever the votes. */
export const MAX_WEAK_LABELS = 500;

/** Votes as weak positive labels: more votes, more weight, never a moderator's. */
export function votesAsWeakLabels(totals: readonly { paperKey: string; votes: number }[]): WeakLabel[] {
  return totals
    .filter((entry) => entry.votes > 0)
    .map((entry) => ({ paperId: entry.paperKey, weight: Math.min(MAX_WEAK_WEIGHT, VOTE_WEIGHT * entry.votes) }));
}

/** Every weak label stored: members' votes. (Other sources, e.g. suggestions, add theirs here.) */
export function storedWeakLabels(db: Db): WeakLabel[] {
  return mergeWeakLabels([votesAsWeakLabels(voteStore(db).allTotals())]);
}

/** Labels of the same paper from several sources add up (capped); the weightiest MAX_WEAK_LABELS are kept, in id order. */
export function mergeWeakLabels(sources: readonly (readonly WeakLabel[])[]): WeakLabel[] {
  const merged = new Map<string, number>();
  for (const label of sources.flat()) merged.set(label.paperId, Math.min(MAX_WEAK_WEIGHT, (merged.get(label.paperId) ?? 0) + label.weight));
  return [...merged]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_WEAK_LABELS)
    .map(([paperId, weight]) => ({ paperId, weight }))
    .sort((a, b) => a.paperId.localeCompare(b.paperId));
}

/** Positive training samples of the labelled papers whose text is known (`textOf`), each with its label's weight. */
export function weakSamples(index: CanonIndex, labels: readonly WeakLabel[], textOf: (paperId: string) => PaperText | undefined): Sample[] {
  return labels.flatMap((label) => {
    const text = textOf(label.paperId);
    return text ? [{ ...sampleOf(index, text, true), weight: label.weight }] : [];
  });
}

/** What changes the model when it changes (the retraining signature). */
export function weakLabelSignature(labels: readonly WeakLabel[]): string {
  return labels.map((label) => `${label.paperId}=${label.weight.toFixed(3)}`).join(",");
}
