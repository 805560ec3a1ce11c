import { readFileSync } from "node:fs";
import { join } from "node:path";
import Fuse from "fuse.js";
import MiniSearch from "minisearch";
import { PaperIndex } from "../src/catalog/resolve.js";
import type { CatalogEntry } from "../src/catalog/schema.js";
import type { Paper } from "../src/catalog/types.js";
import type { Locale } from "../src/i18n/locale.js";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrations.js";
import { paperStore } from "../src/db/papers.js";
import { searchDocument } from "../src/catalog/search-document.js";
import { generateEntries } from "./corpus.js";

export interface LabelledQuery {
  query: string;
  locale: Locale;
  expected: string | null;
}

export interface EngineFigures {
  top1: number;
  p50_ms: number;
  p99_ms: number;
  build_ms: number;
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? 0;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

function measure(
  queries: LabelledQuery[],
  passes: number,
  search: (query: LabelledQuery) => string | null,
  beforePass: () => void = () => undefined,
): { top1: number; p50: number; p99: number } {
  let correct = 0;
  const times: number[] = [];
  for (let pass = 0; pass < passes; pass += 1) {
    beforePass();
    for (const query of queries) {
      const start = performance.now();
      const top = search(query);
      times.push(performance.now() - start);
      if (pass === 0 && top === query.expected) correct += 1;
    }
  }
  times.sort((a, b) => a - b);
  return { top1: correct / queries.length, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

export function loadQueries(repoRoot: string): LabelledQuery[] {
  return JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", "lookup-queries.json"), "utf8")) as LabelledQuery[];
}

export function benchLookup(
  catalog: CatalogEntry[],
  queries: LabelledQuery[],
  corpusSize: number,
  log: (line: string) => void,
  fuseSampleEvery = corpusSize >= 50_000 ? 8 : 1,
) {
  const entries = [...catalog, ...generateEntries(corpusSize - catalog.length)];
  log(`corpus: ${entries.length} papers`);
  const now = new Date("2026-01-01T00:00:00Z");

  let start = performance.now();
  const db = openDatabase(":memory:");
  migrate(db);
  const store = paperStore(db);
  db.transaction(() => entries.forEach((entry, position) => store.insert(entry, searchDocument(entry), "catalog", position, now)))();
  const index = new PaperIndex(db);
  const oursBuild = performance.now() - start;
  const oursTop = (query: LabelledQuery) => index.resolve(query.query, query.locale).results[0]?.paper.id ?? null;
  measure(queries, 1, oursTop);
  // Every pass starts without the resolver's per-word caches, so repeated queries are not answered from memory.
  const ours = measure(queries, 5, oursTop, () => index.clearCaches());
  log(`ours: top1 ${ours.top1.toFixed(3)} p50 ${ours.p50.toFixed(3)} ms p99 ${ours.p99.toFixed(3)} ms build ${oursBuild.toFixed(0)} ms`);

  const papers: Paper[] = store.list();
  db.close();
  const documents = papers.map((paper) => ({
    id: paper.id,
    arxivId: paper.arxivId ?? "",
    title: paper.title,
    titleJa: paper.titleJa,
    aliases: paper.aliases.join(" ; "),
    summary: paper.summary.en,
  }));

  start = performance.now();
  const miniSearch = new MiniSearch({ fields: ["id", "arxivId", "title", "titleJa", "aliases", "summary"], storeFields: ["id"] });
  miniSearch.addAll(documents);
  const miniBuild = performance.now() - start;
  const miniSearchTop = (query: LabelledQuery) => {
    const hit = miniSearch.search(query.query, {
      prefix: true,
      fuzzy: 0.2,
      boost: { aliases: 4, title: 3, id: 3, arxivId: 5, titleJa: 3 },
    })[0];
    return hit ? String(hit.id) : null;
  };
  const mini = measure(queries, 2, miniSearchTop);
  log(
    `minisearch: top1 ${mini.top1.toFixed(3)} p50 ${mini.p50.toFixed(3)} ms p99 ${mini.p99.toFixed(3)} ms build ${miniBuild.toFixed(0)} ms`,
  );

  start = performance.now();
  const fuse = new Fuse(documents, {
    keys: [
      { name: "aliases", weight: 3 },
      { name: "title", weight: 2 },
      { name: "titleJa", weight: 2 },
      { name: "id", weight: 2 },
      { name: "arxivId", weight: 3 },
    ],
    threshold: 0.4,
    ignoreLocation: true,
  });
  const fuseBuild = performance.now() - start;
  // Fuse.js scans every document for every query (seconds each at 100k), so it runs on a fixed sample.
  const fuseQueries = queries.filter((_, index) => index % fuseSampleEvery === 0);
  const fuseFigures = measure(fuseQueries, 1, (query) => fuse.search(query.query, { limit: 1 })[0]?.item.id ?? null);
  log(
    `fuse: top1 ${fuseFigures.top1.toFixed(3)} p50 ${fuseFigures.p50.toFixed(3)} ms p99 ${fuseFigures.p99.toFixed(3)} ms build ${fuseBuild.toFixed(0)} ms`,
  );

  const figures = (measured: { top1: number; p50: number; p99: number }, build: number): EngineFigures => ({
    top1: round(measured.top1),
    p50_ms: round(measured.p50),
    p99_ms: round(measured.p99),
    build_ms: round(build, 1),
  });
  return {
    corpus_size: entries.length,
    queries: queries.length,
    ours: figures(ours, oursBuild),
    fuse: { ...figures(fuseFigures, fuseBuild), queries_measured: fuseQueries.length },
    minisearch: figures(mini, miniBuild),
  };
}
