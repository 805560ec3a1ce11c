import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PaperIndex } from "../../../src/catalog/resolve.js";
import type { CatalogEntry } from "../../../src/catalog/schema.js";
import { searchDocument } from "../../../src/catalog/search-document.js";
import { contentTokens, tokenize } from "../../../src/catalog/text.js";
import { paperStore } from "../../../src/db/papers.js";
import { createTestApp, repoRoot } from "../../support/app.js";

interface LabelledQuery {
  query: string;
  locale: "en" | "ja";
  expected: string | null;
  kind: string;
}

const descriptive = JSON.parse(
  readFileSync(join(repoRoot, "test", "fixtures", "lookup-queries-descriptive.json"), "utf8"),
) as LabelledQuery[];
const blind2 = JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", "lookup-queries-blind2.json"), "utf8")) as LabelledQuery[];
const app = createTestApp();
afterAll(() => app.close());

const top = (query: string, locale: "en" | "ja" = "en") => app.catalog.resolve(query, locale).results[0]?.paper.id ?? null;

describe("resolve: descriptions", () => {
  it("has the 120 descriptive queries written blind (60 EN, 40 JA, 20 papers not in the list)", () => {
    expect(descriptive.filter((query) => query.locale === "en" && query.kind === "description")).toHaveLength(60);
    expect(descriptive.filter((query) => query.locale === "ja" && query.kind === "description")).toHaveLength(40);
    expect(descriptive.filter((query) => query.expected === null)).toHaveLength(20);
  });

  it("puts the expected paper first, or nothing for papers not in the list, for at least 90% (78% at first sight)", () => {
    const misses = descriptive.filter((query) => top(query.query, query.locale) !== query.expected);
    const accuracy = 1 - misses.length / descriptive.length;
    expect(
      accuracy,
      JSON.stringify(misses.map((miss) => [miss.query, miss.expected, top(miss.query, miss.locale)])),
    ).toBeGreaterThanOrEqual(0.9);
    // Measured 115/120 when the scoring weights were gathered in one table: never fewer.
    expect(descriptive.length - misses.length).toBeGreaterThanOrEqual(115);
  });

  it("generalises: at least 88% on a second set written blind after the work was done (88.8% at first sight)", () => {
    expect(blind2).toHaveLength(80);
    const misses = blind2.filter((query) => top(query.query, query.locale) !== query.expected);
    expect(
      1 - misses.length / blind2.length,
      JSON.stringify(misses.map((miss) => [miss.query, miss.expected, top(miss.query, miss.locale)])),
    ).toBeGreaterThanOrEqual(0.88);
    // Measured 73/80 when the scoring weights were gathered in one table: never fewer.
    expect(blind2.length - misses.length).toBeGreaterThanOrEqual(73);
  });

  it.each([
    ["the one where 25 agents live in a little town", "en", "generative-agents"],
    ["how do I finetune a 65B model on one GPU", "en", "qlora"],
    ["which paper says 20 tokens per parameter", "en", "chinchilla"],
    ["報酬モデルなしで好みを直接最適化", "ja", "dpo"],
    ["1枚のGPUで65Bモデルを微調整する方法", "ja", "qlora"],
  ] as const)("understands the issue's examples: %s", (query, locale, id) => {
    expect(top(query, locale)).toBe(id);
  });

  it.each(["denoising diffusion probabilistic models", "gpt-4 technical report", "mamba selective state space model", "mistral 7b"])(
    "gives no answer for %s, which is not in the list",
    (query) => {
      expect(app.catalog.resolve(query, "en").results).toEqual([]);
    },
  );

  it("suggests from descriptions while typing", () => {
    const ids = app.catalog
      .resolve("the one where 25 agents live in a little tow", "en", { prefix: true, limit: 25 })
      .results.map((match) => match.paper.id);
    expect(ids[0]).toBe("generative-agents");
  });

  it("explains which fields and words decided", () => {
    const lines: string[] = [];
    app.catalog.resolve("1枚のGPUで65Bモデルを微調整する方法", "ja", { explain: (line) => lines.push(line) });
    expect(lines.some((line) => line.startsWith("bridge: ") && line.includes("微調整→finetuning"))).toBe(true);
    expect(lines.some((line) => line.startsWith("text words: ") && line.includes("65b="))).toBe(true);
    expect(lines.some((line) => /^text qlora: name\/credit \[.*\] anywhere \[.*65b.*\] missing \[-\]/.test(line))).toBe(true);
  });
});

