import { afterEach, describe, expect, it } from "vitest";
import { followCommand } from "../../commands/follow.js";
import help from "../../commands/help.js";
import papersCommand from "../../commands/papers.js";
import { paperAnchor } from "../../src/bundle/common.js";
import { renderHtml } from "../../src/bundle/html.js";
import { renderReadme } from "../../src/bundle/markdown.js";
import { TOPICS, type Topic } from "../../src/catalog/schema.js";
import { compactKey } from "../../src/catalog/text.js";
import { matchTopic } from "../../src/catalog/topics.js";
import { normalizeFollowTopic } from "../../src/follows/topic.js";
import type { Paper } from "../../src/catalog/types.js";
import { validateQuery } from "../../src/catalog/query.js";
import { register, type Reply, type Requester } from "../../src/discord/command.js";
import { parseConsoleLine, renderReplyText } from "../../src/discord/console.js";
import { paperEmbed } from "../../src/catalog/card.js";
import { en } from "../../src/i18n/en.js";
import { LOCALES, renderMessage, t, type Locale } from "../../src/i18n/index.js";
import { ja } from "../../src/i18n/ja.js";
import { topicLabel, topicNames } from "../../src/i18n/topics.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { createTestApp, createTestContext, testEnv } from "../support/app.js";
import { samplePaper } from "../support/papers.js";

const GENERATED_AT = new Date("2026-11-26T00:00:00Z");

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const app of opened.splice(0)) app.close();
});

function testContext() {
  const app = createTestApp();
  opened.push(app);
  return { app, ...createTestContext(app) };
}

function requester(locale: Locale, userId: string): Requester {
  return { userId, username: "reader", locale, guildId: null, channelId: null, canManageGuild: false };
}

function replyText(reply: Reply): string {
  return renderReplyText(reply);
}

/** The HTML entities escapeHtml writes, undone independently of our code. */
function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[name] ?? "");
}

