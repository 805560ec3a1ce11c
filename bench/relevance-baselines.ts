import type { PaperText } from "../src/arxiv/score.js";

/**
 * The two baselines of issue 17, implemented as their authors describe them, for the relevance bench.
 *
 * arxiv-sanity-lite (karpathy/arxiv-sanity-lite, compute.py): scikit-learn's TfidfVectorizer with its English stop
 * words, token pattern `\b[a-zA-Z_][a-zA-Z0-9_]+\b`, unicode accents stripped, lower case, 1–2-grams, sublinear tf,
 * smooth idf, l2 norm; here the idf is fitted on the canon and the papers being ranked, and a paper's score is its
 * largest cosine with a canon paper.
 */

// scikit-learn's ENGLISH_STOP_WORDS (sklearn/feature_extraction/_stop_words.py).
const SKLEARN_STOP_WORDS = new Set(
  `a about above across after afterwards again against all almost alone along already also although always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at back be became because become becomes becoming been before beforehand behind being below beside besides between beyond bill both bottom but by call can cannot cant co con could couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find fire first five for former formerly forty found four from front full further get give go had has hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own part per perhaps please put rather re same see seem seemed seeming seems serious several she should show side since sincere six sixty so some somehow someone something sometime sometimes somewhere still such system take ten than that the their them themselves then thence there thereafter thereby therefore therein thereupon these they thick thin third this those though three through throughout thru thus to together too top toward towards twelve twenty two un under until up upon us very via was we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why will with within without would yet you your yours yourself yourselves`.split(
    " ",
  ),
);

const TOKEN = /\b[a-zA-Z_][a-zA-Z0-9_]+\b/g;

function sklearnTerms(text: string): string[] {
  const words = (text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(TOKEN) ?? []).filter(
    (word) => !SKLEARN_STOP_WORDS.has(word),
  );
  const terms = [...words];
  for (let at = 0; at + 1 < words.length; at += 1) terms.push(`${words[at]} ${words[at + 1]}`);
  return terms;
}

type Vector = Map<string, number>;

function tfidfVectors(documents: readonly string[]): Vector[] {
  const counted = documents.map((document) => {
    const counts = new Map<string, number>();
    for (const term of sklearnTerms(document)) counts.set(term, (counts.get(term) ?? 0) + 1);
    return counts;
  });
  const df = new Map<string, number>();
  for (const counts of counted) for (const term of counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = documents.length;
  return counted.map((counts) => {
    const vector: Vector = new Map();
    let norm = 0;
    for (const [term, count] of counts) {
      const weight = (1 + Math.log(count)) * (Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1);
      vector.set(term, weight);
      norm += weight * weight;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const [term, weight] of vector) vector.set(term, weight * scale);
    return vector;
  });
}

function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, weight] of small) sum += weight * (large.get(term) ?? 0);
  return sum;
}

/** arxiv-sanity-lite's method: each paper's largest tf-idf cosine with a canon paper. */
export function tfidfBaseline(canon: readonly string[], papers: readonly PaperText[]): number[] {
  const vectors = tfidfVectors([...canon, ...papers.map((paper) => `${paper.title} | ${paper.abstract}`)]);
  const canonVectors = vectors.slice(0, canon.length);
  return vectors.slice(canon.length).map((vector) => Math.max(0, ...canonVectors.map((other) => cosine(vector, other))));
}

/** 15 fixed patterns of LLM vocabulary; the score is how many of them the title and abstract match. */
export const KEYWORD_PATTERNS: readonly RegExp[] = [
  /\blarge language models?\b|\bLLMs?\b/i,
  /\btransformers?\b/i,
  /\bpre-?train/i,
  /\bfine-?tun/i,
  /\binstruction/i,
  /\bRLHF\b|human feedback/i,
  /\bchain[- ]of[- ]thought\b|\breasoning\b/i,
  /\bin-context\b/i,
  /\bretrieval\b|\bRAG\b/i,
  /\bagents?\b/i,
  /\balignment\b|\baligned\b/i,
  /\bscal(?:ing|e)\b/i,
  /\battention\b/i,
  /\bstate-of-the-art\b/i,
  /\bopen[- ]source\b/i,
];

export function keywordBaseline(papers: readonly PaperText[]): number[] {
  return papers.map((paper) => {
    const text = `${paper.title} ${paper.abstract}`;
    return KEYWORD_PATTERNS.filter((pattern) => pattern.test(text)).length;
  });
}
