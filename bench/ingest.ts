import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Parser from "rss-parser";
import { ingestFeed } from "../src/arxiv/ingest.js";
import { parseArxivFeed } from "../src/arxiv/parse.js";
import { RelevanceModel } from "../src/arxiv/relevance.js";
import { loadCatalogFile } from "../src/catalog/load.js";
import { Catalog } from "../src/catalog/catalog.js";
import { syncCatalog } from "../src/catalog/sync.js";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrations.js";

export interface IngestBenchResult {
  items: number;
  /** Bare rss-parser on the same bytes. */
  parse_only_items_per_s: number;
  /** Parse + validate + dedupe + score + commit (one transaction) into a fresh database. */
  pipeline_items_per_s: number;
  /** pipeline time / parse-only time (target ≤ 1.5). */
  ratio: number;
  /** Rows added by ingesting the same feed a second time (must be 0). */
  reingest_added: number;
}

export const CS_CL_FIXTURE = "tamnd-arxiv-cli__rss_cs.CL_2026-08-13.xml";

export function fixtureAvailable(dir: string): boolean {
  return existsSync(join(dir, CS_CL_FIXTURE));
}

/** `count` items made from the real cs.CL feed's items, with fresh ids, all announced as new. */
export function syntheticFeed(realFeed: string, count: number): string {
  const items = [...realFeed.matchAll(/<item>[\s\S]*?<\/item>/g)].map((match) => match[0]);
  const made = Array.from({ length: count }, (_, index) => {
    const item = items[index % items.length] ?? "";
    const old = /oai:arXiv\.org:([^<]+?)v\d+</.exec(item)?.[1] ?? "";
    const id = `2612.${String(index + 1).padStart(5, "0")}`;
    return item.replaceAll(old, id).replace(/Announce Type: \S+/, "Announce Type: new").replace(/<arxiv:announce_type>[^<]*</, "<arxiv:announce_type>new<");
  });
  const start = realFeed.indexOf("<item>");
  const end = realFeed.lastIndexOf("</item>") + "</item>".length;
  return realFeed.slice(0, start) + made.join("\n") + realFeed.slice(end);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** CPU time of the process (ms): steadier than wall time on a shared machine, and the same clock for both sides. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Parse-only and full-pipeline throughput on the same bytes, interleaved so both see the same machine load. */
export async function benchIngest(options: { fixtureDir: string; catalogPath: string; items?: number; repeats?: number }): Promise<IngestBenchResult> {
  const count = options.items ?? 2000;
  const repeats = options.repeats ?? 7;
  const xml = syntheticFeed(readFileSync(join(options.fixtureDir, CS_CL_FIXTURE), "utf8"), count);
  const catalog = loadCatalogFile(options.catalogPath);
  const bare = new Parser();

  const freshDatabase = () => {
    const db = openDatabase(":memory:");
    migrate(db);
    syncCatalog(db, catalog, new Date("2026-01-01T00:00:00Z"));
    const papers = Catalog.load(db).papers;
    const relevance = new RelevanceModel(db);
    relevance.refresh(papers);
    return { db, relevance, catalogArxivIds: new Set(papers.map((paper) => paper.arxivId).filter((id): id is string => id !== null)) };
  };
  const pipeline = async (target: ReturnType<typeof freshDatabase>) => {
    const parsed = await parseArxivFeed(xml);
    return ingestFeed(target.db, parsed, { relevance: target.relevance, catalogArxivIds: target.catalogArxivIds, now: new Date(), commitState: () => undefined });
  };

  // Every database is set up before the warm-up, so collecting the set-up's garbage falls on neither timed side.
  const targets = Array.from({ length: repeats }, freshDatabase);
  // Warm-up: JIT, word table, statement compilation.
  await bare.parseString(xml);
  const warm = freshDatabase();
  await pipeline(warm);
  warm.db.close();

  const parseTimes: number[] = [];
  const pipelineTimes: number[] = [];
  let reingestAdded = -1;
  for (const [repeat, target] of targets.entries()) {
    let start = cpuMs();
    await bare.parseString(xml);
    parseTimes.push(cpuMs() - start);

    start = cpuMs();
    const counts = await pipeline(target);
    pipelineTimes.push(cpuMs() - start);
    if (counts.new !== count) throw new Error(`pipeline stored ${counts.new} of ${count} items`);
    if (repeat === 0) {
      const rows = () => (target.db.prepare("SELECT count(*) AS n FROM arxiv_candidates").get() as { n: number }).n;
      const before = rows();
      await pipeline(target);
      reingestAdded = rows() - before;
    }
    target.db.close();
  }
  const parseMs = median(parseTimes);
  const pipelineMs = median(pipelineTimes);
  return {
    items: count,
    parse_only_items_per_s: Math.round((count / parseMs) * 1000),
    pipeline_items_per_s: Math.round((count / pipelineMs) * 1000),
    ratio: Math.round((pipelineMs / parseMs) * 100) / 100,
    reingest_added: reingestAdded,
  };
}
