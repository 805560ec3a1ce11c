/**
 * Every weight and threshold of lookup scoring, in one table: the only place a fractional number of the
 * resolver lives (test/catalog/lookup/score.test.ts checks that). Scores run from 0 to 1; RESULT_THRESHOLD and up is
 * an answer, below it at most a "did you mean". The stages (lookup/*.ts) measure named features of a match;
 * lookup/score.ts turns features into scores with this table and nothing else.
 */
const RESULT_THRESHOLD = 0.5;
/** A hint: the most a match scores when its evidence is too thin to answer (just under an answer). */
const HINT_CEILING = RESULT_THRESHOLD - 0.05;

const TABLE = {
  /** Scores from here up are answers; below, at most "did you mean". */
  resultThreshold: RESULT_THRESHOLD,
  /** The most thin evidence may score (a word only in a summary, a name only through a stem): never an answer. */
  hintCeiling: HINT_CEILING,

  exact: {
    /** The one paper whose id, alias, title, URL or arXiv id is the whole query. */
    single: 1,
    /** A whole name several papers share ("gpt"): the first in reading-list order scores this… */
    sharedFirst: 0.97,
    /** …and each later one this much less, so the list keeps its order. */
    sharedStep: 0.01,
  },

  /** Each listed paper of a catalog topic the query names ("diffusion"): they tie, and are offered as a choice. */
  topic: 0.9,

  /** A paper's name inside a longer query ("the qlora paper", "bert glue"): by the share of the query's weight it carries. */
  nameWithin: {
    /** A name carrying less of the query's word weight than this is not what the query is about. */
    minShare: 0.4,
    base: 0.5,
    /** Rewards a name that carries more of the query's weight (shown score). */
    perShare: 0.45,
    /** The same, uncapped: orders two names that both reach the shown cap. */
    perShareUncapped: 0.5,
    /** A name several papers have ("llama") is less sure of each of them. */
    sharedName: 0.95,
  },

  /** A typo of a whole curated name ("qlroa", "chinchila"): by closeness (1 − edits / length). */
  fuzzy: {
    /** Any accepted typo of a whole name is an answer… */
    base: 0.5,
    /** …rewarded by its closeness, so the nearest name wins. */
    perCloseness: 0.4,
    /** Two edits in a name need at least this share of letter pairs in common ("resnet" is not "restem"). */
    minLetterPairs: 0.5,
  },

  /** Words through the full-text index (lookup/fulltext.ts). */
  text: {
    /** Every paper the words found: all of them (AND)… */
    base: 0.15,
    /** …or only some of them (the OR fallback of a description). */
    partialBase: 0.1,
    /** Rewards query weight found anywhere in the paper (names, credits, summary, key results). */
    everywhere: 0.35,
    /** Rewards query weight found in the paper's names and credits (title, aliases, topics, authors). */
    name: 0.3,
    /** The paper matched the whole expression in bm25's ranking (not an unranked slice). */
    bm25Matched: 0.1,
    /** Rewards the share of the paper's title words the query has. */
    titleWords: 0.05,
    /** The query (or its corrected form) is a phrase of the title. */
    phraseInTitle: 0.1,
    /** Numbers and sizes ("65b", "20 tokens"): from −half to +half this, by the share of them the paper has. */
    specificSpread: 0.2,
    /** The share of a query's numbers found that neither rewards nor penalises. */
    specificNeutral: 0.5,
    /** The query names the paper's first author ("kaplan scaling"). */
    firstAuthor: 0.05,
    /** A curated paper (with aliases), what people most often mean. */
    curated: 0.05,
    /** The most words alone may score: names and links (1) stay above them. */
    ceiling: 0.94,
    /** The most the bridged English of a Japanese query may score alone: a Japanese name as written (0.85) outranks it. */
    bridgedCeiling: 0.8,
    /** A name found only through spelling corrections: a typo of that name scores this… */
    correctedBase: 0.48,
    /** …plus this times the correction's closeness (just under the same typo of a whole name, `fuzzy`). */
    correctedPerCloseness: 0.4,
    /** Found through some words only: the paper must have this share of the query's weight… */
    partialMinCoverage: 0.6,
    /** …or this share, when a title-like query has a word the paper lacks. */
    partialTitleMinCoverage: 0.75,
    /** With every word found (up to rounding), a remembered number is a fact, not a hint. */
    factCoverage: 0.99,
    /** A two-word name whose other word the paper has only in passing is another paper's name below this name coverage. */
    inPassingMaxNameCoverage: 0.75,
    /** No word in the paper's names, at most this many query words and no fact: a hint. */
    thinMaxWords: 3,
    /** A word the paper lacks still counts as a typo of its names when they share this much of the shorter's start (and 5 letters). */
    typoSharedStart: 0.6,
    /** Found through some words only: at least this many of them. */
    partialMinWords: 2,
  },

  /** Japanese text by character pairs (lookup/japanese.ts). */
  japanese: {
    /** One Japanese character that is part of a paper's Japanese name. */
    oneCharacterName: 0.7,
    /** The query's Japanese is inside a paper's Japanese name or title. */
    inName: 0.85,
    base: 0.2,
    /** Rewards the query's (idf-weighted) character pairs found anywhere in the paper's Japanese text. */
    everywhere: 0.4,
    /** Rewards them found in its Japanese title and aliases. */
    name: 0.3,
    /** A query word that is one of the paper's whole names ("トランスフォーマー"), not part of a longer one. */
    wholeName: 0.05,
    ceiling: 0.9,
    /** Below this share of the query's pairs a paper is not considered. */
    minCoverage: 0.5,
    /** …and below this many pairs found. */
    minPairs: 2,
    /** Nothing in the paper's Japanese names and at most this many pairs found: a hint. */
    hintMaxPairs: 3,
  },

  /** How the stages' offers combine (resolve.ts, MatchCollector). */
  combine: {
    /** A mixed query ("混合エキスパート Hugging Face blog"): a paper matching both its Latin and its Japanese half. */
    mixedBothHalves: 0.05,
    /** Japanese alone: a paper its Japanese text answers and its bridged English finds too. */
    japaneseAndBridge: 0.02,
    /** The most anything but an exact name, URL or arXiv id may score. */
    nonExactCeiling: 0.99,
    /** In a mixed query, a paper found only through its Japanese half keeps this share of its score. */
    japaneseHalfOnly: 0.55,
    /** Evidence added for a Japanese user's Japanese-text match (wins a tie). */
    japaneseForJapaneseUser: 0.01,
    /** Evidence added for a paper the query names: more than a tie's strength gap. */
    named: 0.03,
  },

  /** When the best results tie (resolve.ts, isTie). */
  ties: {
    /** Scores closer than this tie (scores are shown to three decimals). */
    margin: 0.002,
    /** Evidence closer than this is no reason to prefer one paper. */
    strengthGap: 0.018,
    /** Three or more tied papers with evidence within `sameStrengthGaps` gaps of each other… */
    manyTied: 3,
    sameStrengthGaps: 4,
    /** …tie unless the first leads the second by this many gaps. */
    manyTiedGaps: 2,
  },

  /** "Did you mean" (lookup/suggest.ts). */
  suggest: {
    /** A curated name's suggestion scores its closeness times this. */
    perCloseness: 0.6,
    /** Offers scoring less are not suggested. */
    minScore: 0.3,
    /** A typo changes less than a third of a name ("toolformer" is not "transformer" at 0.64). */
    minNameCloseness: 0.7,
  },

  /** Word statistics: idf = ln((papers + 1) / (containing + smoothing)). */
  idfSmoothing: 0.5,
} as const;

type Widened<T> = { readonly [K in keyof T]: T[K] extends number ? number : Widened<T[K]> };
/** The table's shape, with any numbers (tests score with other weights to show the scorer reads only these). */
export type LookupWeights = Widened<typeof TABLE>;

export const LOOKUP_WEIGHTS: LookupWeights = TABLE;
