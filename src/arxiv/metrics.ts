/** Ranking metrics for the relevance evaluation (bench, tests and `candidates eval`). */

/** Area under the ROC curve (Mann-Whitney U, ties counted half); null without both classes. */
export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
  const ranked = scores.map((score, index) => ({ score, positive: labels[index] === true })).sort((a, b) => a.score - b.score);
  const positives = ranked.filter((entry) => entry.positive).length;
  const negatives = ranked.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  for (let start = 0; start < ranked.length;) {
    let end = start;
    while (end + 1 < ranked.length && ranked[end + 1]?.score === ranked[start]?.score) end += 1;
    const averageRank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1) if (ranked[index]?.positive) rankSum += averageRank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of positives among the `k` highest scores (ties broken against the positives: no credit for a tie). */
export function precisionAt(scores: readonly number[], labels: readonly boolean[], k: number): number {
  const order = scores
    .map((score, index) => ({ score, positive: labels[index] === true }))
    .sort((a, b) => b.score - a.score || Number(a.positive) - Number(b.positive));
  const top = order.slice(0, Math.min(k, order.length));
  return top.length === 0 ? 0 : top.filter((entry) => entry.positive).length / top.length;
}

/** A small deterministic PRNG (mulberry32), so bootstrap intervals are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 95% percentile bootstrap interval of the AUC, resampling positives and negatives separately (stratified, so
 * every resample has both classes). Null when either class is empty.
 */
export function bootstrapAucCi(scores: readonly number[], labels: readonly boolean[], rounds = 1000, seed = 17): [number, number] | null {
  const positives = scores.filter((_, index) => labels[index] === true);
  const negatives = scores.filter((_, index) => labels[index] !== true);
  if (positives.length === 0 || negatives.length === 0) return null;
  const random = seededRandom(seed);
  const draw = (from: readonly number[]) => Array.from({ length: from.length }, () => from[Math.floor(random() * from.length)] ?? 0);
  const values: number[] = [];
  for (let round = 0; round < Math.max(1, rounds); round += 1) {
    const p = draw(positives);
    const n = draw(negatives);
    values.push(auc([...p, ...n], [...p.map(() => true), ...n.map(() => false)]) ?? 0);
  }
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] ?? 0;
  return [round3(at(0.025)), round3(at(0.975))];
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
