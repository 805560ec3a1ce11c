import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseArxivReference } from "../../../src/catalog/arxiv-id.js";
import { editDistance } from "../../../src/catalog/text.js";
import { createTestApp, repoRoot } from "../../support/app.js";

interface LabelledQuery {
  query: string;
  locale: "en" | "ja";
  expected: string | null;
  kind: string;
}

const load = (name: string) => JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", name), "utf8")) as LabelledQuery[];
const queries = load("lookup-queries.json");
const holdout = load("lookup-queries-holdout.json");
const blind = load("lookup-queries-blind.json");
const app = createTestApp();
afterAll(() => app.close());

const top = (query: string, locale: "en" | "ja" = "en") => app.catalog.resolve(query, locale).results[0]?.paper.id ?? null;

describe("resolve: labelled query set", () => {
  it("has at least 100 labelled queries of every kind", () => {
    expect(queries.length).toBeGreaterThanOrEqual(100);
    expect(new Set(queries.map((query) => query.kind))).toEqual(
      new Set(["alias", "arxiv", "url", "title", "acronym", "typo", "ja", "topic", "ambiguous", "unknown"]),
    );
  });

  it("puts the expected paper first for every query (231/231 when the scoring weights were gathered in one table)", () => {
    const misses = queries.filter((query) => top(query.query, query.locale) !== query.expected);
    expect(misses.map((miss) => [miss.query, miss.expected, top(miss.query, miss.locale)])).toEqual([]);
  });

  it("generalises: at least 98% top-1 on a second set written without looking at the catalog's aliases", () => {
    const misses = holdout.filter((query) => top(query.query, query.locale) !== query.expected);
    expect(1 - misses.length / holdout.length, JSON.stringify(misses.map((miss) => miss.query))).toBeGreaterThanOrEqual(0.98);
    // Measured 100/100 when the scoring weights were gathered in one table: never fewer.
    expect(holdout.length - misses.length).toBeGreaterThanOrEqual(100);
  });

  it("stays above 98% top-1 on two sets first scored blind (86% and 86% at first sight; 92% before issue 10)", () => {
    const misses = blind.filter((query) => top(query.query, query.locale) !== query.expected);
    expect(1 - misses.length / blind.length, JSON.stringify(misses.map((miss) => miss.query))).toBeGreaterThanOrEqual(0.98);
    // Measured 165/167 when the scoring weights were gathered in one table: never fewer.
    expect(blind.length - misses.length, JSON.stringify(misses.map((miss) => miss.query))).toBeGreaterThanOrEqual(165);
  });

  it("returns nothing at all for every unknown query", () => {
    for (const query of queries.filter((candidate) => candidate.expected === null)) {
      expect(app.catalog.resolve(query.query, query.locale).results, query.query).toEqual([]);
    }
  });
});

