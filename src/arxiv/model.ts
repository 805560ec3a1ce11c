import type { CanonIndex, PaperText, SparseVector } from "./score.js";
import { termCount } from "./terms.js";

/**
 * The relevance model: logistic regression over a paper's unit tf-idf vector (idf over canon + stream) plus two
 * similarity features (cosine with the closest canon paper, mean cosine with the three closest). Positives are the
 * canon and approved papers; negatives are rejected papers and the stream's ignored papers. Classes weigh equally.
 * Full-batch gradient descent: deterministic, and small enough to retrain at each poll.
 */
export interface LinearModel {
  /** Weight by term id (ids past the end weigh 0). */
  terms: Float64Array;
  best: number;
  top3: number;
  bias: number;
}

export interface Sample {
  vector: SparseVector;
  best: number;
  top3: number;
  positive: boolean;
  /** How much the sample counts (default 1, a moderator's decision); weak labels (members' votes) count less. */
  weight?: number;
}

export const TRAINING: { iterations: number; learningRate: number; l2: number; simScale: number } = {
  iterations: 200,
  learningRate: 4,
  l2: 3e-4,
  simScale: 1,
};

/** Similarity features of a unit vector; `skip` leaves one canon paper out (a canon paper's own row). */
export function similarityFeatures(index: CanonIndex, vector: SparseVector, skip = -1): { best: number; top3: number } {
  const similarities = index.similarities(vector);
  if (skip >= 0) similarities[skip] = 0;
  const sorted = Array.from(similarities).sort((a, b) => b - a);
  return { best: sorted[0] ?? 0, top3: ((sorted[0] ?? 0) + (sorted[1] ?? 0) + (sorted[2] ?? 0)) / 3 };
}

export function sampleOf(index: CanonIndex, text: PaperText, positive: boolean): Sample {
  const vector = index.vector(text);
  return { vector, ...similarityFeatures(index, vector), positive };
}

/** The canon papers as positive samples, each with its similarities to the other canon papers. */
export function canonSamples(index: CanonIndex): Sample[] {
  return index.canonVectors.map((vector, paper) => ({ vector, ...similarityFeatures(index, vector, paper), positive: true }));
}

export function trainLinear(samples: readonly Sample[], options: { iterations?: number; l2?: number } = {}): LinearModel | null {
  const positives = samples.filter((sample) => sample.positive).length;
  const negatives = samples.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const iterations = options.iterations ?? TRAINING.iterations;
  const l2 = options.l2 ?? TRAINING.l2;
  const size = termCount() + 1;
  // Flat arrays (CSR) instead of Maps: the loop below runs iterations × nonzeros times.
  const starts = new Int32Array(samples.length + 1);
  let nonzeros = 0;
  samples.forEach((sample, at) => {
    starts[at] = nonzeros;
    nonzeros += sample.vector.size;
  });
  starts[samples.length] = nonzeros;
  const ids = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let fill = 0;
  for (const sample of samples) {
    for (const [term, value] of sample.vector) {
      ids[fill] = term;
      values[fill] = value;
      fill += 1;
    }
  }
  const used = [...new Set(ids)];
  const terms = new Float64Array(size);
  const gradient = new Float64Array(size);
  const scale = TRAINING.simScale;
  let best = 0;
  let top3 = 0;
  let bias = 0;
  const sampleWeight = samples.map((sample) => ((sample.weight ?? 1) * samples.length) / (2 * (sample.positive ? positives : negatives)));
  const step = TRAINING.learningRate / samples.length;
  const decay = 1 - TRAINING.learningRate * l2;
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    for (const term of used) gradient[term] = 0;
    let bestGradient = 0;
    let top3Gradient = 0;
    let biasGradient = 0;
    for (let at = 0; at < samples.length; at += 1) {
      const sample = samples[at];
      if (!sample) continue;
      const first = starts[at] ?? 0;
      const last = starts[at + 1] ?? 0;
      let margin = bias + scale * (best * sample.best + top3 * sample.top3);
      for (let k = first; k < last; k += 1) margin += (terms[ids[k] ?? 0] ?? 0) * (values[k] ?? 0);
      const error = (sigmoid(margin) - (sample.positive ? 1 : 0)) * (sampleWeight[at] ?? 1);
      for (let k = first; k < last; k += 1) {
        const term = ids[k] ?? 0;
        gradient[term] = (gradient[term] ?? 0) + error * (values[k] ?? 0);
      }
      bestGradient += error * scale * sample.best;
      top3Gradient += error * scale * sample.top3;
      biasGradient += error;
    }
    for (const term of used) terms[term] = (terms[term] ?? 0) * decay - step * (gradient[term] ?? 0);
    best -= step * bestGradient;
    top3 -= step * top3Gradient;
    bias -= step * biasGradient;
  }
  return { terms, best: best * scale, top3: top3 * scale, bias };
}

/** The model's margin from what CanonIndex.score gives (its termScore uses the same weights). */
export function marginOf(model: LinearModel, termScore: number, best: number, top3: number): number {
  return termScore + model.best * best + model.top3 * top3 + model.bias;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The margin of a sample (its vector and similarity features), for papers scored outside CanonIndex.score. */
export function sampleMargin(model: LinearModel, sample: Sample): number {
  let termScore = 0;
  for (const [term, value] of sample.vector) termScore += (model.terms[term] ?? 0) * value;
  return marginOf(model, termScore, sample.best, sample.top3);
}

/** The model whose margin is the mean of two models' margins. */
export function averageModel(a: LinearModel, b: LinearModel): LinearModel {
  const size = Math.max(a.terms.length, b.terms.length);
  const terms = new Float64Array(size);
  for (let term = 0; term < size; term += 1) terms[term] = ((a.terms[term] ?? 0) + (b.terms[term] ?? 0)) / 2;
  return { terms, best: (a.best + b.best) / 2, top3: (a.top3 + b.top3) / 2, bias: (a.bias + b.bias) / 2 };
}
