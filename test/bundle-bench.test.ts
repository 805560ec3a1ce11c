import { describe, expect, it } from "vitest";
import { benchBundle, expandPapers } from "../bench/bundle-bench.js";
import { catalogEntrySchema } from "../src/catalog/schema.js";
import type { Paper } from "../src/catalog/types.js";

const paper: Paper = {
  id: "attention",
  arxivId: "1706.03762",
  url: "https://arxiv.org/abs/1706.03762",
  pdfUrl: null,
  title: "Attention Is All You Need",
  titleJa: "注意機構こそがすべて",
  authors: ["Ashish Vaswani", "et al."],
  organisation: "Google Brain",
  year: 2017,
  topics: ["foundations"],
  aliases: [],
  keyResults: { en: ["28.4 BLEU"], ja: ["BLEU 28.4"] },
  summary: { en: "Self-attention only.", ja: "自己注意のみ。" },
  position: 1,
  source: "catalog",
  addedAt: "2024-01-01T00:00:00.000Z",
};
const report: Paper = { ...paper, id: "gpt-4", arxivId: null, url: "https://openai.com/research/gpt-4", pdfUrl: "https://cdn.openai.com/papers/gpt-4.pdf", position: 2 };

describe("bundle benchmark helper", () => {
  it("clones papers into valid, uniquely identified catalog entries", () => {
    const papers = expandPapers([paper, report], 500);
    expect(papers).toHaveLength(500);
    expect(new Set(papers.map((p) => p.id)).size).toBe(500);
    expect(new Set(papers.filter((p) => p.arxivId).map((p) => p.arxivId)).size).toBe(250);
    for (const p of papers) {
      const { position: _position, source: _source, addedAt: _addedAt, ...entry } = p;
      expect(catalogEntrySchema.safeParse(entry).success, p.id).toBe(true);
    }
  });

  it("returns the three metrics (smoke run, no timing assertions)", async () => {
    const result = await benchBundle([paper, report], { durationMs: 200, largeCount: 200, concurrency: 5 });
    expect(Object.keys(result).sort()).toEqual(["build_ms_10k", "build_ms_catalog", "download_rps"]);
    for (const value of Object.values(result)) expect(Number.isFinite(value) && value >= 0).toBe(true);
    expect(result.download_rps).toBeGreaterThan(0);
  });
});
