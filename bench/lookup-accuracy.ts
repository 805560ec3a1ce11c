import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalogFile } from "../src/catalog/load.js";
import { PaperIndex } from "../src/catalog/resolve.js";
import { syncCatalog } from "../src/catalog/sync.js";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrations.js";
import type { Locale } from "../src/i18n/locale.js";

/** The labelled query sets (test/fixtures), each scored top-1: the expected paper first, or nothing when none is expected. */
export const LABELLED_SETS = {
  main: "lookup-queries.json",
  holdout: "lookup-queries-holdout.json",
  blind: "lookup-queries-blind.json",
  blind2: "lookup-queries-blind2.json",
  descriptive: "lookup-queries-descriptive.json",
} as const;

export type LabelledSetName = keyof typeof LABELLED_SETS;

export interface SetScore {
  correct: number;
  total: number;
  top1: number;
  /** The queries answered otherwise: [query, expected, got]. */
  misses: [string, string | null, string | null][];
}

interface LabelledQuery {
  query: string;
  locale: Locale;
  expected: string | null;
}

/** Scores every labelled set against the reading list alone (as the tests do), with the same resolver the bot uses. */
export function scoreLabelledSets(repoRoot: string): Record<LabelledSetName, SetScore> {
  const db = openDatabase(":memory:");
  try {
    migrate(db);
    syncCatalog(db, loadCatalogFile(join(repoRoot, "data", "catalog.json")), new Date("2026-01-01T00:00:00Z"));
    const index = new PaperIndex(db);
    const score = (file: string): SetScore => {
      const queries = JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", file), "utf8")) as LabelledQuery[];
      const misses: SetScore["misses"] = [];
      for (const query of queries) {
        const got = index.resolve(query.query, query.locale).results[0]?.paper.id ?? null;
        if (got !== query.expected) misses.push([query.query, query.expected, got]);
      }
      const correct = queries.length - misses.length;
      return { correct, total: queries.length, top1: Math.round((correct / queries.length) * 1000) / 1000, misses };
    };
    return Object.fromEntries(Object.entries(LABELLED_SETS).map(([name, file]) => [name, score(file)])) as Record<
      LabelledSetName,
      SetScore
    >;
  } finally {
    db.close();
  }
}