describe("numbers and units as people write them", () => {
  it.each([
    ["1.3B", ["1p3b"]],
    ["1.3 billion parameters", ["1p3b", "paramet"]],
    ["16×16 patches", ["16x16", "patch"]],
    ["4-bit", ["4bit"]],
    ["10,000x fewer", ["10000x", "fewer"]],
    ["25 times fewer", ["25x", "fewer"]],
    ["15億パラメータ", ["1p5b"]],
    ["2兆トークン", ["2t"]],
    ["1万分の1", ["10000x"]],
    ["1枚のGPUで65Bモデル", ["1", "gpu", "65b"]],
  ])("%s → %j", (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it("keeps function words of descriptions out of the query words", () => {
    expect(contentTokens("which paper says it was too dangerous because")).toEqual(["danger"]);
  });
});

describe("incremental index", () => {
  const entry = (overrides: Partial<CatalogEntry> = {}): CatalogEntry => ({
    id: "mamba",
    arxivId: "2312.00752",
    url: "https://arxiv.org/abs/2312.00752",
    pdfUrl: null,
    title: "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
    titleJa: "Mamba: 選択的状態空間による線形時間の系列モデリング",
    authors: ["Albert Gu", "Tri Dao"],
    organisation: "Carnegie Mellon University, Princeton University",
    year: 2023,
    topics: ["architecture", "efficiency"],
    aliases: ["mamba ssm", "selective state space model"],
    keyResults: { en: ["Mamba-3B outperforms Transformers of the same size."], ja: ["Mamba-3Bは同規模のTransformerを上回る。"] },
    summary: {
      en: "Selective state space models whose parameters depend on the input, with a hardware-aware parallel scan.",
      ja: "入力に応じてパラメータが変わる選択的状態空間モデルと、ハードウェアを意識した並列スキャン。",
    },
    ...overrides,
  });

  it("adds, changes and removes a paper without a rebuild, as a fresh index would see it", () => {
    const local = createTestApp();
    try {
      expect(local.catalog.resolve("mamba", "en").results).toEqual([]);
      const added = local.catalog.addPaper(entry(), { now: new Date("2026-11-29T00:00:00Z") });
      expect(added.source).toBe("moderator");
      expect(local.catalog.get("mamba")?.title).toContain("Mamba");
      for (const [query, locale] of [
        ["mamba", "en"],
        ["2312.00752", "en"],
        ["selective state spaces linear time sequence modeling", "en"],
        ["選択的状態空間", "ja"],
      ] as const) {
        expect(local.catalog.resolve(query, locale).results[0]?.paper.id, query).toBe("mamba");
      }
      expect(new PaperIndex(local.db).resolve("mamba", "en").results[0]?.paper.id).toBe("mamba");

      local.catalog.updatePaper(entry({ aliases: ["mamba ssm", "s6 layer"] }));
      expect(local.catalog.resolve("s6 layer", "en").results[0]?.paper.id).toBe("mamba");
      expect(local.catalog.resolve("selective state space model", "en").results[0]?.paper.id).toBe("mamba");

      expect(local.catalog.removePaper("mamba")).toBe(true);
      expect(local.catalog.get("mamba")).toBeUndefined();
      expect(local.catalog.resolve("mamba", "en").results).toEqual([]);
      expect(local.catalog.resolve("2312.00752", "en").unlistedArxivId).toBe("2312.00752");
      expect(new PaperIndex(local.db).resolve("s6 layer", "en").results).toEqual([]);
      expect(local.catalog.removePaper("mamba")).toBe(false);
    } finally {
      local.close();
    }
  });

  it("follows writes made in another transaction (moderation's audited changes) with paperChanged(id)", () => {
    const local = createTestApp();
    try {
      const store = paperStore(local.db);
      const now = new Date("2026-11-29T00:00:00Z");
      local.db.transaction(() => store.insert(entry(), searchDocument(entry()), "moderator", store.nextPosition(), now)).immediate();
      expect(local.catalog.paperChanged("mamba")?.id).toBe("mamba");
      expect(local.catalog.resolve("selective state spaces linear time sequence modeling", "en").results[0]?.paper.id).toBe("mamba");

      const edited = entry({ aliases: ["s6 layer"] });
      local.db.transaction(() => store.update(edited, searchDocument(edited), store.nextPosition(), now)).immediate();
      local.catalog.paperChanged("mamba");
      expect(local.catalog.resolve("s6 layer", "en").results[0]?.paper.id).toBe("mamba");
      // The old alias is no longer an exact key (the name inside it still finds the paper, less surely).
      expect(local.catalog.resolve("mamba ssm", "en").results[0]?.score).toBeLessThan(1);

      local.db.transaction(() => store.remove("mamba")).immediate();
      expect(local.catalog.paperChanged("mamba")).toBeUndefined();
      expect(local.catalog.get("mamba")).toBeUndefined();
      expect(local.catalog.resolve("s6 layer", "en").results).toEqual([]);
      expect(local.catalog.papers.some((paper) => paper.id === "mamba")).toBe(false);
    } finally {
      local.close();
    }
  });
});
