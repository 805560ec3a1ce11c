import { TOPICS } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { candidateStore, type CandidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { corpusStore, type CorpusStore } from "../db/corpus.js";
import { CorpusStats, StreamCounter } from "./corpus.js";
import { crossValidate, MAX_TRAINING_DECISIONS_PER_CLASS, MIN_DECISIONS_PER_CLASS, type Decision, type Evaluation } from "./learn.js";
import { canonSamples, marginOf, sampleOf, sigmoid, trainLinear, type LinearModel, type Sample } from "./model.js";
import { explain } from "./reasons.js";
import { CanonIndex, canonTermCounts, round, type PaperText, type Reasons } from "./score.js";
import { termIdOf } from "./terms.js";
import { loadSeeds } from "./seeds.js";
import { TOPIC_LABELS, TopicClassifier } from "./topics.js";

export interface Relevance {
  canonScore: number;
  bonus: number;
  score: number;
  reasons: Reasons;
}

/** Stream papers (newest, not approved) the model reads as negatives: what arXiv looks like when nobody wants it. */
export const MAX_BACKGROUND = 1000;
const RESCORE_FOLDS = 2;

/**
 * The scorer as the poller and the CLI use it. At each refresh (each poll) it reads the corpus statistics (canon plus
 * every ingested paper) and retrains the relevance model when they, the catalog, the followed keywords or the
 * decisions changed: logistic regression (model.ts) with the canon and approved papers as positives and rejected
 * papers plus the stream's other papers as negatives. The score is the model's probability (+ the keyword bonus).
 */
export class RelevanceModel {
  private readonly candidates: CandidateStore;
  private readonly corpus: CorpusStore;
  private index: CanonIndex | null = null;
  private model: LinearModel | null = null;
  private topics: TopicClassifier | null = null;
  private signature: string | null = null;
  private papersSeen: readonly Paper[] | null = null;

  /** `seeds`: abstracts of landmark papers outside the catalog, positives as the canon is (data/eval seeds). */
  constructor(
    db: Db,
    private readonly seeds: readonly PaperText[] = loadSeeds(),
  ) {
    this.candidates = candidateStore(db);
    this.corpus = corpusStore(db);
  }

  /** Brings the model up to date; cheap when nothing changed. */
  refresh(papers: readonly Paper[]): { retrained: boolean } {
    this.backfillStatistics();
    const keywords = this.candidates.followedTopics().filter((topic) => !(TOPICS as readonly string[]).includes(topic));
    const signature = [this.candidates.decisionSignature(), this.corpus.documents(), keywords.join("\n")].join("|");
    if (this.index && this.papersSeen === papers && signature === this.signature) return { retrained: false };
    this.signature = signature;
    this.papersSeen = papers;
    const stats = this.statistics(papers);
    const index = new CanonIndex(papers, TOPIC_LABELS, keywords, stats);
    const decisions = [...this.seeds.map((text) => ({ text, canon: 0, approved: true })), ...this.trainingData()];
    const background = this.corpus.background(MAX_BACKGROUND);
    const fixed = [...canonSamples(index), ...decisions.map((decision) => sampleOf(index, decision.text, decision.approved))];
    const negatives = background.map((paper) => (paper.rejected ? null : sampleOf(index, paper, false)));
    const others = negatives.filter((sample): sample is Sample => sample !== null);
    this.model = trainLinear([...fixed, ...others]);
    this.index = index;
    this.topics = new TopicClassifier(index);
    // Undecided papers the model read as negatives are rescored by a model trained without them (two folds), as the
    // bench measures: a paper never scores against its own training label. The others by the full model.
    const fold = new Map<string, number>();
    background.forEach((paper, at) => fold.set(paper.arxivId, at % RESCORE_FOLDS));
    const undecided = this.candidates.undecided();
    const foldModels = new Map<number, LinearModel | null>();
    const foldModel = (k: number) => {
      if (!foldModels.has(k)) foldModels.set(k, trainLinear([...fixed, ...negatives.filter((sample, at): sample is Sample => sample !== null && at % RESCORE_FOLDS !== k)]));
      return foldModels.get(k) ?? null;
    };
    const rescored = undecided.map((row) => {
      const k = fold.get(row.arxivId);
      const relevance = this.scoreWith(k === undefined ? this.model : foldModel(k), row);
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

  score(text: PaperText): Relevance {
    return this.scoreWith(this.model, text);
  }

  private scoreWith(model: LinearModel | null, text: PaperText): Relevance {
    const index = this.requireIndex();
    index.setLinear(model?.terms ?? null);
    const canon = index.score(text);
    const probability = model ? sigmoid(marginOf(model, canon.termScore, canon.canon, canon.top3)) : canon.canon;
    const topics = this.topics ? this.topics.confident(text, canon) : [];
    return {
      canonScore: canon.canon,
      bonus: canon.bonus,
      score: round(Math.min(1, probability + canon.bonus)),
      reasons: explain(canon, topics),
    };
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
