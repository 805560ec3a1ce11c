import { describe, expect, it } from "vitest";
import { ApplicationCommandOptionType } from "discord.js";
import { paperShortName, truncate } from "../../src/catalog/format.js";
import { validateQuery } from "../../src/catalog/query.js";
import { normalizeFollowTopic } from "../../src/follows/topic.js";
import { defineCommand, parseOptions } from "../../src/discord/command.js";
import { renderReplyText, parseConsoleLine } from "../../src/discord/console.js";
import { EMBED_LIMITS, embedLength, fitEmbed } from "../../src/shared/embeds.js";
import { paperEmbed } from "../../src/catalog/card.js";
import { formatList } from "../../src/i18n/index.js";
import { commands } from "../../commands/index.js";
import { loadCatalogFile } from "../../src/catalog/load.js";
import { catalogPath, createTestApp } from "../support/app.js";
import { samplePaper } from "../support/papers.js";
import { catalogSize } from "../support/catalog-size.js";

describe("embed limits", () => {
  it("truncates every part with an ellipsis and keeps the total under 6000", () => {
    const huge = fitEmbed({
      title: "T".repeat(1000),
      description: "word ".repeat(3000),
      footer: { text: "f".repeat(3000) },
      fields: Array.from({ length: 30 }, (_, index) => ({ name: `n${index}`.repeat(100), value: "v".repeat(2000) })),
    });
    expect([...(huge.title ?? "")].length).toBe(EMBED_LIMITS.title);
    expect(huge.title?.endsWith("…")).toBe(true);
    expect([...(huge.description ?? "")].length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    expect(huge.fields?.length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
    for (const field of huge.fields ?? []) {
      expect([...field.name].length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
      expect([...field.value].length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    }
    expect(embedLength(huge)).toBeLessThanOrEqual(EMBED_LIMITS.total);
  });

  it("counts characters, not UTF-16 units, and never splits a surrogate pair", () => {
    const text = "🦙".repeat(300);
    const cut = truncate(text, 256);
    expect([...cut].length).toBe(256);
    expect(cut.endsWith("…")).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("leaves short text alone", () => {
    expect(truncate("LoRA", 256)).toBe("LoRA");
    expect(fitEmbed({ title: "LoRA" })).toEqual({ title: "LoRA" });
  });

  it("renders every catalog paper in both languages within Discord's limits", () => {
    const app = createTestApp();
    for (const paper of app.catalog.papers) {
      for (const locale of ["en", "ja"] as const) {
        const embed = paperEmbed(paper, locale);
        expect(embedLength(embed), `${paper.id} ${locale}`).toBeLessThanOrEqual(EMBED_LIMITS.total);
        expect(embed.description).toContain(paper.summary[locale].slice(0, 40));
      }
    }
    app.close();
  });

  it("keeps a paper with oversized data usable", () => {
    const paper = samplePaper({
      title: "X".repeat(300),
      summary: { en: "long ".repeat(1000), ja: "長い".repeat(1000) },
      authors: Array.from({ length: 12 }, () => "A".repeat(120)),
    });
    const embed = paperEmbed(paper, "ja");
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect([...(embed.fields?.[0]?.value ?? "")].length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
  });
});

describe("input validation", () => {
  it.each([
    ["", "errors.emptyQuery"],
    ["x".repeat(201), "errors.queryTooLong"],
    ["lora\u0000", "errors.queryControlCharacters"],
    ["lora\u202e", "errors.queryControlCharacters"],
    ["<@&123456789012345678>", "errors.queryMention"],
    ["<#123456789012345678>", "errors.queryMention"],
    ["||lora||", "errors.queryMarkdown"],
    ["[lora](https://evil.example)", "errors.queryMarkdown"],
    // Every block marker at a line's start alike (quote, heading, subtext), and every line separator.
    ["> lora", "errors.queryMarkdown"],
    ["# lora", "errors.queryMarkdown"],
    ["### lora", "errors.queryMarkdown"],
    ["-# lora", "errors.queryMarkdown"],
    ["lora\u2028qlora", "errors.queryControlCharacters"],
    ["lora\u2029qlora", "errors.queryControlCharacters"],
  ])("refuses %j with %s", (query, key) => {
    const outcome = validateQuery(query);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.key).toBe(key);
  });

  it.each(["lora", "  flash_attention  ", "チンチラ", "arXiv:1706.03762v5", "GPT-3 (2020)", "llama 2 chat?"])("accepts %j", (query) => {
    expect(validateQuery(query).ok).toBe(true);
  });

  it("normalises follow topics and maps catalog labels in both languages", () => {
    expect(normalizeFollowTopic("  #Fine Tuning ")).toEqual({
      ok: true,
      value: { topic: "fine-tuning", catalogTopic: "fine-tuning", display: "fine-tuning" },
    });
    expect(normalizeFollowTopic("検索拡張")).toEqual({
      ok: true,
      value: { topic: "retrieval", catalogTopic: "retrieval", display: "retrieval" },
    });
    expect(normalizeFollowTopic("Speculative   Decoding")).toEqual({
      ok: true,
      value: { topic: "speculative decoding", catalogTopic: null, display: "Speculative Decoding" },
    });
    expect(normalizeFollowTopic("x".repeat(65))).toMatchObject({ ok: false, key: "follow.topicTooLong" });
  });

  it("validates command options against the definition the handler's types come from", () => {
    const { definition } = defineCommand({
      definition: {
        name: "demo",
        description: "demo",
        options: [
          { type: ApplicationCommandOptionType.String, name: "query", description: "q", required: true },
          { type: ApplicationCommandOptionType.Integer, name: "page", description: "p", required: false },
          {
            type: ApplicationCommandOptionType.String,
            name: "topic",
            description: "t",
            required: false,
            choices: [{ name: "A", value: "a" }],
          },
        ],
      } as const,
      execute: () => ({ kind: "reply", private: true, content: "" }),
    });
    const parsed = parseOptions(definition, { query: "lora", page: 2 });
    expect(parsed).toEqual({ ok: true, options: { query: "lora", page: 2 } });
    if (parsed.ok) {
      const typed: { query: string; page: number | undefined; topic: "a" | undefined } = parsed.options;
      expect(typed.query).toBe("lora");
    }
    expect(parseOptions(definition, { page: 2 }).ok).toBe(false);
    expect(parseOptions(definition, { query: "x", topic: "b" }).ok).toBe(false);
    expect(parseOptions(definition, { query: "x", extra: 1 }).ok).toBe(false);
  });
});

describe("console rendering", () => {
  it("parses slash commands typed as text", () => {
    expect(parseConsoleLine("/paper flash attention", commands)).toEqual({ name: "paper", options: { query: "flash attention" } });
    expect(parseConsoleLine("/papers topic:retrieval", commands)).toEqual({ name: "papers", options: { topic: "retrieval" } });
    expect(parseConsoleLine("/follow topic:speculative decoding", commands)).toEqual({
      name: "follow",
      options: { topic: "speculative decoding" },
    });
    expect(parseConsoleLine("lora", commands)).toBeNull();
  });

  it("prints embeds, fields and buttons readably", () => {
    const text = renderReplyText({
      content: "hello",
      embeds: [
        {
          title: "Title",
          url: "https://example.org",
          description: "**bold** text",
          fields: [{ name: "Field", value: "a\nb" }],
          footer: { text: "foot" },
        },
      ],
    });
    expect(text).toBe(
      ["hello", "== Title ==", "https://example.org", "", "bold text", "", "Field:", "  a", "  b", "", "-- foot"].join("\n"),
    );
  });
});

describe("short names and lists", () => {
  it("names canon papers by what people call them, and joins lists the reader's way", () => {
    expect(paperShortName({ id: "lora", title: "LoRA: Low-Rank Adaptation of Large Language Models" })).toBe("LoRA");
    expect(paperShortName({ id: "rag", title: "Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks" })).toBe("RAG");
    expect(paperShortName({ id: "consistency-models", title: "Consistency Models" })).toBe("Consistency Models");
    expect(formatList("en", ["Generative Agents", "Q-Transformer", "Beyond Human Data"])).toBe(
      "Generative Agents, Q-Transformer, and Beyond Human Data",
    );
    expect(formatList("en", ["LoRA", "QLoRA"])).toBe("LoRA and QLoRA");
    expect(formatList("ja", ["LoRA", "QLoRA"])).toBe("LoRA、QLoRA");
  });
  it("gives every catalog paper a readable short name, never its internal id", () => {
    const papers = loadCatalogFile(catalogPath);
    expect(papers).toHaveLength(catalogSize);
    const names = Object.fromEntries(papers.map((paper) => [paper.id, paperShortName(paper)]));
    for (const paper of papers) {
      const name = names[paper.id] ?? "";
      expect(name, paper.id).not.toBe(paper.id);
      expect(name, paper.id).not.toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)+$/);
      expect([...name].length, paper.id).toBeLessThanOrEqual(40);
      expect(name.trim(), paper.id).toBe(name);
      expect(name.length, paper.id).toBeGreaterThan(1);
      // Reasons list names with commas: a comma inside one would read as two papers.
      expect(name, paper.id).not.toContain(",");
    }
    expect(names["alibi"]).toBe("ALiBi");
    // The 16 that used to show an id (titles over 40 characters without a short part before a colon).
    expect(names).toMatchObject({
      "gpt-1": "GPT-1",
      "gpt-2": "GPT-2",
      chinchilla: "Chinchilla",
      instructgpt: "InstructGPT",
      dpr: "DPR",
      rag: "RAG",
      retro: "RETRO",
      "internet-augmented-lm": "Internet-augmented language models",
      hyde: "HyDE",
      codex: "Codex",
      "pre-ln-transformer": "Pre-LN",
      "sparsely-gated-moe": "Sparsely-Gated Mixture-of-Experts",
      clip: "CLIP",
      "emergent-abilities": "Emergent Abilities",
      spin: "SPIN",
      t5: "T5",
    });
  });

  it("cuts a long title at a word boundary when nothing shorter names the paper", () => {
    const added = {
      id: "observation-of-a-new-particle-in",
      title: "Observation of a new particle in the search for the Standard Model Higgs boson",
      aliases: [],
    };
    expect(paperShortName(added)).toBe("Observation of a new particle in the…");
  });
});
