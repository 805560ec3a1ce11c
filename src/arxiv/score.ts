import { TOPICS, type Topic } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { CorpusStats } from "./corpus.js";
import { collectTerms, TermBuffer, termCount, termIdsOf } from "./terms.js";
import { TopTerms } from "./top-terms.js";

/**
 * Why a paper scored as it did: the canon papers it is specifically like, its confident catalog topics and the
 * followed keywords it matches, and the terms that carried the score (absent on rows stored before they were kept).
 */
export interface Reasons {
  papers: string[];
  topics: string[];
  terms?: string[];
}

export interface CanonScore {
  /** Cosine similarity of tf-idf vectors with the closest canon paper, 0..1. */
  canon: number;
  /** Mean cosine similarity with the three closest canon papers. */
  top3: number;
  /** The learned term weights' dot product with the paper's unit tf-idf vector (0 without weights). */
  termScore: number;
  /** The terms that added most to `termScore`, largest first (term ids), with what each added. */
  topTerms: { term: number; value: number }[];
  /** Pairs of those terms that stand side by side in the paper ("KV cache"), first term first. */
  topPairs: [number, number][];
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
/**
 * A canon paper is named only when the paper is specifically like it: a similarity (over idf from the whole stream,
 * where generic LLM words weigh little) of at least MIN_REASON_SIMILARITY, and within REASON_RATIO of the best.
 */
const REASON_RATIO = 0.85;
const MIN_REASON_SIMILARITY = 0.3;
/** 1 + ln(count) for the small whole counts a paper's terms have (the same doubles Math.log gives, computed once). */
const LOG_TABLE_SIZE = 256;
const DAMPED = Float64Array.from({ length: LOG_TABLE_SIZE }, (_, count) => 1 + Math.log(count));

function addTerms(counts: Map<number, number>, ids: readonly number[], weight: number): void {
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + weight);
}

/**
 * Aliases that cite the authors ("hu et al.", "kaplan 2020", "song et al consistency models") help people find a
 * paper, but as weighted terms they would make a surname ("song", "lewis") a topic of the paper. They are left out
 * of the canon vectors.
 */
const CITATION = /\bet al\b|^\p{L}+ (?:19|20)\d\d$/iu;

function namesTheWork(alias: string): boolean {
  return !CITATION.test(alias);
}

/** A canon paper's weighted term counts: title and aliases triple, summary and key results once. */
export function canonTermCounts(paper: Paper): Map<number, number> {
  const counts = new Map<number, number>();
  addTerms(counts, termIdsOf(paper.title), TITLE_WEIGHT);
  addTerms(counts, termIdsOf(paper.aliases.filter(namesTheWork).join(" ")), TITLE_WEIGHT);
  addTerms(counts, termIdsOf([paper.summary.en, ...paper.keyResults.en].join(" ")), 1);
  return counts;
}

/** The canon's own document frequencies (the fallback when no stream statistics are given). */
export function canonStats(documents: Iterable<Iterable<number>>): CorpusStats {
  const stats = new CorpusStats();
  for (const terms of documents) stats.addDocument(terms);
  return stats;
}

/** What the scorer reads of a new paper. */
/** A paper's term ids, title then abstract (see collectPaperTerms). */
export interface CollectedTerms {
  buffer: TermBuffer;
  /** Where the abstract's terms start. */
  titleEnd: number;
}

