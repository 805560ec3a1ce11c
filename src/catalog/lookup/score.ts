import { LOOKUP_WEIGHTS, type LookupWeights } from "./weights.js";

/**
 * Scoring as pure functions of named features: the stages measure a match, these turn the measures into a
 * score with the weights table (lookup/weights.ts) and nothing else. Same features and weights, same score.
 */

/** A score shown to users (capped) and the uncapped evidence that orders papers with the same shown score. */
export interface Scored {
  score: number;
  uncapped: number;
}

/** One of `count` papers whose whole name is the query, `rank` in reading-list order. */
export function exactScore(rank: number, count: number, weights: LookupWeights = LOOKUP_WEIGHTS): number {
  return count === 1 ? weights.exact.single : weights.exact.sharedFirst - rank * weights.exact.sharedStep;
}

/** A name inside a longer query carrying `share` of the query's word weight; null when too little to mean it. */
export function nameWithinScore(share: number, sharedByOthers: boolean, weights: LookupWeights = LOOKUP_WEIGHTS): Scored | null {
  const w = weights.nameWithin;
  if (share < w.minShare) return null;
  const shared = sharedByOthers ? w.sharedName : 1;
  return { score: (w.base + w.perShare * share) * shared, uncapped: (w.base + w.perShareUncapped * share) * shared };
}

/** A typo of a whole name, `closeness` = 1 − edits / length. */
export function fuzzyScore(closeness: number, weights: LookupWeights = LOOKUP_WEIGHTS): number {
  return weights.fuzzy.base + weights.fuzzy.perCloseness * closeness;
}

/** What the full-text stage measured of one paper against the query's word groups. */
export interface TextFeatures {
  /** Found through some of the query's words only (the OR fallback of a description). */
  partial: boolean;
  /** Share of the query's word weight found anywhere in the paper. */
  everywhereCoverage: number;
  /** Share found in its names and credits (numbers of a description excluded). */
  nameCoverage: number;
  /** The paper came from bm25's ranking (not an unranked slice of a large corpus). */
  bm25Matched: boolean;
  /** Share of the paper's title words the query has. */
  titleCoverage: number;
  /** The query, as typed or corrected, is a phrase of the title. */
  phraseInTitle: boolean;
  /** Share of the query's numbers and sizes the paper has; null when the query has none. */
  specificFound: number | null;
  firstAuthorNamed: boolean;
  curated: boolean;
  /** Query word groups (words and bridged Japanese). */
  queryWords: number;
  /** The query's own content words (0: only bridged Japanese). */
  contentWords: number;
  /** Words found anywhere in the paper. */
  wordsFound: number;
  /** The query reads as a name with a word or two, not a description. */
  nameQuery: boolean;
  /** A title-like query has a word the paper lacks (and it is no typo of the paper's names). */
  lacksTitleWord: boolean;
  /** A two-word name query whose other word this paper has only in its text ("batch normalization"). */
  otherWordInPassing: boolean;
  /** Some query word is in the paper's names as typed. */
  namedAsTyped: boolean;
  /** The least closeness of the corrections that alone found the paper's names; null when none. */
  correctedCloseness: number | null;
  /** One word sharing only its stem with the paper's names ("performer" and "…performance"). */
  stemOnlyName: boolean;
}

/** A full-text score, with the cap that limited it when it is below the words' usual ceiling (for --explain). */
export interface TextScored extends Scored {
  cappedAt: number | null;
}

/** The full-text score of a paper, or null when its partial match is too thin to consider. */
export function textScore(f: TextFeatures, weights: LookupWeights = LOOKUP_WEIGHTS): TextScored | null {
  const w = weights.text;
  if (
    f.partial &&
    (f.everywhereCoverage < (f.lacksTitleWord ? w.partialTitleMinCoverage : w.partialMinCoverage) || f.wordsFound < w.partialMinWords)
  ) {
    return null;
  }
  const specificBonus = f.specificFound === null ? 0 : (f.specificFound - w.specificNeutral) * w.specificSpread;
  const raw =
    (f.partial ? w.partialBase : w.base) +
    w.everywhere * f.everywhereCoverage +
    w.name * f.nameCoverage +
    w.bm25Matched * (f.bm25Matched ? 1 : 0) +
    w.titleWords * f.titleCoverage +
    (f.phraseInTitle ? w.phraseInTitle : 0) +
    specificBonus +
    (f.firstAuthorNamed ? w.firstAuthor : 0) +
    (f.curated ? w.curated : 0);
  const fact = !f.nameQuery && f.specificFound !== null && f.everywhereCoverage >= w.factCoverage;
  const namedInPassing = f.otherWordInPassing && f.nameCoverage < w.inPassingMaxNameCoverage;
  const thin = (f.nameCoverage === 0 && f.queryWords <= w.thinMaxWords && !fact) || namedInPassing;
  const ceiling = thin ? weights.hintCeiling : f.contentWords === 0 ? w.bridgedCeiling : w.ceiling;
  const correctedCeiling = f.stemOnlyName
    ? weights.hintCeiling
    : f.correctedCloseness === null
      ? Number.POSITIVE_INFINITY
      : w.correctedBase + w.correctedPerCloseness * f.correctedCloseness;
  const cap = f.namedAsTyped && !f.stemOnlyName ? ceiling : Math.min(ceiling, correctedCeiling);
  const score = Math.min(cap, raw);
  return { score, uncapped: f.contentWords === 0 || cap < ceiling ? score : raw, cappedAt: cap < ceiling ? cap : null };
}

/** What the Japanese stage measured of one paper: idf-weighted shares of the query's character pairs. */
export interface JapaneseFeatures {
  everywhereCoverage: number;
  nameCoverage: number;
  pairsFound: number;
  /** A query word is one of the paper's whole Japanese names. */
  wholeName: boolean;
}

/** The Japanese-text score of a paper, or null when too little of the query is in it. */
export function japaneseScore(f: JapaneseFeatures, weights: LookupWeights = LOOKUP_WEIGHTS): Scored | null {
  const w = weights.japanese;
  if (f.everywhereCoverage < w.minCoverage || f.pairsFound < w.minPairs) return null;
  // As for Latin words: a little text found only in a summary is a hint, not an answer.
  const ceiling = f.nameCoverage === 0 && f.pairsFound <= w.hintMaxPairs ? weights.hintCeiling : w.ceiling;
  const raw = w.base + w.everywhere * f.everywhereCoverage + w.name * f.nameCoverage + (f.wholeName ? w.wholeName : 0);
  const score = Math.min(ceiling, raw);
  return { score, uncapped: ceiling < w.ceiling ? score : raw };
}

/** A curated name `closeness` away from a query that found nothing, as a "did you mean" score; null when not close. */
export function suggestionScore(closeness: number, weights: LookupWeights = LOOKUP_WEIGHTS): number | null {
  return closeness >= weights.suggest.minNameCloseness ? closeness * weights.suggest.perCloseness : null;
}

/** Inverse document frequency of a word in `containing` of `papers` papers. */
export function idf(papers: number, containing: number, weights: LookupWeights = LOOKUP_WEIGHTS): number {
  return Math.log((papers + 1) / (containing + weights.idfSmoothing));
}
