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
      "floor_ratio",
      "floor_counted_ratio",
      "steps_ms",
      "ratio_by_round",
    ]);
    expect(result.items).toBe(150);
    expect(result.reingest_added).toBe(0);
    const numbers = Object.values(result).flatMap((value) => (typeof value === "number" ? [value] : Object.values(value)));
    for (const value of numbers) expect(Number.isFinite(value)).toBe(true);
    expect(Object.keys(result.steps_ms)).toEqual(["parse", "checked", "unscored", "pipeline", "floor", "floor_counted"]);
    expect(result.ratio_by_round.min).toBeLessThanOrEqual(result.ratio_by_round.max);
  });
});
