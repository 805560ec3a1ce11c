import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalogFile } from "../src/catalog/load.js";
import { PaperIndex } from "../src/catalog/resolve.js";
import { searchDocument } from "../src/catalog/search-document.js";
import type { CatalogEntry } from "../src/catalog/schema.js";
import type { Locale } from "../src/i18n/locale.js";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrations.js";
import { paperStore } from "../src/db/papers.js";
import { generateEntries } from "./corpus.js";

/**
 * Child process of bench/lookup-ours.ts, loading only our resolver and the database layer.
 * `build ROOT DB N`: writes N papers (the catalog, then generated ones) into a new database file.
 * `serve ROOT DB`: loads the index from the file, answers the labelled queries, adds/changes/removes papers.
 * Prints one JSON line of figures.
 */
const [mode, repoRoot = ".", databasePath = ":memory:", corpus = "0"] = process.argv.slice(2);
const now = new Date("2026-01-01T00:00:00Z");
const round = (value: number) => Math.round(value * 1000) / 1000;

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
}

function loadQueries(name: string): { query: string; locale: Locale }[] {
  return JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", name), "utf8")) as { query: string; locale: Locale }[];
}

if (mode === "build") {
  const catalog = loadCatalogFile(join(repoRoot, "data", "catalog.json"));
  const entries = [...catalog, ...generateEntries(Number(corpus) - catalog.length)];
  const db = openDatabase(databasePath);
  migrate(db);
  const store = paperStore(db);
  const start = performance.now();
  db.transaction(() => entries.forEach((entry, position) => store.insert(entry, searchDocument(entry), "catalog", position, now)))();
  const insert = performance.now() - start;
  db.close();
  process.stdout.write(`${JSON.stringify({ insert_ms: Math.round(insert) })}\n`);
} else if (mode === "serve") {
  const db = openDatabase(databasePath);
  const start = performance.now();
  const index = new PaperIndex(db);
  const load = performance.now() - start;

  const timeQueries = (queries: { query: string; locale: Locale }[]) => {
    for (const query of queries) index.resolve(query.query, query.locale);
    const times: number[] = [];
    for (let pass = 0; pass < 5; pass += 1) {
      index.clearCaches();
      for (const query of queries) {
        const begin = performance.now();
        index.resolve(query.query, query.locale);
        times.push(performance.now() - begin);
      }
    }
    return times.sort((a, b) => a - b);
  };
  const names = timeQueries(loadQueries("lookup-queries.json"));
  const descriptions = timeQueries(loadQueries("lookup-queries-descriptive.json"));

  // A moderator's approvals: each a new paper written and taken into the index, then changed, then removed.
  const store = paperStore(db);
  const added = generateEntries(7, 424242).map((entry, index): CatalogEntry => ({
    ...entry,
    id: `moderated-${index}`,
    arxivId: `2912.${90000 + index}`,
  }));
  const timed = (action: () => void): number => {
    const begin = performance.now();
    action();
    return performance.now() - begin;
  };
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const adds: number[] = [];
  const updates: number[] = [];
  const removes: number[] = [];
  for (const entry of added) {
    adds.push(
      timed(() => {
        const seq = db.transaction(() => store.insert(entry, searchDocument(entry), "moderator", store.nextPosition(), now)).immediate();
        index.add(seq);
      }),
    );
  }
  for (const entry of added) {
    const changed = { ...entry, title: `${entry.title} Revisited` };
    updates.push(
      timed(() => {
        const seq = store.seqOf(entry.id);
        if (seq === undefined) return;
        index.remove(seq);
        db.transaction(() => store.update(changed, searchDocument(changed), store.nextPosition(), now)).immediate();
        index.add(seq);
      }),
    );
  }
  for (const entry of added) {
    removes.push(
      timed(() => {
        const seq = store.seqOf(entry.id);
        if (seq === undefined) return;
        index.remove(seq);
        db.transaction(() => store.remove(entry.id)).immediate();
      }),
    );
  }

  (globalThis as { gc?: () => void }).gc?.();
  const heap = process.memoryUsage().heapUsed;
  db.close();
  process.stdout.write(
    `${JSON.stringify({
      load_ms: Math.round(load),
      name_p50_ms: round(percentile(names, 0.5)),
      name_p99_ms: round(percentile(names, 0.99)),
      description_p50_ms: round(percentile(descriptions, 0.5)),
      description_p99_ms: round(percentile(descriptions, 0.99)),
      add_ms: round(median(adds)),
      update_ms: round(median(updates)),
      remove_ms: round(median(removes)),
      rss_mb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
      heap_mb: Math.round((heap / 1024 / 1024) * 10) / 10,
    })}\n`,
  );
} else {
  process.stderr.write("usage: lookup-ours-child.js build ROOT DB N | serve ROOT DB\n");
  process.exitCode = 2;
}
