import { TOPICS } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { candidateStore, type CandidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { corpusStore, type CorpusStore } from "../db/corpus.js";
import { CorpusStats, StreamCounter } from "./corpus.js";
import { crossValidate, MAX_TRAINING_DECISIONS_PER_CLASS, MIN_DECISIONS_PER_CLASS, type Decision, type Evaluation } from "./learn.js";
import {
  averageModel,
  canonSamples,
  marginOf,
  sampleMargin,
  sampleOf,
  sigmoid,
  trainLinear,
  type LinearModel,
  type Sample,
} from "./model.js";
import { explain } from "./reasons.js";
import { CanonIndex, canonTermCounts, collectPaperTerms, round, type CollectedTerms, type PaperText, type Reasons } from "./score.js";
import { TermBuffer, termIdOf } from "./terms.js";
import { loadSeeds } from "./seeds.js";
import { storedWeakLabels, weakLabelSignature, weakSamples, type WeakLabel } from "./weak-labels.js";
import { TOPIC_LABELS, TopicClassifier } from "./topics.js";

export interface Relevance {
  canonScore: number;
  bonus: number;
  score: number;
  reasons: Reasons;
}

/** The stream statistics a feed's new papers add: how many papers each term occurs in, and how many papers. */
export interface StreamCounts {
  terms: Record<string, number>;
  papers: number;
}

/** What ingest asks of a scorer: each new paper's relevance, and the statistics the papers add to the stream counts. */
export interface FeedScorer {
  scoreFeed(papers: readonly PaperText[]): { relevance: Relevance[]; counts: StreamCounts };
}

/** Stream papers (newest, not approved) the model reads as negatives: what arXiv looks like when nobody wants it. */
export const MAX_BACKGROUND = 1000;
const RESCORE_FOLDS = 2;
/** Stream papers needed before scores are shares of the stream (before that: the model's probability). */
const MIN_REFERENCE = 20;

/**
 * The scorer as the poller and the CLI use it. At each refresh (each poll) it reads the corpus statistics (canon plus
 * every ingested paper) and retrains the relevance model when they, the catalog, the followed keywords or the
 * decisions changed: logistic regression (model.ts) with the canon and approved papers as positives and rejected
 * papers plus the stream's other papers as negatives. The score is the share of the stream's ordinary papers the
 * paper outranks (+ the keyword bonus).
 */
export class RelevanceModel implements FeedScorer {
  private readonly candidates: CandidateStore;
  private readonly corpus: CorpusStore;
  private index: CanonIndex | null = null;
  private model: LinearModel | null = null;
  private topics: TopicClassifier | null = null;
  private signature: string | null = null;
  private papersSeen: readonly Paper[] | null = null;
  /** Out-of-sample margins of the stream's ordinary papers, ascending (see refresh). */
  private reference = new Float64Array(0);

  /** `seeds`: abstracts of landmark papers outside the catalog, positives as the canon is (data/eval seeds). */
  /** `weakLabels`: members' votes (and other weak labels), positives weaker than a moderator's approval. */
  constructor(
    db: Db,
    private readonly seeds: readonly PaperText[] = loadSeeds(),
    private readonly weakLabels: () => readonly WeakLabel[] = () => storedWeakLabels(db),
  ) {
    this.candidates = candidateStore(db);
    this.corpus = corpusStore(db);
  }

  /** Brings the model up to date; cheap when nothing changed. */
  refresh(papers: readonly Paper[]): { retrained: boolean } {
    this.backfillStatistics();
    const keywords = this.candidates.followedTopics().filter((topic) => !(TOPICS as readonly string[]).includes(topic));
    const weak = this.weakLabels();
    const signature = [this.candidates.decisionSignature(), this.corpus.documents(), keywords.join("\n"), weakLabelSignature(weak)].join(
      "|",
    );
    if (this.index && this.papersSeen === papers && signature === this.signature) return { retrained: false };
    this.signature = signature;
    this.papersSeen = papers;
    const stats = this.statistics(papers);
    const index = new CanonIndex(papers, TOPIC_LABELS, keywords, stats);
    const decisions = [...this.seeds.map((text) => ({ text, canon: 0, approved: true })), ...this.trainingData()];
    const background = this.corpus.background(MAX_BACKGROUND);
    // votes (issue 18): papers members voted for are weak positives (undecided ones: a decision outweighs them).
    const undecided = (paperId: string) => {
      const held = this.candidates.get(paperId);
      return held?.status === "undecided" ? held : undefined;
    };
    const voted = new Set(weak.map((label) => label.paperId));
    const fixed = [
      ...canonSamples(index),
      ...decisions.map((decision) => sampleOf(index, decision.text, decision.approved)),
      ...weakSamples(index, weak, undecided),
    ];
    const negatives = background.map((paper) => (paper.rejected || voted.has(paper.arxivId) ? null : sampleOf(index, paper, false)));
    const others = negatives.filter((sample): sample is Sample => sample !== null);
    this.index = index;
    this.topics = new TopicClassifier(index);
    // Two fold models, each trained without half of the stream's papers, score that half: out-of-sample margins of
    // ordinary papers. A score is the share of them a paper outranks (0–1), so a threshold of 0.9 shows about the
    // top 10% of an ordinary day whatever the training set's size. Undecided papers the full model read as negatives
    // are rescored by the fold model that did not (as the bench measures): no paper scores against its own label.
    const fold = new Map<string, number>();
    background.forEach((paper, at) => fold.set(paper.arxivId, at % RESCORE_FOLDS));
    const foldModels = Array.from({ length: RESCORE_FOLDS }, (_, k) =>
      others.length >= MIN_REFERENCE
        ? trainLinear([...fixed, ...negatives.filter((sample, at): sample is Sample => sample !== null && at % RESCORE_FOLDS !== k)])
        : null,
    );
    const reference: number[] = [];
    negatives.forEach((sample, at) => {
      const model = foldModels[at % RESCORE_FOLDS];
      if (sample && model) reference.push(sampleMargin(model, sample));
    });
    this.reference = Float64Array.from(reference).sort();
    // New papers are scored by the fold models' average (a linear model: the average of their margins), on the same
    // scale as the reference; with too few stream papers for folds, by one model trained on everything.
    const [first, second] = foldModels;
    this.model = first && second ? averageModel(first, second) : trainLinear([...fixed, ...others]);
    const rescored = this.candidates.undecided().map((row) => {
      const k = fold.get(row.arxivId);
      const relevance = this.scoreWith(k === undefined ? this.model : (foldModels[k] ?? this.model), row);
      return { arxivId: row.arxivId, score: relevance.score, reasons: relevance.reasons };
    });
    this.corpus.rescore(rescored);
    return { retrained: true };
  }

  /** Whether moderators' decisions take part (MIN_DECISIONS_PER_CLASS of each). */
  get learnedActive(): boolean {
    const decisions = this.trainingData();
    const approvals = decisions.filter((decision) => decision.approved).length;
    return approvals >= MIN_DECISIONS_PER_CLASS && decisions.length - approvals >= MIN_DECISIONS_PER_CLASS;
  }

  /** Scores a feed's new papers, reading each text into terms once, for its score and for the stream counts. */
  scoreFeed(papers: readonly PaperText[]): ReturnType<FeedScorer["scoreFeed"]> {
    const counter = new StreamCounter();
    const buffer = new TermBuffer();
    const relevance = papers.map((paper) => {
      const scored = this.score(paper, collectPaperTerms(paper, buffer));
      counter.addCollected(buffer);
      return scored;
    });
    return { relevance, counts: counter.take() };
  }

  /** `collected`: the text's terms, when the caller has them already (see collectPaperTerms). */
  score(text: PaperText, collected?: CollectedTerms): Relevance {
    return this.scoreWith(this.model, text, collected);
  }

  private scoreWith(model: LinearModel | null, text: PaperText, collected?: CollectedTerms): Relevance {
    const index = this.requireIndex();
    index.setLinear(model?.terms ?? null);
    const canon = index.score(text, collected);
    const probability = model ? this.calibrated(marginOf(model, canon.termScore, canon.canon, canon.top3)) : canon.canon;
    const topics = this.topics ? this.topics.confident(text, canon.canon) : [];
    return {
      canonScore: canon.canon,
      bonus: canon.bonus,
      score: round(Math.min(1, probability + canon.bonus)),
      reasons: explain(canon, topics, text),
    };
  }

  /**
   * Where `margin` falls among the stream's reference margins, 0–1: interpolated between neighbours, and beyond the
   * ends approaching 0 or 1 (so scores stay ordered as the margins are, with no ties at the top). The model's
   * probability while the stream is too small for a reference.
   */
  private calibrated(margin: number): number {
    const reference = this.reference;
    const n = reference.length;
    if (n < MIN_REFERENCE) return sigmoid(margin);
    const lowest = reference[0] ?? 0;
    const highest = reference[n - 1] ?? 0;
    if (margin >= highest) return 1 - (0.5 / n) * Math.exp(highest - margin);
    if (margin <= lowest) return (0.5 / n) * Math.exp(margin - lowest);
    let low = 1;
    let high = n - 1;
    // The first reference above the margin: reference[at - 1] <= margin < reference[at].
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((reference[middle] ?? 0) <= margin) low = middle + 1;
      else high = middle;
    }
    const below = reference[low - 1] ?? lowest;
    const above = reference[low] ?? highest;
    const between = above > below ? (margin - below) / (above - below) : 0;
    return (low - 0.5 + between) / n;
  }

  evaluate(): Evaluation {
    return crossValidate(this.requireIndex(), this.trainingData(), this.corpus.background(MAX_BACKGROUND));
  }

  /** Canon papers plus the stored stream counts. */
  private statistics(papers: readonly Paper[]): CorpusStats {
    const stats = new CorpusStats();
    for (const paper of papers) stats.addDocument(canonTermCounts(paper).keys());
    for (const { term, documents } of this.corpus.terms()) stats.addTerm(termIdOf(term), documents);
    stats.documents += this.corpus.documents();
    return stats;
  }

  /** A database from before the statistics were kept: its papers are counted once. */
  private backfillStatistics(): void {
    if (this.corpus.documents() > 0 || this.corpus.heldPapers() === 0) return;
    const counter = new StreamCounter();
    for (const paper of this.corpus.allPapers()) counter.add(paper);
    const taken = counter.take();
    this.corpus.add(taken.terms, taken.papers);
  }

  private trainingData(): Decision[] {
    return this.candidates
      .decisions(MAX_TRAINING_DECISIONS_PER_CLASS)
      .map((row) => ({ text: { title: row.title, abstract: row.abstract }, canon: row.canon, approved: row.approved }));
  }

  private requireIndex(): CanonIndex {
    if (!this.index) throw new Error("RelevanceModel.refresh() must run before scoring");
    return this.index;
  }
}
