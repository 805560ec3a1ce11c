import { describe, expect, it } from "vitest";
import { baselineFigures, figures } from "../../bench/relevance.js";
import { oursCrossFitted } from "../../bench/relevance-ours.js";
import { CorpusStats } from "../../src/arxiv/corpus.js";
import { auc, seededRandom } from "../../src/arxiv/metrics.js";
import { canonSamples, sampleMargin, sampleOf, trainLinear } from "../../src/arxiv/model.js";
import { CanonIndex, canonTermCounts } from "../../src/arxiv/score.js";
import { termIdsOf } from "../../src/arxiv/terms.js";
import { TOPIC_LABELS } from "../../src/arxiv/topics.js";
import { DEFAULT_CANDIDATE_MIN_SCORE } from "../../src/config.js";
import { loadEvaluation, shuffled } from "../support/eval.js";

const evaluation = await loadEvaluation();
const canon = evaluation.catalog.map((entry, position) => ({
  ...entry,
  position,
  source: "catalog" as const,
  addedAt: "2026-01-01T00:00:00.000Z",
}));

describe("the relevance model on the external set (landmarks mixed into a real arXiv day)", () => {
  it("has landmarks and an ordinary day to rank", () => {
    expect(evaluation.landmarks.length).toBeGreaterThanOrEqual(40);
    expect(evaluation.day.length).toBeGreaterThanOrEqual(80);
  });

  it("ranks landmarks above the day's papers by the target margin, ahead of arxiv-sanity's tf-idf, at a workable threshold", () => {
    const { landmarks, day, catalog } = evaluation;
    const ours = figures(oursCrossFitted(catalog, landmarks, day).scores, landmarks.length, DEFAULT_CANDIDATE_MIN_SCORE);
    const { tfidf } = baselineFigures(catalog, landmarks, day);
    expect(ours.auc).toBeGreaterThanOrEqual(0.93);
    expect(ours.p20).toBeGreaterThanOrEqual(0.95);
    expect(ours.auc ?? 0).toBeGreaterThan(tfidf.auc ?? 1);
    expect(ours.shown_landmarks / ours.landmarks).toBeGreaterThanOrEqual(0.9);
    expect(ours.shown_day_share).toBeLessThanOrEqual(0.1);
  });
});

describe("the learner, not the features alone, makes the ranking", () => {
  /** The same pipeline as the model (canon and landmark positives, the day as negatives), labels optionally shuffled. */
  function landmarkAuc(shuffle: (() => number) | null): number {
    const { landmarks, day } = evaluation;
    const stats = new CorpusStats();
    for (const paper of canon) stats.addDocument(canonTermCounts(paper).keys());
    for (const paper of [...landmarks, ...day]) stats.addDocument(termIdsOf(`${paper.title} ${paper.abstract}`));
    const index = new CanonIndex(canon, TOPIC_LABELS, [], stats);
    const landmarkSamples = landmarks.map((paper) => sampleOf(index, paper, true));
    const daySamples = day.map((paper) => sampleOf(index, paper, false));
    const scores = new Array<number>(landmarks.length + day.length).fill(0);
    // Two folds: each half of the landmarks and of the day is scored by a model trained on the other halves.
    for (let fold = 0; fold < 2; fold += 1) {
      const training = [
        ...canonSamples(index),
        ...landmarkSamples.filter((_, at) => at % 2 !== fold),
        ...daySamples.filter((_, at) => at % 2 !== fold),
      ];
      const labels = shuffle
        ? shuffled(
            training.map((sample) => sample.positive),
            shuffle,
          )
        : training.map((sample) => sample.positive);
      const model = trainLinear(training.map((sample, at) => ({ ...sample, positive: labels[at] === true })));
      if (!model) throw new Error("no model");
      landmarkSamples.forEach((sample, at) => at % 2 === fold && (scores[at] = sampleMargin(model, sample)));
      daySamples.forEach((sample, at) => at % 2 === fold && (scores[landmarks.length + at] = sampleMargin(model, sample)));
    }
    return (
      auc(
        scores,
        scores.map((_, at) => at < landmarks.length),
      ) ?? 0
    );
  }

  it("with the true labels it beats the tf-idf baseline; with shuffled labels it never does", () => {
    const { tfidf } = baselineFigures(evaluation.catalog, evaluation.landmarks, evaluation.day);
    const baseline = tfidf.auc ?? 1;
    expect(landmarkAuc(null)).toBeGreaterThan(baseline);
    const random = seededRandom(5);
    const shuffledAucs = Array.from({ length: 5 }, () => landmarkAuc(random));
    for (const value of shuffledAucs) expect(value).toBeLessThan(baseline);
    expect(shuffledAucs.reduce((sum, value) => sum + value, 0) / shuffledAucs.length).toBeLessThan(0.75);
  });
});
