import { compactKey, editDistance } from "../text.js";
import { startsAlike, type FuzzyKey } from "./fuzzy.js";
import { suggestionScore } from "./score.js";
import type { PaperHead, Ranked } from "./types.js";
import { LOOKUP_WEIGHTS } from "./weights.js";

const MAX_SUGGESTIONS = 3;

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
      // Genuinely close: a typo changes less than a third of a name ("toolformer" is not "transformer").
      const score = suggestionScore(1 - distance / longest);
      if (score !== null) scored.set(candidate.paper, Math.max(scored.get(candidate.paper) ?? 0, score));
    }
  }
  return [...scored.entries()]
    .filter(([, score]) => score >= LOOKUP_WEIGHTS.suggest.minScore)
    .sort((a, b) => b[1] - a[1] || a[0].position - b[0].position)
    .slice(0, MAX_SUGGESTIONS)
    .map(([paper]) => paper);
}
