import { describe, expect, it, onTestFinished } from "vitest";
import { MAX_TRAINING_DECISIONS_PER_CLASS } from "../../src/arxiv/learn.js";
import { RelevanceModel } from "../../src/arxiv/relevance.js";
import { candidateStore } from "../../src/db/candidates.js";
import { evaluationText } from "../../src/arxiv/evaluation-text.js";
import { seededRandom } from "../../src/arxiv/metrics.js";
import { createTestApp } from "../support/app.js";
import { loadEvaluation, shuffled } from "../support/eval.js";

const evaluation = await loadEvaluation();

const AGENT_WORDS = ["agent", "tool", "planner", "browser", "workflow", "memory", "delegation", "environment"];
const VISION_WORDS = ["image", "pixel", "segmentation", "camera", "video", "depth", "texture", "rendering"];

/** A paper about `words`, made different from its siblings by which words it leads with. */
function paperText(words: readonly string[], n: number) {
  const pick = (offset: number) => words[(n + offset) % words.length] ?? "";
  return {
    title: `A ${pick(0)} ${pick(1)} study number ${n}`,
    abstract: `We study ${pick(2)} and ${pick(3)} with ${pick(0)} methods; ${pick(4)} results improve ${pick(5)} baselines.`,
  };
}

/**
 * A fresh database holding `approvals` agent papers approved and `rejections` vision papers rejected, all the
 * approvals before the first rejection.
 */
function withDecisions(approvals: number, rejections: number) {
  const app = createTestApp();
  onTestFinished(() => app.close());
  const store = candidateStore(app.db);
  const model = new RelevanceModel(app.db);
  model.refresh(app.catalog.papers);
  const add = (arxivId: string, text: { title: string; abstract: string }, approved: boolean, minute: number) => {
    const relevance = model.score(text);
    store.insert(
      {
        arxivId,
        version: 1,
        ...text,
        authors: ["A. Author"],
        categories: ["cs.CL"],
        license: null,
        ...relevance,
        canonScore: relevance.canonScore,
      },
      new Date("2026-11-01T00:00:00Z"),
    );
    expect(store.decide(arxivId, approved, "sim", new Date(Date.UTC(2026, 10, 2, 0, minute))).outcome).toBe("decided");
    return arxivId;
  };
  for (let n = 0; n < approvals; n += 1) add(`2611.${String(10000 + n)}`, paperText(AGENT_WORDS, n), true, n);
  for (let n = 0; n < rejections; n += 1) add(`2611.${String(20000 + n)}`, paperText(VISION_WORDS, n), false, approvals + n);
  model.refresh(app.catalog.papers);
  return Object.assign(model, { store });
}

/** Real papers decided: landmark abstracts approved, the real day's papers rejected (labels optionally shuffled). */
function withRealDecisions(approvals: number, rejections: number, shuffle: (() => number) | null = null) {
  const texts = [...evaluation.landmarks.slice(0, approvals), ...evaluation.day.slice(0, rejections)];
  const labels = texts.map((_, at) => at < approvals);
  const decided = shuffle ? shuffled(labels, shuffle) : labels;
  const app = createTestApp();
  onTestFinished(() => app.close());
  const store = candidateStore(app.db);
  const model = new RelevanceModel(app.db, []);
  model.refresh(app.catalog.papers);
  texts.forEach((text, at) => {
    const arxivId = `2611.${String(10000 + at)}`;
    store.insert(
      {
        arxivId,
        version: 1,
        title: text.title,
        abstract: text.abstract,
        authors: ["A. Author"],
        categories: ["cs.CL"],
        license: null,
        ...model.score(text),
      },
      new Date("2026-11-01T00:00:00Z"),
    );
    expect(store.decide(arxivId, decided[at] === true, "mod", new Date(Date.UTC(2026, 10, 2, 0, at))).outcome).toBe("decided");
  });
  model.refresh(app.catalog.papers);
  return model;
}

describe("candidates eval: the learned model against canon similarity, with intervals, on real papers", () => {
  it("with real decisions (20 landmarks approved, 20 of the day's papers rejected) gives a high AUC and its interval", () => {
    const result = withRealDecisions(20, 20).evaluate();
    expect(result).toMatchObject({ decisions: 40, approvals: 20, rejections: 20 });
    expect(result.auc).toBeGreaterThanOrEqual(0.85);
    expect(result.auc_ci95?.[0]).toBeLessThanOrEqual(result.auc ?? 0);
    expect(result.auc_ci95?.[1]).toBeGreaterThanOrEqual(result.auc ?? 1);
    expect(result.difference_ci95).not.toBeNull();
    expect(result.verdict).not.toBe("too-few-decisions");
  });

  it("with the same decisions shuffled, the learned model never beats the baseline", () => {
    const random = seededRandom(11);
    for (let round = 0; round < 3; round += 1) {
      const result = withRealDecisions(20, 20, random).evaluate();
      expect(result.verdict).not.toBe("learned-better");
      expect(result.auc ?? 0).toBeLessThan(0.8);
    }
  });

  it.each([
    [9, 10],
    [10, 9],
  ])("says the decisions are too few to tell with %i approvals and %i rejections", (approvals, rejections) => {
    const result = withRealDecisions(approvals, rejections).evaluate();
    expect(result).toMatchObject({ decisions: approvals + rejections, auc: null, verdict: "too-few-decisions" });
    expect(result.baseline_auc).not.toBeNull();
    expect(evaluationText(result)).toContain("too few decisions to tell");
  });
});

describe("training takes the newest decisions of each class, not the newest decisions overall", () => {
  it("20 approvals, then more rejections than the bound: eval and the live scorer still see all 20 approvals", () => {
    const rejections = MAX_TRAINING_DECISIONS_PER_CLASS + 20;
    const model = withDecisions(20, rejections);
    expect(model.learnedActive).toBe(true);
    const result = model.evaluate();
    expect(result.decisions).toBe(20 + MAX_TRAINING_DECISIONS_PER_CLASS);
    expect(result.approvals).toBe(20);
    expect(result.auc).not.toBeNull();
  });

  it("the store gives the newest N approvals and the newest N rejections, oldest first", () => {
    const { store } = withDecisions(5, 7);
    const decisions = store.decisions(3);
    expect(decisions.map((decision) => [decision.approved, decision.title])).toEqual([
      [true, paperText(AGENT_WORDS, 2).title],
      [true, paperText(AGENT_WORDS, 3).title],
      [true, paperText(AGENT_WORDS, 4).title],
      [false, paperText(VISION_WORDS, 4).title],
      [false, paperText(VISION_WORDS, 5).title],
      [false, paperText(VISION_WORDS, 6).title],
    ]);
  });
});
