import { describe, expect, it } from "vitest";
import { samplePaper, sampleReport } from "../support/papers.js";
import { benchBundle, expandPapers } from "../../bench/bundle-bench.js";
import { catalogEntrySchema } from "../../src/catalog/schema.js";

const paper = samplePaper();
const report = sampleReport();

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

  it("returns its metrics, the download rate beside the bare-server baseline (smoke run, no timing assertions)", async () => {
    const result = await benchBundle([paper, report], { durationMs: 200, largeCount: 200, concurrency: 5 });
    expect(Object.keys(result).sort()).toEqual([
      "baseline_cpu_us",
      "baseline_rps",
      "build_ms_10k",
      "build_ms_catalog",
      "cpu_ratio",
      "download_cpu_us",
      "download_rps",
      "ratio",
      "requests",
    ]);
    for (const value of Object.values(result)) expect(Number.isFinite(value) && value >= 0).toBe(true);
    expect(result.download_rps).toBeGreaterThan(0);
    expect(result.baseline_rps).toBeGreaterThan(0);
    expect(result.requests).toBeGreaterThan(0);
  });
});
