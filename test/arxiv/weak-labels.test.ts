import { describe, expect, it } from "vitest";
import { CorpusStats } from "../../src/arxiv/corpus.js";
import { seededRandom } from "../../src/arxiv/metrics.js";
import { canonSamples, sampleMargin, sampleOf, trainLinear } from "../../src/arxiv/model.js";
import { CanonIndex, canonTermCounts, type PaperText } from "../../src/arxiv/score.js";
import { termIdsOf } from "../../src/arxiv/terms.js";
import { TOPIC_LABELS } from "../../src/arxiv/topics.js";
import { MAX_WEAK_WEIGHT, mergeWeakLabels, votesAsWeakLabels, weakSamples, type WeakLabel } from "../../src/arxiv/weak-labels.js";
import { loadEvaluation, shuffled } from "../support/eval.js";

const evaluation = await loadEvaluation();
const canon = evaluation.catalog.map((entry, position) => ({
  ...entry,
  position,
  source: "catalog" as const,
  addedAt: "2026-01-01T00:00:00.000Z",
}));
/** A theme members of a multilingual community would vote for, found in the real cs.CL day. */
const THEME = /\b(multilingual|translation|low-resource|cross-lingual)/i;
const idOf = (at: number) => `day-${at}`;

/**
 * Mean percentile (0–1) of the held-out theme papers among all held-out papers of the day, as scored by the model
 * trained on the canon, the day's other papers as negatives (as the stream is) and members' votes as weak labels.
 */
function heldOutThemeRank(votedIds: readonly string[]): number {
  const { day } = evaluation;
  const stats = new CorpusStats();
  for (const paper of canon) stats.addDocument(canonTermCounts(paper).keys());
  for (const paper of day) stats.addDocument(termIdsOf(`${paper.title} ${paper.abstract}`));
  const index = new CanonIndex(canon, TOPIC_LABELS, [], stats);
  const theme = day.flatMap((paper, at) => (THEME.test(`${paper.title} ${paper.abstract}`) ? [at] : []));
  // Even-numbered theme papers may be voted for; the odd ones, and every odd paper of the day, are held out.
  const heldOut = day.map((_, at) => at).filter((at) => at % 2 === 1);
  const voted = new Set(votedIds);
  const labels: WeakLabel[] = votesAsWeakLabels(votedIds.map((paperKey) => ({ paperKey, votes: 3 })));
  const textOf = (paperId: string): PaperText | undefined => day[Number(paperId.slice(4))];
  const training = [
    ...canonSamples(index),
    ...weakSamples(index, labels, textOf),
    ...day.flatMap((paper, at) => (at % 2 === 0 && !voted.has(idOf(at)) ? [sampleOf(index, paper, false)] : [])),
  ];
  const model = trainLinear(training);
  if (!model) throw new Error("no model");
  const scores = new Map(heldOut.map((at) => [at, sampleMargin(model, sampleOf(index, day[at] ?? { title: "", abstract: "" }, false))]));
  const sorted = [...scores.values()].sort((a, b) => a - b);
  const heldTheme = theme.filter((at) => at % 2 === 1);
  const percentile = (at: number) => sorted.indexOf(scores.get(at) ?? 0) / (sorted.length - 1);
  return heldTheme.reduce((sum, at) => sum + percentile(at), 0) / heldTheme.length;
}

describe("members' votes as weak labels of the relevance model", () => {
  const themeVotes = evaluation.day.flatMap((paper, at) =>
    at % 2 === 0 && THEME.test(`${paper.title} ${paper.abstract}`) ? [idOf(at)] : [],
  );

  it("papers like the ones members vote for rise; the same number of shuffled votes does not do that", () => {
    expect(themeVotes.length).toBeGreaterThanOrEqual(5);
    const without = heldOutThemeRank([]);
    const withVotes = heldOutThemeRank(themeVotes);
    expect(withVotes - without).toBeGreaterThan(0.1);
    // Shuffled: as many votes, on papers drawn at random from the ones that could be voted for.
    const random = seededRandom(11);
    const votable = evaluation.day.map((_, at) => at).filter((at) => at % 2 === 0);
    const rises = Array.from({ length: 8 }, () => {
      const picked = shuffled(votable, random).slice(0, themeVotes.length).map(idOf);
      return heldOutThemeRank(picked) - without;
    });
    for (const rise of rises) expect(rise).toBeLessThan(withVotes - without);
    expect(rises.reduce((sum, rise) => sum + rise, 0) / rises.length).toBeLessThan((withVotes - without) / 3);
  });

  it("a vote is weaker than a moderator's decision, and labels of one paper add up to a cap", () => {
    const [one] = votesAsWeakLabels([{ paperKey: "2401.00001", votes: 1 }]);
    expect(one?.weight).toBeGreaterThan(0);
    expect(one?.weight).toBeLessThan(1);
    expect(votesAsWeakLabels([{ paperKey: "2401.00001", votes: 1000 }])[0]?.weight).toBe(MAX_WEAK_WEIGHT);
    expect(
      mergeWeakLabels([
        [{ paperId: "a", weight: 0.4 }],
        [
          { paperId: "a", weight: 0.4 },
          { paperId: "b", weight: 0.1 },
        ],
      ]),
    ).toEqual([
      { paperId: "a", weight: MAX_WEAK_WEIGHT },
      { paperId: "b", weight: 0.1 },
    ]);
  });
});
