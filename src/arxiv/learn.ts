import { round, type CanonIndex, type PaperText, type SparseVector } from "./score.js";

/** Approvals and rejections each needed before the learned scorer takes part. */
export const MIN_DECISIONS_PER_CLASS = 10;
/** How far the learned part can move a score (±), against canon similarities of roughly 0.03–0.2. */
export const LEARNED_WEIGHT = 0.1;
/**
 * The newest approvals and, separately, the newest rejections used for training (at most twice this in all): older
 * taste fades out, training (synchronous, in the poll) stays bounded, and a long run of one kind of decision
 * never pushes the other kind out.
 */
export const MAX_TRAINING_DECISIONS_PER_CLASS = 500;

const ITERATIONS = 300;
const LEARNING_RATE = 2;
const L2 = 1e-3;

export interface Decision {
  text: PaperText;
  canon: number;
  approved: boolean;
}

/**
 * Logistic regression over the same tf-idf vectors the canon similarity uses, trained on the community's
 * decisions with classes weighted equally (full-batch gradient descent: small data, deterministic).
 */
export class LearnedScorer {
  private constructor(
    private readonly index: CanonIndex,
    private readonly weights: Map<number, number>,
    private readonly bias: number,
  ) {}

  /**
   * Null below `minPerClass` approvals or rejections. The live scorer keeps the default; cross-validation trains its
   * fold models on four fifths of the decisions, so it asks only for one of each (see `crossValidate`).
   */
  static train(index: CanonIndex, decisions: readonly Decision[], minPerClass = MIN_DECISIONS_PER_CLASS): LearnedScorer | null {
    const recent = newestPerClass(decisions, MAX_TRAINING_DECISIONS_PER_CLASS);
    const approvals = recent.filter((decision) => decision.approved).length;
    const rejections = recent.length - approvals;
    if (approvals < Math.max(1, minPerClass) || rejections < Math.max(1, minPerClass)) return null;
    const samples = recent.map((decision) => ({
      vector: index.vector(decision.text),
      label: decision.approved ? 1 : 0,
      weight: recent.length / (2 * (decision.approved ? approvals : rejections)),
    }));
    const weights = new Map<number, number>();
    let bias = 0;
    for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
      const gradient = new Map<number, number>();
      let biasGradient = 0;
      for (const sample of samples) {
        const error = (sigmoid(dot(weights, sample.vector) + bias) - sample.label) * sample.weight;
        biasGradient += error;
        for (const [term, value] of sample.vector) gradient.set(term, (gradient.get(term) ?? 0) + error * value);
      }
      const step = LEARNING_RATE / samples.length;
      for (const [term, value] of gradient) weights.set(term, (weights.get(term) ?? 0) - step * value);
      for (const [term, value] of weights) weights.set(term, value * (1 - LEARNING_RATE * L2));
      bias -= step * biasGradient;
    }
    return new LearnedScorer(index, weights, bias);
  }

  /** Probability that moderators would approve this paper. */
  probability(text: PaperText): number {
    return sigmoid(dot(this.weights, this.index.vector(text)) + this.bias);
  }

  adjustment(text: PaperText): number {
    return LEARNED_WEIGHT * (2 * this.probability(text) - 1);
  }
}

/** The newest `perClass` decisions of each class (`decisions` is oldest first), in their order. */
export function newestPerClass<T extends { approved: boolean }>(decisions: readonly T[], perClass: number): T[] {
  let approvals = 0;
  let rejections = 0;
  const kept: T[] = [];
  for (let index = decisions.length - 1; index >= 0; index -= 1) {
    const decision = decisions[index];
    if (!decision) continue;
    if (decision.approved ? approvals++ < perClass : rejections++ < perClass) kept.push(decision);
  }
  return kept.reverse();
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function dot(weights: Map<number, number>, vector: SparseVector): number {
  let sum = 0;
  for (const [term, value] of vector) sum += (weights.get(term) ?? 0) * value;
  return sum;
}

/** Area under the ROC curve (Mann-Whitney U, ties counted half). */
export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
  const ranked = scores.map((score, index) => ({ score, positive: labels[index] === true })).sort((a, b) => a.score - b.score);
  const positives = ranked.filter((entry) => entry.positive).length;
  const negatives = ranked.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  for (let start = 0; start < ranked.length; ) {
    let end = start;
    while (end + 1 < ranked.length && ranked[end + 1]?.score === ranked[start]?.score) end += 1;
    const averageRank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1) if (ranked[index]?.positive) rankSum += averageRank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface Evaluation {
  decisions: number;
  auc: number | null;
  baseline_auc: number | null;
}

/**
 * k-fold cross-validation (stratified, deterministic): each decision is scored by a model trained without
 * it, as canon similarity plus the learned adjustment; the baseline is canon similarity alone.
 * The learned AUC is given from the point the live scorer takes part (MIN_DECISIONS_PER_CLASS of each): a fold
 * model then sees fewer than that (8 and 8 at 10 and 10), so folds train with any decisions of both classes.
 */
export function crossValidate(index: CanonIndex, decisions: readonly Decision[], folds = 5): Evaluation {
  const labels = decisions.map((decision) => decision.approved);
  const baseline = auc(decisions.map((decision) => decision.canon), labels);
  const approvals = labels.filter(Boolean).length;
  const enough = approvals >= MIN_DECISIONS_PER_CLASS && decisions.length - approvals >= MIN_DECISIONS_PER_CLASS;
  const fold = new Array<number>(decisions.length);
  let positive = 0;
  let negative = 0;
  decisions.forEach((decision, index) => (fold[index] = decision.approved ? positive++ % folds : negative++ % folds));
  const scores = decisions.map((decision) => decision.canon);
  let trained = 0;
  for (let k = 0; k < folds; k += 1) {
    const model = enough ? LearnedScorer.train(index, decisions.filter((_, index) => fold[index] !== k), 1) : null;
    if (!model) continue;
    trained += 1;
    decisions.forEach((decision, index) => {
      if (fold[index] === k) scores[index] = decision.canon + model.adjustment(decision.text);
    });
  }
  const learned = trained === folds ? auc(scores, labels) : null;
  return { decisions: decisions.length, auc: learned === null ? null : round(learned), baseline_auc: baseline === null ? null : round(baseline) };
}
