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

/** Sparse vectors over interned term ids. */
export type SparseVector = Map<number, number>;

const TITLE_WEIGHT = 3;
const PAPER_TITLE_WEIGHT = 2;
const KEYWORD_BONUS = 0.03;
const MAX_KEYWORD_BONUS = 0.06;
/** Canon papers within this fraction of the best similarity are named as reasons (at most three). */
const REASON_RATIO = 0.7;
const MIN_REASON_SIMILARITY = 0.05;
const MAX_CACHED_WORDS = 200_000;

const termIds = new Map<string, number>();
/** word → its term id, -1 for none (a stop word), or several ids ("gpt-3.5-turbo"). */
const wordCache = new Map<string, number | readonly number[]>();

function intern(term: string): number {
  let id = termIds.get(term);
  if (id === undefined) termIds.set(term, (id = termIds.size));
  return id;
}

function lookup(word: string): number | readonly number[] {
  let entry = wordCache.get(word);
  if (entry === undefined) {
    if (wordCache.size > MAX_CACHED_WORDS) wordCache.clear();
    const ids = contentTokens(word).map(intern);
    entry = ids.length === 0 ? -1 : ids.length === 1 ? (ids[0] ?? -1) : ids;
    wordCache.set(word, entry);
  }
  return entry;
}

/**
 * The catalog's content tokens (normalised, stop words out, Porter stems: src/catalog/text.ts) as term ids,
 * cached per word so 2,000 abstracts don't normalise and stem the same words again. Feed text is
 * whitespace-collapsed already, so a plain split on " " is enough (and several times faster than a regex).
 */
export function forEachTerm(text: string, visit: (id: number) => void): void {
  for (const word of text.split(" ")) {
    if (word === "") continue;
    const entry = lookup(word);
    if (typeof entry === "number") {
      if (entry >= 0) visit(entry);
    } else for (const id of entry) visit(id);
  }
}

export function termIdsOf(text: string): number[] {
  const out: number[] = [];
  forEachTerm(text, (id) => out.push(id));
  return out;
}

