import { MIN_DECISIONS_PER_CLASS, type Evaluation } from "./learn.js";

/** `paperbot candidates eval` as text: the learned model against the baseline, with 95% intervals and a verdict. */
export function evaluationText(result: Evaluation): string {
  const interval = (ci: [number, number] | null) => (ci === null ? "" : ` (95% CI ${ci[0].toFixed(3)}–${ci[1].toFixed(3)})`);
  const show = (value: number | null, ci: [number, number] | null) => (value === null ? "n/a" : `${value.toFixed(3)}${interval(ci)}`);
  const verdicts: Record<Evaluation["verdict"], string> = {
    "too-few-decisions": `too few decisions to tell: needs ${MIN_DECISIONS_PER_CLASS} approvals and ${MIN_DECISIONS_PER_CLASS} rejections (have ${result.approvals} and ${result.rejections})`,
    "learned-better": "the learned model ranks the decisions better than canon similarity (the interval of the difference is above 0)",
    "baseline-better": "canon similarity ranks the decisions better than the learned model (the interval of the difference is below 0)",
    "no-clear-difference": "no clear difference: the interval of the difference includes 0 (more decisions will tell)",
  };
  const difference = result.difference_ci95
    ? `\ndifference, learned − baseline: 95% CI ${result.difference_ci95[0].toFixed(3)}–${result.difference_ci95[1].toFixed(3)}`
    : "";
  return (
    `decisions: ${result.decisions} (${result.approvals} approved, ${result.rejections} rejected)\n` +
    `learned model AUC (5-fold cross-validated): ${show(result.auc, result.auc_ci95)}\n` +
    `baseline, canon similarity AUC: ${show(result.baseline_auc, result.baseline_auc_ci95)}` +
    `${difference}\n${verdicts[result.verdict]}\n`
  );
}
