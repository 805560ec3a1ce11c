import { describe, expect, it, onTestFinished } from "vitest";
import { CanonIndex } from "../../src/arxiv/score.js";
import { TOPICS, type Topic } from "../../src/catalog/schema.js";
import { t } from "../../src/i18n/index.js";
import { matchingTopics } from "../../src/moderation/alerts.js";
import { createTestApp } from "../support/app.js";
import { samplePaper } from "../support/papers.js";

const TOPIC_LABELS = Object.fromEntries(TOPICS.map((topic) => [topic, t("en", `topic.${topic}`)])) as Record<Topic, string>;

function indexFollowing(keywords: string[]): CanonIndex {
  const app = createTestApp();
  onTestFinished(() => app.close());
  return new CanonIndex(app.catalog.papers, TOPIC_LABELS, keywords);
}

const keywordsOf = (index: CanonIndex, title: string, abstract: string) => {
  const { reasons, bonus } = index.score({ title, abstract });
  return { keywords: reasons.topics.filter((topic) => !(TOPICS as readonly string[]).includes(topic)), bonus };
};

describe("followed keywords of several words count only as phrases", () => {
  it("does not credit 'multi-agent' or 'sign language' to papers with the words apart (QA 7)", () => {
    const index = indexFollowing(["multi-agent", "sign language"]);
    expect(
      keywordsOf(index, "VICBench: A Multi-Language Benchmark for Vision Models", "Each agent answers in one of twelve languages."),
    ).toEqual({ keywords: [], bonus: 0 });
    expect(
      keywordsOf(index, "Gloss-Free Sign Spotting with Pose Tokens", "We spot signs in continuous video without a language model."),
    ).toEqual({ keywords: [], bonus: 0 });
  });

  it("credits them as phrases, in the title or the abstract, whatever the case or hyphenation", () => {
    const index = indexFollowing(["multi-agent", "sign language"]);
    expect(keywordsOf(index, "Multi-Agent Debate Improves Factuality", "Several models argue.").keywords).toEqual(["multi-agent"]);
    expect(keywordsOf(index, "A Study of Cooperation", "We build a multi agent system for Sign-Language translation.")).toEqual({
      keywords: ["multi-agent", "sign language"],
      bonus: 0.06,
    });
  });

  it("does not join the title's last word with the abstract's first", () => {
    const index = indexFollowing(["multi-agent"]);
    expect(keywordsOf(index, "Scaling laws, revisited for multi", "Agent rollouts are cheap.").keywords).toEqual([]);
  });

  it("leaves single-word keywords as they were: anywhere, any form", () => {
    const index = indexFollowing(["robots"]);
    expect(keywordsOf(index, "Planning with Tools", "A household robot plans; multi-step language tasks follow.").keywords).toEqual([
      "robots",
    ]);
  });

  it("agrees with topic alerts on which phrases a text holds", () => {
    const keywords = ["multi-agent", "sign language"];
    const index = indexFollowing(keywords);
    const texts = [
      ["VICBench: A Multi-Language Benchmark for Vision Models", "Each agent answers in one of twelve languages."],
      ["Gloss-Free Sign Spotting with Pose Tokens", "We spot signs in continuous video without a language model."],
      ["Multi-Agent Debate Improves Factuality", "Several models argue."],
      ["A Study of Cooperation", "We build a multi agent system for Sign-Language translation."],
    ] as const;
    for (const [title, abstract] of texts) {
      const alerted = matchingTopics(
        samplePaper({ title, titleJa: "", aliases: [], keyResults: { en: [], ja: [] }, summary: { en: abstract, ja: "" } }),
        keywords,
      );
      expect(keywordsOf(index, title, abstract).keywords, title).toEqual(alerted);
    }
  });
});