function addTerms(counts: Map<number, number>, ids: readonly number[], weight: number): void {
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + weight);
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
  /** By term id; terms the canon doesn't use (or interned later) get `unknownIdf` and no postings. */
  private readonly idf: Float64Array;
  private readonly postings: ({ paper: number; weight: number }[] | undefined)[];
  private readonly papers: Paper[];
  private readonly unknownIdf: number;
  private readonly topicTerms: { topic: Topic; terms: number[] }[];
  private readonly keywords: { keyword: string; terms: number[] }[];
  private readonly similarity: Float64Array;
  private counts = new Float64Array(1024);

  constructor(papers: readonly Paper[], topicLabels: Record<Topic, string>, followedKeywords: readonly string[] = []) {
    this.papers = [...papers];
    this.similarity = new Float64Array(this.papers.length);
    const documents = this.papers.map((paper) => {
      const counts = new Map<number, number>();
      addTerms(counts, termIdsOf(paper.title), TITLE_WEIGHT);
      addTerms(counts, termIdsOf(paper.aliases.join(" ")), TITLE_WEIGHT);
      addTerms(counts, termIdsOf([paper.summary.en, ...paper.keyResults.en].join(" ")), 1);
      return counts;
    });
    const df = new Map<number, number>();
    for (const counts of documents) for (const term of counts.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const n = documents.length;
    this.unknownIdf = Math.log((n + 1) / 0.5);
    this.idf = new Float64Array(termIds.size).fill(this.unknownIdf);
    this.postings = new Array<{ paper: number; weight: number }[] | undefined>(termIds.size);
    for (const [term, count] of df) this.idf[term] = Math.log((n + 1) / (count + 0.5));
    documents.forEach((counts, paper) => {
      const vector: SparseVector = new Map();
      for (const [term, count] of counts) vector.set(term, (1 + Math.log(count)) * (this.idf[term] ?? 0));
      for (const [term, weight] of normalise(vector)) {
        let list = this.postings[term];
        if (!list) this.postings[term] = list = [];
        list.push({ paper, weight });
      }
    });
    this.topicTerms = TOPICS.map((topic) => ({ topic, terms: termIdsOf(`${topicLabels[topic]} ${topic.replaceAll("-", " ")}`) }));
    this.keywords = followedKeywords.map((keyword) => ({ keyword, terms: termIdsOf(keyword) })).filter((entry) => entry.terms.length > 0);
  }

  private termCounts(text: PaperText): { counts: Map<number, number>; titleTerms: number[] } {
    const counts = new Map<number, number>();
    const titleTerms = termIdsOf(text.title);
    addTerms(counts, titleTerms, PAPER_TITLE_WEIGHT);
    addTerms(counts, termIdsOf(text.abstract), 1);
    return { counts, titleTerms };
  }

  private weight(term: number, count: number): number {
    return (1 + Math.log(count)) * (this.idf[term] ?? this.unknownIdf);
  }

  /** The query side of the similarity (unit length), also the feature vector of the learned scorer. */
  vector(text: PaperText): SparseVector {
    const vector: SparseVector = new Map();
    for (const [term, count] of this.termCounts(text).counts) vector.set(term, this.weight(term, count));
    return normalise(vector);
  }

  score(text: PaperText): CanonScore {
    // Term counts in a reusable dense buffer (term ids are small integers): no Map per paper.
    const touched: number[] = [];
    const titleTerms: number[] = [];
    let counts = this.counts;
    const add = (id: number, weight: number) => {
      if (id >= counts.length) {
        const grown = new Float64Array(Math.max(id + 1, counts.length * 2));
        grown.set(counts);
        counts = this.counts = grown;
      }
      if (counts[id] === 0) touched.push(id);
      counts[id] = (counts[id] ?? 0) + weight;
    };
    forEachTerm(text.title, (id) => {
      titleTerms.push(id);
      add(id, PAPER_TITLE_WEIGHT);
    });
    forEachTerm(text.abstract, (id) => add(id, 1));
    const matched = this.keywords.filter((entry) => entry.terms.every((term) => (counts[term] ?? 0) > 0)).map((entry) => entry.keyword);
    const similarity = this.similarity.fill(0);
    let norm = 0;
    for (const term of touched) {
      const weight = (1 + Math.log(counts[term] ?? 1)) * (this.idf[term] ?? this.unknownIdf);
      counts[term] = 0;
      norm += weight * weight;
      const list = this.postings[term];
      if (list) for (const posting of list) similarity[posting.paper] = (similarity[posting.paper] ?? 0) + weight * posting.weight;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const ranked = topIndexes(similarity, 3);
    const best = (similarity[ranked[0] ?? 0] ?? 0) * scale;
    const close = ranked
      .filter((index) => (similarity[index] ?? 0) * scale >= Math.max(best * REASON_RATIO, MIN_REASON_SIMILARITY))
      .map((index) => this.papers[index])
      .filter((paper): paper is Paper => paper !== undefined);
    // The closest papers' main topics, then topics named in the title (abstracts mention "code" or "agents" too casually).
    const topics = new Set<string>();
    for (const paper of close) if (paper.topics[0]) topics.add(paper.topics[0]);
    const titleWords = new Set(titleTerms);
    for (const { topic, terms: needed } of this.topicTerms) if (needed.length > 0 && needed.every((term) => titleWords.has(term))) topics.add(topic);
    for (const keyword of matched) topics.add(keyword);
    return {
      canon: round(best),
      bonus: round(Math.min(MAX_KEYWORD_BONUS, matched.length * KEYWORD_BONUS)),
      reasons: { papers: close.map((paper) => paper.id), topics: [...topics] },
    };
  }
}

function normalise(vector: SparseVector): SparseVector {
  let sum = 0;
  for (const value of vector.values()) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  for (const [key, value] of vector) vector.set(key, value / norm);
  return vector;
}

/** Indexes of the `count` largest values, largest first. */
function topIndexes(values: Float64Array, count: number): number[] {
  const top: number[] = [];
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] ?? 0;
    let at = top.length;
    while (at > 0 && (values[top[at - 1] ?? 0] ?? 0) < value) at -= 1;
    if (at < count) {
      top.splice(at, 0, index);
      if (top.length > count) top.pop();
    }
  }
  return top;
}

export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
