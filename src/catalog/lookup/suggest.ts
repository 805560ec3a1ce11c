import { compactKey, editDistance } from "../text.js";
import { startsAlike, type FuzzyKey } from "./fuzzy.js";
import type { PaperHead, Ranked } from "./types.js";

const MAX_SUGGESTIONS = 3;
const MIN_NAME_CLOSENESS = 0.7;

/**
 * Stage 5, when nothing scored as an answer: "did you mean" from the best weak matches and from curated names
 * within half their length in edits ("chinchillo scaling" → Chinchilla), never random papers.
 */
export function suggest(cleaned: string, ranked: readonly Ranked[], fuzzyKeys: readonly FuzzyKey[]): PaperHead[] {
  const key = compactKey(cleaned);
  const scored = new Map<PaperHead, number>();
  for (const match of ranked) scored.set(match.paper, match.score);
  if (key.length >= 3 && key.length <= 40) {
    for (const candidate of fuzzyKeys) {
      if (candidate.key.length * 2 < key.length || key.length * 2 < candidate.key.length) continue;
      if (!startsAlike(key, candidate.key)) continue;
      const longest = Math.max(key.length, candidate.key.length);
      const distance = editDistance(key, candidate.key, Math.floor(longest / 2));
      const closeness = 1 - distance / longest;
      // Genuinely close: a typo changes less than a third of a name ("toolformer" is not "transformer" at 0.64).
      if (closeness >= MIN_NAME_CLOSENESS) scored.set(candidate.paper, Math.max(scored.get(candidate.paper) ?? 0, closeness * 0.6));
    }
  }
  return [...scored.entries()]
    .filter(([, score]) => score >= 0.3)
    .sort((a, b) => b[1] - a[1] || a[0].position - b[0].position)
    .slice(0, MAX_SUGGESTIONS)
    .map(([paper]) => paper);
}
