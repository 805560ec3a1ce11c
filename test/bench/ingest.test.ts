import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchIngest } from "../../bench/ingest.js";
import { catalogPath } from "../support/app.js";
import { committedCapturesDir } from "../support/real-fixtures.js";

describe("ingest benchmark helper", () => {
  it("returns the ingest keys and re-ingests nothing (smoke run, no timing assertions)", async () => {
    const result = await benchIngest({ fixtureDir: join(committedCapturesDir, "arxiv-rss"), catalogPath, items: 150, repeats: 1 });
    expect(Object.keys(result)).toEqual([
      "items",
      "parse_only_items_per_s",
      "pipeline_items_per_s",
      "ratio",
      "reingest_added",
      "parse_checked_ratio",
      "unscored_ratio",
    ]);
    expect(result.items).toBe(150);
    expect(result.reingest_added).toBe(0);
    for (const value of Object.values(result)) expect(Number.isFinite(value)).toBe(true);
  });
});