describe("resolve: behaviour", () => {
  it.each([
    ["1706.03762", "attention-is-all-you-need"],
    ["arXiv:1706.03762v5", "attention-is-all-you-need"],
    ["https://arxiv.org/abs/2106.09685", "lora"],
    ["http://arxiv.org/pdf/2305.14314v2", "qlora"],
    ["arxiv.org/pdf/2305.14314.pdf", "qlora"],
    ["<https://arxiv.org/abs/2203.15556>", "chinchilla"],
    ["https://huggingface.co/blog/moe", "moe-explained"],
  ])("finds %s by arXiv id or URL", (query, id) => {
    expect(top(query)).toBe(id);
    expect(app.catalog.resolve(query, "en").results[0]?.score).toBe(1);
  });

  it.each([
    ["lora", "lora"],
    ["GPT３", "gpt-3"],
    ["gpt 3", "gpt-3"],
    ["qlroa", "qlora"],
    ["chinchila", "chinchilla"],
    ["flash atention", "flashattention"],
    ["チンチラ", "chinchilla"],
    ["低ランク適応", "lora"],
    ["LoRAの論文", "lora"],
    ["low-rank adaptation", "lora"],
  ])("understands %s", (query, id) => {
    expect(top(query, /[ぁ-んァ-ン一-龥]/.test(query) ? "ja" : "en")).toBe(id);
  });

  it.each([
    ["diffusion", "en", "diffusion"],
    ["safety", "en", "safety"],
    ["alignment", "en", "alignment"],
    ["reinforcement learning", "en", "reinforcement-learning"],
    ["拡散モデル", "ja", "diffusion"],
  ] as const)("a catalog topic's name (%s) offers that topic's papers as a choice, never one of them", (query, locale, topic) => {
    const resolution = app.catalog.resolve(query, locale);
    const inTopic = app.catalog.papers.filter((paper) => (paper.topics as readonly string[]).includes(topic)).map((paper) => paper.id);
    expect(resolution.ambiguous).toBe(true);
    expect(resolution.results.length).toBe(Math.min(5, inTopic.length));
    for (const match of resolution.results) expect(inTopic).toContain(match.paper.id);
  });

  it.each(["sam", "kim", "edward", "kevin"])("a name that is no paper's first author (%s) alone finds nothing", (query) => {
    expect(app.catalog.resolve(query, "en").results).toEqual([]);
  });

  it.each([
    ["kaplan", "scaling-laws"],
    ["vaswani", "attention-is-all-you-need"],
    ["hoffmann", "chinchilla"],
    ["wang", "self-instruct"],
  ])("a first author's last name alone (%s) still finds the paper", (query, id) => {
    const resolution = app.catalog.resolve(query, "en");
    expect(resolution.results[0]?.paper.id).toBe(id);
    expect(resolution.ambiguous).toBe(false);
  });

  it.each([
    ["bert glue", "bert"],
    ["bert squad", "bert"],
    ["lora explained", "lora"],
    ["clip openai", "clip"],
  ])("a name and a word remembered about the paper (%s) find it", (query, id) => {
    const resolution = app.catalog.resolve(query, "en");
    expect(resolution.results[0]?.paper.id).toBe(id);
    expect(resolution.ambiguous).toBe(false);
  });

  it.each(["toolformer", "adam optimizer", "palm pathways language model"])("suggests no name that is not close (%s)", (query) => {
    const resolution = app.catalog.resolve(query, "en");
    expect(resolution.results).toEqual([]);
    expect(resolution.suggestions.map((paper) => paper.id)).toEqual([]);
  });

  it.each([
    ["flashattn2", "flashattention"],
    ["qlroa", "qlora"],
  ])("still suggests a close name (%s → %s)", (query, id) => {
    const resolution = app.catalog.resolve(query, "en");
    expect(resolution.results[0]?.paper.id ?? resolution.suggestions[0]?.id).toBe(id);
  });

  it.each(["beit", "llava", "lamda", "swin transformer"])("another model's short name (%s) is not a typo of a listed one", (query) => {
    expect(app.catalog.resolve(query, "en").results).toEqual([]);
  });

  it.each([
    ["doi:10.48550/arXiv.2106", "lora"],
    ["10.48550/arxiv.2106.0", "lora"],
    ["https://doi.org/10.48550/arXiv.2106", "lora"],
    ["https://huggingface.co/papers/2106", "lora"],
    ["ら", "llama"],
    ["ち", "chinchilla"],
  ])("autocomplete offers names starting with a partial link or one kana (%s → %s)", (typed, id) => {
    expect(app.catalog.namesStartingWith(typed, 25).map((paper) => paper.id)).toContain(id);
  });

  it("says which arXiv id is not on the list instead of guessing", () => {
    const resolution = app.catalog.resolve("arXiv:1512.03385", "en");
    expect(resolution.results).toEqual([]);
    expect(resolution.unlistedArxivId).toBe("1512.03385");
  });

  it.each([
    ["arXiv:cs.CL/0112017", "cs.CL/0112017"],
    ["math.gt/0309136v2", "math.GT/0309136"],
    ["https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"],
  ])("echoes the unlisted old-style id %s as arXiv writes it (%s)", (query, shown) => {
    expect(app.catalog.resolve(query, "en").unlistedArxivId).toBe(shown);
  });

  it("offers did-you-mean suggestions for near misses, not random papers", () => {
    const resolution = app.catalog.resolve("chinchillo scaling", "en");
    expect(resolution.results[0]?.paper.id ?? resolution.suggestions[0]?.id).toBe("chinchilla");
    const nonsense = app.catalog.resolve("zzzqqq", "en");
    expect(nonsense.results).toEqual([]);
    expect(nonsense.suggestions).toEqual([]);
  });

  it("does not treat version numbers as typos", () => {
    expect(app.catalog.resolve("gpt-5", "en").results).toEqual([]);
    expect(app.catalog.resolve("llama 3", "en").results).toEqual([]);
  });

  it("completes a prefix while typing", () => {
    const ids = app.catalog.resolve("flashatt", "en", { prefix: true, limit: 25 }).results.map((match) => match.paper.id);
    expect(ids[0]).toBe("flashattention");
  });
});

describe("text helpers", () => {
  it("parses arXiv references and rejects look-alikes", () => {
    expect(parseArxivReference("hep-th/9711200v1")).toBe("hep-th/9711200");
    expect(parseArxivReference("https://arxiv.org/abs/1207.7214")).toBe("1207.7214");
    expect(parseArxivReference("1713.00001")).toBeNull();
    expect(parseArxivReference("2401.0133")).toBeNull();
    expect(parseArxivReference("version 1.2")).toBeNull();
  });

  it("measures edit distance with transpositions", () => {
    expect(editDistance("qlroa", "qlora")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("abc", "abc")).toBe(0);
  });
});
