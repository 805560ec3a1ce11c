import { describe, expect, it } from "vitest";
import { closestTopics, keywordCanMatchEnglish, normalizeFollowTopic } from "../../src/follows/topic.js";

describe("normalizeFollowTopic: Japanese topic words and synonyms are the catalog's topics", () => {
  const cases: [string, string][] = [
    ["検索", "retrieval"],
    ["微調整", "fine-tuning"],
    ["画像", "vision"],
    ["効率", "efficiency"],
    ["安全", "safety"],
    ["スケーリング則", "scaling"],
    ["ｽｹｰﾘﾝｸﾞ則", "scaling"],
    ["Scaling laws", "scaling"],
    ["RLHF", "alignment"],
    ["#微調整", "fine-tuning"],
    ["量子化", "efficiency"],
    ["レッドチーミング", "safety"],
    ["視覚言語", "vision"],
    ["ツール", "agents"],
  ];
  it.each(cases)("%s → %s", (typed, topic) => {
    expect(normalizeFollowTopic(typed)).toEqual({ ok: true, value: { topic, catalogTopic: topic, display: topic } });
  });

  it("a keyword keeps the form typed beside its normalised key", () => {
    expect(normalizeFollowTopic("  ＬＬＭエージェント ")).toEqual({
      ok: true,
      value: { topic: "llmエージェント", catalogTopic: null, display: "LLMエージェント" },
    });
  });
});

describe("keywords that cannot match English arXiv text", () => {
  it("a keyword without Latin letters cannot; with Latin letters, or digits alone, it can", () => {
    expect(keywordCanMatchEnglish("検索エンジン")).toBe(false);
    expect(keywordCanMatchEnglish("推論")).toBe(false);
    expect(keywordCanMatchEnglish("трансформер")).toBe(false);
    expect(keywordCanMatchEnglish("llmエージェント")).toBe(true);
    expect(keywordCanMatchEnglish("2024")).toBe(true);
  });

  it("suggests the topics whose names are closest, best first", () => {
    expect(closestTopics("検索エンジン")[0]).toBe("retrieval");
    expect(closestTopics("安全性評価")[0]).toBe("safety");
    expect(closestTopics("画像キャプション")[0]).toBe("vision");
    expect(closestTopics("量子コンピュータ")).not.toContain("retrieval");
    expect(closestTopics("猫").length).toBe(0);
  });
});
