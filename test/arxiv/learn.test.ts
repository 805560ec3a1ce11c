import { describe, expect, it, onTestFinished } from "vitest";
import { MAX_TRAINING_DECISIONS_PER_CLASS } from "../../src/arxiv/learn.js";
import { RelevanceModel } from "../../src/arxiv/relevance.js";
import { candidateStore } from "../../src/db/candidates.js";
import { createTestApp } from "../support/app.js";

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
    store.insert({ arxivId, version: 1, ...text, authors: ["A. Author"], categories: ["cs.CL"], license: null, ...relevance, canonScore: relevance.canonScore }, new Date("2026-11-01T00:00:00Z"));
    expect(store.decide(arxivId, approved, "sim", new Date(Date.UTC(2026, 10, 2, 0, minute))).outcome).toBe("decided");
    return arxivId;
  };
  for (let n = 0; n < approvals; n += 1) add(`2611.${String(10000 + n)}`, paperText(AGENT_WORDS, n), true, n);
  for (let n = 0; n < rejections; n += 1) add(`2611.${String(20000 + n)}`, paperText(VISION_WORDS, n), false, approvals + n);
  model.refresh(app.catalog.papers);
  return Object.assign(model, { store });
}

describe("candidates eval: a cross-validated AUC from 10 approvals and 10 rejections", () => {
  it.each([
    [10, 10],
    [12, 12],
  ])("gives an AUC with %i approvals and %i rejections, and the live scorer is on", (approvals, rejections) => {
    const model = withDecisions(approvals, rejections);
    expect(model.learnedActive).toBe(true);
    const evaluation = model.evaluate();
    expect(evaluation.decisions).toBe(approvals + rejections);
    expect(evaluation.auc).not.toBeNull();
    expect(evaluation.auc).toBeGreaterThan(0.9);
    expect(evaluation.baseline_auc).not.toBeNull();
  });

  it.each([
    [9, 10],
    [10, 9],
  ])("gives none with %i approvals and %i rejections, when the live scorer is off too", (approvals, rejections) => {
    const model = withDecisions(approvals, rejections);
    expect(model.learnedActive).toBe(false);
    const evaluation = model.evaluate();
    expect(evaluation).toMatchObject({ decisions: approvals + rejections, auc: null });
    expect(evaluation.baseline_auc).not.toBeNull();
  });
});

describe("training takes the newest decisions of each class, not the newest decisions overall", () => {
  it("20 approvals, then more rejections than the bound: eval and the live scorer still see all 20 approvals", () => {
    const rejections = MAX_TRAINING_DECISIONS_PER_CLASS + 20;
    const model = withDecisions(20, rejections);
    expect(model.learnedActive).toBe(true);
    const evaluation = model.evaluate();
    expect(evaluation.decisions).toBe(20 + MAX_TRAINING_DECISIONS_PER_CLASS);
    expect(evaluation.auc).not.toBeNull();
    expect(evaluation.auc).toBeGreaterThan(0.9);
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