/** Collects `text`'s terms, title then abstract, into `buffer` (emptied first). */
export function collectPaperTerms(text: PaperText, buffer: TermBuffer): CollectedTerms {
  buffer.length = 0;
  collectTerms(text.title, buffer);
  const titleEnd = buffer.length;
  collectTerms(text.abstract, buffer);
  return { buffer, titleEnd };
}

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
  /**
   * By term id; terms the canon doesn't use get `unknownIdf` and no postings. One slot more than the terms known
   * when the index was built, holding `unknownIdf` for terms interned later: the hot loop then reads every idf from
   * this array (mixing it with a number field made V8 box each weight, one heap number per distinct term).
   */
  private readonly idf: Float64Array;
  /** Postings by term id, flat: papers and weights of term t are at postingStart[t] … postingStart[t + 1]. */
  private readonly postingStart: Int32Array;
  private readonly postingPaper: Int32Array;
  private readonly postingWeight: Float64Array;
  private readonly papers: Paper[];
  private readonly unknownIdf: number;
  private readonly topicTerms: { topic: Topic; terms: number[] }[];
  private readonly keywords: { keyword: string; terms: number[] }[];
  private readonly similarity: Float64Array;
  private lastScale = 0;
  private counts = new Int32Array(1024);
  private touched = new Int32Array(1024);
  private inTitle = new Int32Array(1024);
  /**
   * The last call's stamp. It starts at 1, so the marks (all 0) need clearing only when the stamp wraps round to 1
   * after 2^31 papers: a branch taken at each new index's first call would throw its optimised code away.
   */
  private stamp = 1;
  private readonly topTerms = new TopTerms();
  private readonly terms = new TermBuffer();
  /** Each canon paper's unit tf-idf vector (training positives of the learned model). */
  readonly canonVectors: SparseVector[] = [];
  /** Learned weights by term id (see model.ts), read in the scoring loop; null: none. */
  private linear: Float64Array | null = null;

  /**
   * `stats`: document frequencies over the canon and the ingested stream (CorpusStats); without it, over the canon
   * alone (as before the stream was counted).
   */
  constructor(papers: readonly Paper[], topicLabels: Record<Topic, string>, followedKeywords: readonly string[] = [], stats?: CorpusStats) {
    this.papers = [...papers];
    this.similarity = new Float64Array(this.papers.length);
    const documents = this.papers.map(canonTermCounts);
    const corpus = stats ?? canonStats(documents.map((counts) => counts.keys()));
    this.unknownIdf = corpus.idf(-1);
    this.idf = corpus.idfTable();
    const known = this.idf.length - 1;
    this.idf[known] = this.unknownIdf;
    const lists: { paper: number; weight: number }[][] = Array.from({ length: known }, () => []);
    documents.forEach((counts, paper) => {
      const vector: SparseVector = new Map();
      for (const [term, count] of counts) vector.set(term, (1 + Math.log(count)) * (this.idf[term] ?? 0));
      const unit = normalise(vector);
      this.canonVectors.push(unit);
      for (const [term, weight] of unit) lists[term]?.push({ paper, weight });
    });
    this.postingStart = new Int32Array(known + 1);
    let total = 0;
    lists.forEach((list, term) => {
      this.postingStart[term] = total;
      total += list.length;
    });
    this.postingStart[known] = total;
    this.postingPaper = new Int32Array(total);
    this.postingWeight = new Float64Array(total);
    let at = 0;
    for (const list of lists) {
      for (const posting of list) {
        this.postingPaper[at] = posting.paper;
        this.postingWeight[at] = posting.weight;
        at += 1;
      }
    }
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

  /** Sets the learned term weights (by term id) the score adds up; ids past the end weigh 0. */
  setLinear(weights: Float64Array | null): void {
    this.linear = weights;
  }

  /** Cosine similarity of a unit vector with each canon paper. */
  similarities(vector: SparseVector): Float64Array {
    const result = new Float64Array(this.papers.length);
    const knownTerms = this.idf.length - 1;
    for (const [term, weight] of vector) {
      if (term >= knownTerms) continue;
      const last = this.postingStart[term + 1] ?? 0;
      for (let posting = this.postingStart[term] ?? 0; posting < last; posting += 1) {
        const paper = this.postingPaper[posting] ?? 0;
        result[paper] = (result[paper] ?? 0) + weight * (this.postingWeight[posting] ?? 0);
      }
    }
    return result;
  }

  /** The last scored paper's cosine similarity with each canon paper (a fresh array). */
  lastSimilarities(): Float64Array {
    return this.similarity.map((value) => value * this.lastScale);
  }

  get canonPapers(): readonly Paper[] {
    return this.papers;
  }

  /** `collected`: the text's terms when the caller has them already (collectPaperTerms), so they are not read twice. */
  score(text: PaperText, collected?: CollectedTerms): CanonScore {
    // Term counts (whole numbers) in a reusable dense buffer by term id: no Map and no garbage per paper.
    const terms = collected?.buffer ?? this.terms;
    let titleEnd: number;
    if (collected) titleEnd = collected.titleEnd;
    else {
      terms.length = 0;
      collectTerms(text.title, terms);
      titleEnd = terms.length;
      collectTerms(text.abstract, terms);
    }
    const ids = terms.ids;
    const known = termCount();
    if (this.counts.length < known) {
      this.counts = new Int32Array(Math.max(known, this.counts.length * 2));
      this.inTitle = new Int32Array(this.counts.length);
    }
    if (this.touched.length < terms.length) this.touched = new Int32Array(Math.max(terms.length, this.touched.length * 2));
    const counts = this.counts;
    const touched = this.touched;
    // A term is in this paper's title when inTitle[term] holds this call's stamp (no clearing between papers).
    const inTitle = this.inTitle;
    const stamp = (this.stamp = (this.stamp % 0x7fffffff) + 1);
    if (stamp === 1) inTitle.fill(0);
    let distinct = 0;
    for (let at = 0; at < terms.length; at += 1) {
      const id = ids[at] ?? 0;
      const count = counts[id] ?? 0;
      if (count === 0) touched[distinct++] = id;
      if (at < titleEnd) {
        counts[id] = count + PAPER_TITLE_WEIGHT;
        inTitle[id] = stamp;
      } else counts[id] = count + 1;
    }
    let matched: string[] | null = null;
    // A keyword of several terms counts as a phrase: its terms in a row (stop words aside), within the title or within
    // the abstract, as topic alerts match followed keywords. The all-terms test first keeps that scan off most papers.
    for (const entry of this.keywords) {
      if (
        allIn(entry.terms, counts, 1, 0) &&
        (entry.terms.length === 1 || hasPhrase(ids, 0, titleEnd, entry.terms) || hasPhrase(ids, titleEnd, terms.length, entry.terms))
      ) {
        (matched ??= []).push(entry.keyword);
      }
    }
    const similarity = this.similarity.fill(0);
    const { idf, postingStart, postingPaper, postingWeight } = this;
    const knownTerms = idf.length - 1;
    const linear = this.linear;
    const linearSize = linear ? linear.length : 0;
    let norm = 0;
    let dot = 0;
    const top = this.topTerms;
    top.length = 0;
    for (let at = 0; at < distinct; at += 1) {
      const term = touched[at] ?? 0;
      const count = counts[term] ?? 1;
      const damped = count < LOG_TABLE_SIZE ? (DAMPED[count] ?? 0) : 1 + Math.log(count);
      const weight = damped * (idf[term < knownTerms ? term : knownTerms] ?? 0);
      counts[term] = 0;
      norm += weight * weight;
      if (term < linearSize && linear) {
        const added = weight * (linear[term] ?? 0);
        dot += added;
        if (added > 0) top.keep(term, added);
      }
      if (term >= knownTerms) continue;
      const last = postingStart[term + 1] ?? 0;
      for (let posting = postingStart[term] ?? 0; posting < last; posting += 1) {
        const paper = postingPaper[posting] ?? 0;
        similarity[paper] = (similarity[paper] ?? 0) + weight * (postingWeight[posting] ?? 0);
      }
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    this.lastScale = scale;
    // The three most similar papers, most similar first (ties: the earlier paper first).
    let first = -1;
    let second = -1;
    let third = -1;
    let firstValue = 0;
    let secondValue = 0;
    let thirdValue = 0;
    for (let paper = 0; paper < similarity.length; paper += 1) {
      const value = similarity[paper] ?? 0;
      if (first < 0 || firstValue < value) {
        third = second;
        thirdValue = secondValue;
        second = first;
        secondValue = firstValue;
        first = paper;
        firstValue = value;
      } else if (second < 0 || secondValue < value) {
        third = second;
        thirdValue = secondValue;
        second = paper;
        secondValue = value;
      } else if (third < 0 || thirdValue < value) {
        third = paper;
        thirdValue = value;
      }
    }
    const best = first < 0 ? 0 : firstValue * scale;
    const top3 = (((first < 0 ? 0 : firstValue) + (second < 0 ? 0 : secondValue) + (third < 0 ? 0 : thirdValue)) * scale) / 3;
    const threshold = Math.max(best * REASON_RATIO, MIN_REASON_SIMILARITY);
    const papers: string[] = [];
    // The closest papers' main topics, then topics named in the title (abstracts mention "code" or "agents" too casually).
    const topics: string[] = [];
    this.addClose(first, firstValue * scale, threshold, papers, topics);
    this.addClose(second, secondValue * scale, threshold, papers, topics);
    this.addClose(third, thirdValue * scale, threshold, papers, topics);
    for (const { topic, terms: needed } of this.topicTerms)
      if (needed.length > 0 && allIn(needed, inTitle, stamp, stamp) && !topics.includes(topic)) topics.push(topic);
    if (matched) for (const keyword of matched) if (!topics.includes(keyword)) topics.push(keyword);
    return {
      canon: round(best),
      top3,
      termScore: dot * scale,
      topTerms: top.list(scale),
      topPairs: top.length > 1 ? top.pairsIn(ids, terms.length) : [],
      bonus: round(Math.min(MAX_KEYWORD_BONUS, (matched?.length ?? 0) * KEYWORD_BONUS)),
      reasons: { papers, topics },
    };
  }

  /** Names canon paper `paper` (and its main topic) when its similarity reaches the threshold. */
  private addClose(paper: number, similarity: number, threshold: number, papers: string[], topics: string[]): void {
    const close = paper < 0 || similarity < threshold ? undefined : this.papers[paper];
    if (!close) return;
    papers.push(close.id);
    const topic = close.topics[0];
    if (topic && !topics.includes(topic)) topics.push(topic);
  }
}

/** Whether every term has `marks[term] >= atLeast` (and, when `exactly` is not 0, equals it). */
function allIn(terms: readonly number[], marks: Int32Array, atLeast: number, exactly: number): boolean {
  for (const term of terms) {
    const mark = marks[term] ?? 0;
    if (mark < atLeast || (exactly !== 0 && mark !== exactly)) return false;
  }
  return true;
}

/** Whether `phrase` occurs as consecutive ids within ids[from … to). */
function hasPhrase(ids: Int32Array, from: number, to: number, phrase: readonly number[]): boolean {
  const first = phrase[0] ?? -1;
  const last = to - phrase.length;
  for (let at = from; at <= last; at += 1) {
    if (ids[at] !== first) continue;
    let next = 1;
    while (next < phrase.length && ids[at + next] === phrase[next]) next += 1;
    if (next === phrase.length) return true;
  }
  return false;
}

function normalise(vector: SparseVector): SparseVector {
  let sum = 0;
  for (const value of vector.values()) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  for (const [key, value] of vector) vector.set(key, value / norm);
  return vector;
}

export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
