import { TOPICS, type Topic } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { contentTokens } from "../catalog/text.js";

/** Why a paper scored as it did: the closest canon papers, catalog topics and followed keywords. */
export interface Reasons {
  papers: string[];
  topics: string[];
}

export interface CanonScore {
  /** Cosine similarity of tf-idf vectors with the closest canon paper, 0..1. */
  canon: number;
  /** Extra for matching followed keywords (capped). */
  bonus: number;
  reasons: Reasons;
}

type SparseVector = Map<string, number>;

const TITLE_WEIGHT = 3;
const PAPER_TITLE_WEIGHT = 2;
const KEYWORD_BONUS = 0.03;
const MAX_KEYWORD_BONUS = 0.06;
/** Canon papers within this fraction of the best similarity are named as reasons (at most three). */
const REASON_RATIO = 0.7;
const MIN_REASON_SIMILARITY = 0.05;

const stemCache = new Map<string, string[]>();

/** Stemmed content tokens, cached per word so 2,000 abstracts don't stem the same words again. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    let stems = stemCache.get(word);
    if (!stems) {
      stems = contentTokens(word);
      if (stemCache.size > 200_000) stemCache.clear();
      stemCache.set(word, stems);
    }
    for (const stem of stems) out.push(stem);
  }
  return out;
}

function addTerms(counts: Map<string, number>, tokens: readonly string[], weight: number): void {
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + weight);
}

function normalise(vector: SparseVector): SparseVector {
  let sum = 0;
  for (const value of vector.values()) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  for (const [key, value] of vector) vector.set(key, value / norm);
  return vector;
}

/** What the scorer reads of a new paper. */
export interface PaperText {
  title: string;
  abstract: string;
}

/**
 * tf-idf similarity between a new paper (title weighted double, plus abstract) and each canon paper
 * (title and aliases weighted triple, plus summary and key results), with an inverted index so scoring
 * 2,000 items costs one pass over their words.
 */
export class CanonIndex {
  private readonly idf = new Map<string, number>();
  private readonly postings = new Map<string, { paper: number; weight: number }[]>();
  private readonly papers: Paper[];
  private readonly unknownIdf: number;
  private readonly topicTerms: { topic: Topic; terms: string[] }[];
  private readonly keywords: { keyword: string; terms: string[] }[];

  constructor(papers: readonly Paper[], topicLabels: Record<Topic, string>, followedKeywords: readonly string[] = []) {
    this.papers = [...papers];
    const documents = this.papers.map((paper) => {
      const counts = new Map<string, number>();
      addTerms(counts, terms(paper.title), TITLE_WEIGHT);
      addTerms(counts, terms(paper.aliases.join(" ")), TITLE_WEIGHT);
      addTerms(counts, terms([paper.summary.en, ...paper.keyResults.en].join(" ")), 1);
      return counts;
    });
    const df = new Map<string, number>();
    for (const counts of documents) for (const term of counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const n = documents.length;
    for (const [term, count] of df) this.idf.set(term, Math.log((n + 1) / (count + 0.5)));
    this.unknownIdf = Math.log((n + 1) / 0.5);
    documents.forEach((counts, paper) => {
      const vector: SparseVector = new Map();
      for (const [term, count] of counts) vector.set(term, (1 + Math.log(count)) * (this.idf.get(term) ?? 0));
      for (const [term, weight] of normalise(vector)) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ paper, weight });
      }
    });
    this.topicTerms = TOPICS.map((topic) => ({ topic, terms: terms(`${topicLabels[topic]} ${topic.replaceAll("-", " ")}`) }));
    this.keywords = followedKeywords.map((keyword) => ({ keyword, terms: terms(keyword) })).filter((entry) => entry.terms.length > 0);
  }

  /** The query side of the similarity, also the feature vector of the learned scorer. */
  vector(text: PaperText): { vector: SparseVector; words: Set<string> } {
    const counts = new Map<string, number>();
    const titleTerms = terms(text.title);
    const abstractTerms = terms(text.abstract);
    addTerms(counts, titleTerms, PAPER_TITLE_WEIGHT);
    addTerms(counts, abstractTerms, 1);
    const vector: SparseVector = new Map();
    for (const [term, count] of counts) vector.set(term, (1 + Math.log(count)) * (this.idf.get(term) ?? this.unknownIdf));
    return { vector: normalise(vector), words: new Set([...titleTerms, ...abstractTerms]) };
  }

  score(text: PaperText): CanonScore {
    const { vector, words } = this.vector(text);
    const similarity = new Float64Array(this.papers.length);
    for (const [term, weight] of vector) {
      const list = this.postings.get(term);
      if (list) for (const posting of list) similarity[posting.paper] = (similarity[posting.paper] ?? 0) + weight * posting.weight;
    }
    const ranked = [...similarity.keys()].sort((a, b) => (similarity[b] ?? 0) - (similarity[a] ?? 0));
    const best = similarity[ranked[0] ?? 0] ?? 0;
    const close = ranked
      .filter((index) => (similarity[index] ?? 0) >= Math.max(best * REASON_RATIO, MIN_REASON_SIMILARITY))
      .slice(0, 3)
      .map((index) => this.papers[index])
      .filter((paper): paper is Paper => paper !== undefined);
    // The closest papers' main topics, then topics named in the title (abstracts mention "code" or "agents" too casually).
    const topics = new Set<string>();
    for (const paper of close) if (paper.topics[0]) topics.add(paper.topics[0]);
    const titleWords = new Set(terms(text.title));
    for (const { topic, terms: needed } of this.topicTerms) if (needed.length > 0 && needed.every((term) => titleWords.has(term))) topics.add(topic);
    const matched = this.keywords.filter((entry) => entry.terms.every((term) => words.has(term))).map((entry) => entry.keyword);
    for (const keyword of matched) topics.add(keyword);
    return {
      canon: round(best),
      bonus: round(Math.min(MAX_KEYWORD_BONUS, matched.length * KEYWORD_BONUS)),
      reasons: { papers: close.map((paper) => paper.id), topics: [...topics] },
    };
  }
}

export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
