/** Reasons name the terms that carried a score, as a phrase only where the paper writes them side by side. */
import { describe, expect, it } from "vitest";
import { explain, reasonsAsWritten } from "../../src/arxiv/reasons.js";
import type { CanonScore } from "../../src/arxiv/score.js";
import { termIdsOf } from "../../src/arxiv/terms.js";

function scored(text: string, words: readonly string[]): CanonScore {
  const ids = termIdsOf(text);
  const wanted = words.map((word) => termIdsOf(word)[0] ?? -1);
  const kept = ids.filter((id) => wanted.includes(id));
  // Kept terms side by side in the term sequence (small words already dropped), first term first.
  const pairs: [number, number][] = [];
  for (let at = 0; at + 1 < ids.length; at += 1) {
    const [first = -1, second = -1] = [ids[at], ids[at + 1]];
    if (first !== second && kept.includes(first) && kept.includes(second)) pairs.push([first, second]);
  }
  return {
    canon: 0.2,
    top3: 0.2,
    termScore: 1,
    topTerms: wanted.map((term, index) => ({ term, value: 1 - index * 0.1 })),
    topPairs: pairs,
    bonus: 0,
    reasons: { papers: [], topics: [] },
  };
}

describe("explain", () => {
  it("names two carried terms as one phrase when the paper writes them so", () => {
    const paper = { title: "Compressing the KV cache", abstract: "We compress the KV cache of long-context models." };
    // How a term is written comes from the first text that used it (any test's), so case is not compared.
    expect(
      explain(scored(`${paper.title} ${paper.abstract}`, ["kv", "cache"]), [], paper).terms?.map((term) => term.toLowerCase()),
    ).toEqual(["kv cache"]);
  });

  it("names them apart when only dropped small words stood between them", () => {
    const paper = {
      title: "Lifecycle-optimal tokenization",
      abstract: "Vocabulary size changes the parameters per token at serving time.",
    };
    const reasons = explain(scored(`${paper.title} ${paper.abstract}`, ["parameters", "token"]), [], paper);
    expect(reasons.terms).not.toContain("parameters token");
    // Two terms, each alone (their written forms come from whichever text used them first).
    expect(reasons.terms).toHaveLength(2);
    expect(reasons.terms?.some((term) => term.includes(" "))).toBe(false);
  });

  it("reads a hyphen or a line break in the paper as the space between the words", () => {
    const paper = { title: "Speculative\ndecoding at scale", abstract: "A study of speculative-decoding drafts." };
    const terms = explain(scored(`${paper.title} ${paper.abstract}`, ["speculative", "decoding"]), [], paper).terms;
    expect(terms?.map((term) => term.toLowerCase())).toEqual(["speculative decoding"]);
  });
});

describe("reasonsAsWritten", () => {
  const paper = {
    title: "Pre-Training Recurrent Depth into Vision-Language Models",
    abstract:
      "We study fine-tuning of vision-language models and language models with a KV cache; code at https://github.com/example/fine-tune. Our RoBERTa baseline (1) uses Transformers' attention.",
  };

  it("names each reason as the paper writes its stem, not as another text first did", () => {
    expect(reasonsAsWritten(["fine-tune", "kv cache", "transformer"], paper)).toEqual(["fine-tuning", "KV cache", "transformers"]);
  });

  it("prefers a run that holds no other term, and reads the abstract before the headline-cased title", () => {
    expect(reasonsAsWritten(["language models"], paper)).toEqual(["language models"]);
    expect(reasonsAsWritten(["pretraining"], paper)).toEqual(["pre-training"]);
    expect(reasonsAsWritten(["roberta"], paper)).toEqual(["RoBERTa"]);
  });

  it("leaves out reasons of numbers alone, ignores links, and keeps a reason the paper never writes as stored", () => {
    expect(reasonsAsWritten(["ジーピーティー1", "GitHub", "mixture of experts"], paper)).toEqual(["GitHub", "mixture of experts"]);
  });

  it("names a reason once when two stored forms are the same words in the paper", () => {
    expect(reasonsAsWritten(["fine-tune", "fine-tuning"], paper)).toEqual(["fine-tuning"]);
  });
});
