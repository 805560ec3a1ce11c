import { TOPICS, type Topic } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { candidateStore, type CandidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { t } from "../i18n/index.js";
import { crossValidate, LearnedScorer, MAX_TRAINING_DECISIONS_PER_CLASS, type Decision, type Evaluation } from "./learn.js";
import { CanonIndex, round, type PaperText, type Reasons } from "./score.js";

export interface Relevance {
  canonScore: number;
  bonus: number;
  score: number;
  reasons: Reasons;
}

const TOPIC_LABELS = Object.fromEntries(TOPICS.map((topic) => [topic, t("en", `topic.${topic}`)])) as Record<Topic, string>;

/**
 * The scorer as the poller and the CLI use it: canon similarity (rebuilt when the catalog or the followed
 * keywords change) plus the learned scorer (retrained when decisions change, which also rescores undecided papers).
 */
export class RelevanceModel {
  private readonly candidates: CandidateStore;
  private index: CanonIndex | null = null;
  private indexKey: { papers: readonly Paper[]; keywords: string } | null = null;
  private learned: LearnedScorer | null = null;
  private signature: string | null = null;

  constructor(db: Db) {
    this.candidates = candidateStore(db);
  }

  /** Brings the model up to date; cheap when nothing changed. */
  refresh(papers: readonly Paper[]): { retrained: boolean } {
    const keywords = this.candidates.followedTopics().filter((topic) => !(TOPICS as readonly string[]).includes(topic));
    const key = keywords.join("\n");
    let rebuilt = false;
    if (!this.index || this.indexKey?.papers !== papers || this.indexKey.keywords !== key) {
      this.index = new CanonIndex(papers, TOPIC_LABELS, keywords);
      this.indexKey = { papers, keywords: key };
      rebuilt = true;
    }
    const signature = this.candidates.decisionSignature();
    if (!rebuilt && signature === this.signature) return { retrained: false };
    const firstRefresh = this.signature === null;
    const before = this.learned;
    this.signature = signature;
    this.learned = LearnedScorer.train(this.index, this.trainingData());
    // Without a learned part before or after, every stored score is still canon + bonus: nothing to rewrite.
    // (The first refresh in a process rewrites anyway: the scores on disk may come from another process's model.)
    if (!firstRefresh && before === null && this.learned === null) return { retrained: false };
    const rescored = this.candidates.undecided().map((row) => ({
      arxivId: row.arxivId,
      score: this.combine(row.canon, row.bonus, row),
    }));
    this.candidates.setScores(rescored);
    return { retrained: true };
  }

  get learnedActive(): boolean {
    return this.learned !== null;
  }

  score(text: PaperText): Relevance {
    const canon = this.requireIndex().score(text);
    return { canonScore: canon.canon, bonus: canon.bonus, score: this.combine(canon.canon, canon.bonus, text), reasons: canon.reasons };
  }

  evaluate(): Evaluation {
    return crossValidate(this.requireIndex(), this.trainingData());
  }

  private combine(canon: number, bonus: number, text: PaperText): number {
    return round(canon + bonus + (this.learned ? this.learned.adjustment(text) : 0));
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