/** Every topic label the bundle prints: section headings of README.md, headings and per-paper tags of index.html. */
function bundleTopicLabels(papers: readonly Paper[]): { en: string; ja: string; where: string }[] {
  const labels: { en: string; ja: string; where: string }[] = [];
  const readme = renderReadme(papers, GENERATED_AT);
  for (const match of readme.matchAll(/^## (.+) · (.+)$/gm)) {
    const [, enLabel = "", jaLabel = ""] = match;
    if (!/[/]/.test(enLabel) && enLabel !== "Other") labels.push({ en: enLabel, ja: jaLabel, where: "README heading" });
  }
  const html = renderHtml(papers, GENERATED_AT);
  for (const match of html.matchAll(/<span class="topic">([^<]+) <span lang="ja">([^<]+)<\/span><\/span>/g)) {
    labels.push({ en: unescapeHtml(match[1] ?? ""), ja: unescapeHtml(match[2] ?? ""), where: "index.html tag" });
  }
  return labels;
}

describe("topic labels: one home", () => {
  it("every label the bundle prints is the bot's label for that topic, and /follow matching turns it into the topic", () => {
    const { app } = testContext();
    const papers = app.catalog.papers;
    const labels = bundleTopicLabels(papers);
    const seen = new Set<Topic>();
    for (const label of labels) {
      const topic = matchTopic(label.en);
      expect(topic, `${label.where}: ${label.en}`).not.toBeNull();
      expect(matchTopic(label.ja), `${label.where}: ${label.ja}`).toBe(topic);
      if (!topic) continue;
      seen.add(topic);
      expect(label.en).toBe(topicLabel("en", topic));
      expect(label.ja).toBe(topicLabel("ja", topic));
      for (const text of [label.en, label.ja]) {
        const normalized = normalizeFollowTopic(text);
        expect(normalized.ok && normalized.value).toEqual({ topic, catalogTopic: topic, display: topic });
      }
    }
    // The real catalog covers every topic, so every label was checked.
    expect([...seen].sort()).toEqual([...TOPICS].sort());
  });

  it("the bot's paper card names a paper's topics exactly as the bundle's index.html does", () => {
    const { app } = testContext();
    const html = renderHtml(app.catalog.papers, GENERATED_AT);
    for (const paper of app.catalog.papers) {
      const article = html.split("</article>").find((part) => part.includes(`<article id="${paperAnchor(paper)}">`));
      expect(article, paper.id).toBeDefined();
      const tags = [...(article ?? "").matchAll(/<span class="topic">([^<]+) <span lang="ja">([^<]+)<\/span><\/span>/g)];
      for (const locale of LOCALES) {
        const field = paperEmbed(paper, locale).fields?.find((candidate) => candidate.name === t(locale, "paper.topics"));
        expect(field?.value.split(", "), `${paper.id} ${locale}`).toEqual(
          tags.map((tag) => unescapeHtml((locale === "en" ? tag[1] : tag[2]) ?? "")),
        );
      }
    }
  });

  it("/papers offers the same labels as choices, in both languages", () => {
    const topicOption = papersCommand.definition.options[0];
    expect(topicOption.choices.map((choice) => [choice.value, choice.name, choice.name_localizations.ja])).toEqual(
      TOPICS.map((topic) => [topic, topicLabel("en", topic), topicLabel("ja", topic)]),
    );
  });

  it("/follow with a label the bundle used to print, or the bot's former label, follows the topic, not a keyword", async () => {
    const { ctx, app } = testContext();
    const follow = register(followCommand);
    const cases: [string, Topic][] = [
      ["アライメント", "alignment"],
      ["アラインメント", "alignment"],
      ["ビジョン", "vision"],
      ["画像・視覚", "vision"],
      ["混合エキスパート", "mixture-of-experts"],
      ["専門家混合 (MoE)", "mixture-of-experts"],
      ["MoE", "mixture-of-experts"],
      ["コード", "code"],
      ["Mixture of Experts", "mixture-of-experts"],
    ];
    for (const [index, [typed, topic]] of cases.entries()) {
      const userId = `10000000000000000${index}`;
      const reply = await follow.run(ctx, { topic: typed }, requester("ja", userId));
      const text = replyText(reply);
      expect(text, typed).toContain(`**${topicLabel("ja", topic)}**`);
      expect(text, typed).not.toContain("キーワード");
      expect(ctx.follows.get(userId)?.topics.map((entry) => entry.topic)).toEqual([topic]);
    }
    expect(app.catalog.size).toBeGreaterThan(0);
  });

  it("a plain word stays a free keyword", () => {
    const normalized = normalizeFollowTopic("speculative decoding");
    expect(normalized.ok && normalized.value).toEqual({
      topic: "speculative decoding",
      catalogTopic: null,
      display: "speculative decoding",
    });
  });

  it("no two topics share a name, in any language or synonym", () => {
    const owner = new Map<string, Topic>();
    for (const topic of TOPICS) {
      for (const name of topicNames(topic)) {
        const key = compactKey(name);
        expect(owner.get(key) ?? topic, `${name} names both ${owner.get(key)} and ${topic}`).toBe(topic);
        owner.set(key, topic);
      }
    }
  });

  it("the CLI's --topic takes a label or synonym as well as the id", async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (text) => void out.push(text), stderr: () => undefined, stdin: async function* () {}, env: testEnv() };
    expect(await runCli(["papers", "--topic", "アラインメント", "--json"], io)).toBe(0);
    const listed = (JSON.parse(out.join("")) as { papers: { topics: string[] }[] }).papers;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((paper) => paper.topics.includes("alignment"))).toBe(true);
  });

  it("the console accepts a topic by its label in either language", () => {
    const commands = [register(papersCommand)];
    expect(parseConsoleLine("/papers topic:Mixture of experts", commands)?.options).toEqual({ topic: "mixture-of-experts" });
    expect(parseConsoleLine("/papers topic:アライメント", commands)?.options).toEqual({ topic: "alignment" });
    expect(parseConsoleLine("/papers topic:nonsense", commands)?.options).toEqual({ topic: "nonsense" });
  });
});

