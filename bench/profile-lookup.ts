import { resolve } from "node:path";
import { loadCatalogFile } from "../src/catalog/load.js";
import { packageRoot } from "../src/paths.js";
import { PaperIndex } from "../src/catalog/resolve.js";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrations.js";
import { paperStore } from "../src/db/papers.js";
import { searchDocument } from "../src/catalog/search-document.js";
import { generateEntries } from "./corpus.js";
import { loadQueries } from "./lookup.js";

/** Lists the slowest labelled queries at corpus size N. `npm run bench` compiles it to dist-bench/; then `node dist-bench/bench/profile-lookup.js [N]`. */
const repoRoot = packageRoot();
const size = Number(process.argv[2] ?? "100000");
const catalog = loadCatalogFile(resolve(repoRoot, "data", "catalog.json"));
const db = openDatabase(":memory:");
migrate(db);
const store = paperStore(db);
let start = performance.now();
const entries = [...catalog, ...generateEntries(size - catalog.length)];
db.transaction(() => entries.forEach((entry, position) => store.insert(entry, searchDocument(entry), "catalog", position, new Date(0))))();
console.log(`insert ${(performance.now() - start).toFixed(0)} ms`);
start = performance.now();
const index = new PaperIndex(db);
console.log(`index ${(performance.now() - start).toFixed(0)} ms`);
const queries = loadQueries(repoRoot);
for (const query of queries) index.resolve(query.query, query.locale);
// Each query on its own, without the caches earlier queries filled; the median of five runs.
const timings = queries.map((query) => {
  const runs: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    index.clearCaches();
    const begin = performance.now();
    index.resolve(query.query, query.locale);
    runs.push(performance.now() - begin);
  }
  runs.sort((a, b) => a - b);
  return { query: query.query, ms: runs[2] ?? 0 };
});
timings.sort((a, b) => b.ms - a.ms);
for (const timing of timings.slice(0, 15)) console.log(`${timing.ms.toFixed(3)} ms  ${timing.query}`);
