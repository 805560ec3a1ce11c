import { auc, bootstrapAucCi, round3, seededRandom } from "./metrics.js";
import { canonSamples, sampleMargin, sampleOf, trainLinear } from "./model.js";
import { round, type CanonIndex, type PaperText } from "./score.js";

export { auc };

/** Approvals and rejections each needed before `candidates eval` gives a figure (fewer are too few to tell). */
export const MIN_DECISIONS_PER_CLASS = 10;
/**
 * The newest approvals and, separately, the newest rejections used for training (at most twice this in all): older
 * taste fades out, training (synchronous, in the poll) stays bounded, and a long run of one kind of decision
 * never pushes the other kind out.
 */
export const MAX_TRAINING_DECISIONS_PER_CLASS = 500;

export interface Decision {
  text: PaperText;
  canon: number;
  approved: boolean;
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

export interface Evaluation {
  decisions: number;
  approvals: number;
  rejections: number;
  /** Cross-validated AUC of the learned model on the decisions (null: too few to tell). */
  auc: number | null;
  auc_ci95: [number, number] | null;
  /** The baseline: cosine similarity with the closest canon paper (arxiv-sanity's method). */
  baseline_auc: number | null;
  baseline_auc_ci95: [number, number] | null;
  /** Paired bootstrap interval of learned minus baseline AUC. */
  difference_ci95: [number, number] | null;
  verdict: "too-few-decisions" | "learned-better" | "baseline-better" | "no-clear-difference";
}

const BOOTSTRAP_ROUNDS = 1000;

/**
 * k-fold cross-validation (stratified, deterministic): each decision is scored by a model trained without it (the
 * canon, the other folds' decisions and the stream background, as the live model), against canon similarity alone.
 * Below MIN_DECISIONS_PER_CLASS approvals or rejections it says so instead of giving a figure.
 */
export function crossValidate(
  index: CanonIndex,
  decisions: readonly Decision[],
  background: readonly { title: string; abstract: string; rejected: boolean }[],
  folds = 5,
): Evaluation {
  const labels = decisions.map((decision) => decision.approved);
  const approvals = labels.filter(Boolean).length;
  const rejections = decisions.length - approvals;
  const samples = decisions.map((decision) => sampleOf(index, decision.text, decision.approved));
  const baselineScores = samples.map((sample) => sample.best);
  const baseline = auc(baselineScores, labels);
  const baselineCi = bootstrapAucCi(baselineScores, labels, BOOTSTRAP_ROUNDS);
  const enough = approvals >= MIN_DECISIONS_PER_CLASS && rejections >= MIN_DECISIONS_PER_CLASS;
  const common = {
    decisions: decisions.length,
    approvals,
    rejections,
    baseline_auc: baseline === null ? null : round(baseline),
    baseline_auc_ci95: baselineCi,
  };
  if (!enough) return { ...common, auc: null, auc_ci95: null, difference_ci95: null, verdict: "too-few-decisions" };
  const fold = new Array<number>(decisions.length);
  let positive = 0;
  let negative = 0;
  labels.forEach((approved, at) => (fold[at] = approved ? positive++ % folds : negative++ % folds));
  const canon = canonSamples(index);
  const others = background.filter((paper) => !paper.rejected).map((paper) => sampleOf(index, paper, false));
  const scores = baselineScores.map(() => 0);
  for (let k = 0; k < folds; k += 1) {
    const model = trainLinear([...canon, ...samples.filter((_, at) => fold[at] !== k), ...others]);
    samples.forEach((sample, at) => {
      if (fold[at] === k) scores[at] = model ? sampleMargin(model, sample) : sample.best;
    });
  }
  const learned = auc(scores, labels);
  const difference = pairedDifferenceCi(scores, baselineScores, labels);
  const verdict =
    difference === null
      ? "no-clear-difference"
      : difference[0] > 0
        ? "learned-better"
        : difference[1] < 0
          ? "baseline-better"
          : "no-clear-difference";
  return {
    ...common,
    auc: learned === null ? null : round(learned),
    auc_ci95: bootstrapAucCi(scores, labels, BOOTSTRAP_ROUNDS),
    difference_ci95: difference,
    verdict,
  };
}

/** 95% bootstrap interval of AUC(a) - AUC(b) on the same resampled decisions. */
function pairedDifferenceCi(a: readonly number[], b: readonly number[], labels: readonly boolean[]): [number, number] | null {
  const positives = labels.flatMap((label, at) => (label ? [at] : []));
  const negatives = labels.flatMap((label, at) => (label ? [] : [at]));
  if (positives.length === 0 || negatives.length === 0) return null;
  const random = seededRandom(29);
  const differences: number[] = [];
  for (let round = 0; round < BOOTSTRAP_ROUNDS; round += 1) {
    const picked = [...positives, ...negatives].map((_, at) => {
      const from = at < positives.length ? positives : negatives;
      return from[Math.floor(random() * from.length)] ?? 0;
    });
    const picks = picked.map((at) => labels[at] === true);
    differences.push(
      (auc(
        picked.map((at) => a[at] ?? 0),
        picks,
      ) ?? 0) -
        (auc(
          picked.map((at) => b[at] ?? 0),
          picks,
        ) ?? 0),
    );
  }
  differences.sort((x, y) => x - y);
  const at = (q: number) => differences[Math.min(differences.length - 1, Math.floor(q * differences.length))] ?? 0;
  return [round3(at(0.025)), round3(at(0.975))];
}