describe("plurals", () => {
  it("counts papers in English and Japanese", () => {
    expect(t("en", "count.papers", { count: 1 })).toBe("1 paper");
    expect(t("en", "count.papers", { count: 2 })).toBe("2 papers");
    expect(t("en", "count.papers", { count: 0 })).toBe("0 papers");
    expect(t("ja", "count.papers", { count: 1 })).toBe("1 本");
    expect(t("ja", "count.papers", { count: 2 })).toBe("2 本");
    expect(t("en", "papers.page", { page: 1, pages: 1, count: 1 })).toBe("Page 1 of 1 · 1 paper");
    expect(t("en", "papers.page", { page: 1, pages: 3, count: 17 })).toBe("Page 1 of 3 · 17 papers");
    expect(t("ja", "papers.page", { page: 1, pages: 1, count: 1 })).toBe("1 / 1 ページ · 1 本");
  });

  it("the bundle says “1 paper” for one paper and “2 papers” for two", () => {
    const one = [samplePaper()];
    const two = [
      samplePaper(),
      samplePaper({ id: "lora", arxivId: "2106.09685", url: "https://arxiv.org/abs/2106.09685", title: "LoRA", position: 2 }),
    ];
    expect(renderReadme(one, GENERATED_AT)).toContain("1 paper · generated");
    expect(renderReadme(one, GENERATED_AT)).toContain("全 1 本");
    expect(renderReadme(two, GENERATED_AT)).toContain("2 papers · generated");
    expect(renderHtml(one, GENERATED_AT)).toContain('<p class="lead">1 paper · generated');
    expect(renderReadme(one, GENERATED_AT)).not.toMatch(/\b1 papers\b/);
    expect(renderHtml(one, GENERATED_AT)).not.toMatch(/\b1 papers\b/);
  });

  it("expected failures carry their count: a one-character limit reads in the singular", () => {
    const tooLong = validateQuery("x".repeat(201));
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) {
      expect(renderMessage("en", tooLong)).toBe("That query is too long (201 characters). Please keep it under 200.");
      expect(renderMessage("ja", tooLong)).toBe("入力が長すぎます (201 文字)。200 文字未満にしてください。");
    }
    expect(t("en", "follow.topicTooLong", { count: 1 })).toBe("Topics can be at most 1 character.");
    expect(t("en", "following.dmPaused", { count: 1, error: "50007" })).toContain("refused 1 message (");
  });

  it("/help counts the reading list with the right form", async () => {
    const { ctx } = testContext();
    const text = replyText(await register(help).run(ctx, {}, requester("en", "100000000000000001")));
    expect(text).toMatch(/curated reading list of \d+ landmark LLM papers/);
  });

  it("every English plural has a singular and a plural form; no plain English template counts a noun", () => {
    for (const [key, template] of Object.entries(en)) {
      if (typeof template === "string") {
        expect(template, key).not.toMatch(/\{(count|max|length|n)\} \p{L}+s\b/u);
      } else {
        expect(Object.keys(template).sort(), key).toEqual(["one", "other"]);
        for (const form of Object.values(template)) expect(form, key).toContain("{count}");
      }
    }
  });

  it("Japanese has every key, with the same placeholders as English", () => {
    const placeholders = (template: string | Readonly<Record<string, string>>) =>
      [
        ...new Set(
          (typeof template === "string" ? [template] : Object.values(template)).flatMap((text) =>
            [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          ),
        ),
      ].sort();
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
  });

  it("t() is typed: a missing, unknown or mistyped parameter does not compile", () => {
    // Never called: tsc (npm test runs it first) checks that each line below is an error.
    const compileChecks = () => [
      // @ts-expect-error count is missing
      t("en", "count.papers"),
      // @ts-expect-error count must be a number
      t("en", "count.papers", { count: "1" }),
      // @ts-expect-error unknown parameter
      t("en", "papers.page", { page: 1, pages: 1, count: 1, extra: 1 }),
      // @ts-expect-error this message takes no parameters
      t("en", "papers.title", { count: 1 }),
      // @ts-expect-error {max} was renamed to {count}
      t("en", "follow.topicLimit", { max: 50 }),
      t("en", "papers.title"),
    ];
    expect(typeof compileChecks).toBe("function");
  });
});
