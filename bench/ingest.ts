import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Parser from "rss-parser";
import { StreamCounter } from "../src/arxiv/corpus.js";
import { ingestFeed } from "../src/arxiv/ingest.js";
import { FEED_CUSTOM_FIELDS, FEED_ITEM_FIELDS, FEED_XML_LIMITS, parseArxivFeed } from "../src/arxiv/parse.js";
import { parseFeedItems } from "../src/arxiv/feed-items.js";
import { candidateStore, type NewPaper, type Scored } from "../src/db/candidates.js";
import type { Db } from "../src/db/connection.js";
import { RelevanceModel, type FeedScorer } from "../src/arxiv/relevance.js";
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
  /** pipeline time / parse-only time (target ≤ 2.0). */
  ratio: number;
  /** Rows added by ingesting the same feed a second time (must be 0). */
  reingest_added: number;
  /** Our parse alone (the one-pass read plus the item checks and decoding) / parse-only time. */
  parse_checked_ratio: number;
  /** The pipeline with scoring left out (every paper gets the same constant relevance; the term statistics are still counted) / parse-only time. */
  unscored_ratio: number;
  /**
   * The least an ingest built on the same parts can cost, over the same bare parse: the feed's items as read (the
   * one-pass read of feed-items.ts) stored as they come (no checks, TeX, statistics or scores) in one transaction;
   * `floor_counted_ratio` also counts the stream statistics (the terms of each title and abstract) that the relevance
   * model needs.
   */
  floor_ratio: number;
  floor_counted_ratio: number;
  /** Median process CPU ms of each step (the ratios' numerators and denominator), and each round's pipeline / parse. */
  steps_ms: { parse: number; checked: number; unscored: number; pipeline: number; floor: number; floor_counted: number };
  ratio_by_round: { min: number; max: number };
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
    return item
      .replaceAll(old, id)
      .replace(/Announce Type: \S+/, "Announce Type: new")
      .replace(/<arxiv:announce_type>[^<]*</, "<arxiv:announce_type>new<");
  });
  const start = realFeed.indexOf("<item>");
  const end = realFeed.lastIndexOf("</item>") + "</item>".length;
  return realFeed.slice(0, start) + made.join("\n") + realFeed.slice(end);
}

/** The floor reads the feed in one pass, as the pipeline does: a feed handed to rss-parser instead is a bench error. */
const ONE_PASS_ONLY = {
  now: () => performance.now(),
  fallback: () => Promise.reject(new Error("the bench feed was not read in one pass (see src/arxiv/feed-items.ts)")),
};

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
export async function benchIngest(options: {
  fixtureDir: string;
  catalogPath: string;
  items?: number;
  repeats?: number;
}): Promise<IngestBenchResult> {
  const count = options.items ?? 2000;
  const repeats = options.repeats ?? 8;
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
  const pipeline = async (target: ReturnType<typeof freshDatabase>, relevance: FeedScorer = target.relevance) => {
    const parsed = await parseArxivFeed(xml);
    return ingestFeed(target.db, parsed, {
      relevance,
      catalogArxivIds: target.catalogArxivIds,
      now: new Date(),
      commitState: () => undefined,
    });
  };
  const unscored: FeedScorer = {
    scoreFeed: (papers) => {
      const counter = new StreamCounter();
      for (const paper of papers) counter.add(paper);
      return {
        relevance: papers.map(() => ({ canonScore: 0, bonus: 0, score: 0, reasons: { papers: [], topics: [] } })),
        counts: counter.take(),
      };
    },
  };

  const emptyDatabase = () => {
    const db = openDatabase(":memory:");
    migrate(db);
    return db;
  };
  const floor = async (db: Db, counted: boolean) => {
    const parsed = await parseFeedItems(xml, FEED_CUSTOM_FIELDS, { limits: FEED_XML_LIMITS, pick: FEED_ITEM_FIELDS }, ONE_PASS_ONLY);
    const items = (parsed as { items: Record<string, unknown>[] }).items;
    const asText = (value: unknown) => (typeof value === "string" ? value : "");
    const rows = items.map((item) => ({
      paper: {
        arxivId: asText(item["guid"]),
        version: 1,
        title: asText(item["title"]),
        authors: [asText(item["creator"])],
        categories: Array.isArray(item["categories"]) ? item["categories"].map(asText) : [],
        abstract: asText(item["content"]),
        license: null,
      } satisfies NewPaper,
      relevance: { canonScore: 0, bonus: 0, score: 0, reasons: { papers: [], topics: [] } } satisfies Scored,
    }));
    const counter = new StreamCounter();
    if (counted) for (const row of rows) counter.add(row.paper);
    const stored = db.transaction(() => candidateStore(db).insertMany(rows, new Date().toISOString())).immediate();
    if (stored !== count) throw new Error(`floor stored ${stored} of ${count} items`);
    return counter.take();
  };

  // Every database is set up before the warm-up, so collecting the set-up's garbage falls on no timed step.
  const targets = Array.from({ length: repeats }, () => ({
    scored: freshDatabase(),
    unscored: freshDatabase(),
    floor: emptyDatabase(),
    floorCounted: emptyDatabase(),
  }));
  // Warm-up: JIT, word table, statement compilation.
  await bare.parseString(xml);
  for (const relevance of [undefined, unscored]) {
    const warm = freshDatabase();
    await pipeline(warm, relevance);
    warm.db.close();
  }
  for (const counted of [false, true]) {
    const warm = emptyDatabase();
    await floor(warm, counted);
    warm.close();
  }

  const times = {
    parse: [] as number[],
    checked: [] as number[],
    unscored: [] as number[],
    pipeline: [] as number[],
    floor: [] as number[],
    floor_counted: [] as number[],
  };
  let reingestAdded = -1;
  for (const [repeat, target] of targets.entries()) {
    const steps: [keyof typeof times, () => Promise<unknown>][] = [
      ["parse", () => bare.parseString(xml)],
      ["checked", () => parseArxivFeed(xml)],
      ["unscored", () => pipeline(target.unscored, unscored)],
      ["floor", () => floor(target.floor, false)],
      ["floor_counted", () => floor(target.floorCounted, true)],
      [
        "pipeline",
        async () => {
          const counts = await pipeline(target.scored);
          if (counts.new !== count) throw new Error(`pipeline stored ${counts.new} of ${count} items`);
        },
      ],
    ];
    // Each repeat starts at the next step, so no step always pays for the garbage the one before it left.
    for (let at = 0; at < steps.length; at += 1) {
      const step = steps[(repeat + at) % steps.length];
      if (!step) continue;
      const [name, run] = step;
      const start = cpuMs();
      await run();
      times[name].push(cpuMs() - start);
    }
    if (repeat === 0) {
      const rows = () => (target.scored.db.prepare("SELECT count(*) AS n FROM arxiv_candidates").get() as { n: number }).n;
      const before = rows();
      await pipeline(target.scored);
      reingestAdded = rows() - before;
    }
    target.scored.db.close();
    target.unscored.db.close();
    target.floor.close();
    target.floorCounted.close();
  }
  const parseMs = median(times.parse);
  const pipelineMs = median(times.pipeline);
  const ratioTo = (ms: number) => Math.round((ms / parseMs) * 100) / 100;
  // The same ratio from each round's own pair: how far one round's machine state moves it.
  const byRound = times.pipeline.map((ms, round) => ms / (times.parse[round] ?? ms));
  return {
    items: count,
    parse_only_items_per_s: Math.round((count / parseMs) * 1000),
    pipeline_items_per_s: Math.round((count / pipelineMs) * 1000),
    ratio: ratioTo(pipelineMs),
    reingest_added: reingestAdded,
    parse_checked_ratio: ratioTo(median(times.checked)),
    unscored_ratio: ratioTo(median(times.unscored)),
    floor_ratio: ratioTo(median(times.floor)),
    floor_counted_ratio: ratioTo(median(times.floor_counted)),
    steps_ms: {
      parse: Math.round(parseMs),
      checked: Math.round(median(times.checked)),
      unscored: Math.round(median(times.unscored)),
      pipeline: Math.round(pipelineMs),
      floor: Math.round(median(times.floor)),
      floor_counted: Math.round(median(times.floor_counted)),
    },
    ratio_by_round: {
      min: Math.round(Math.min(...byRound) * 100) / 100,
      max: Math.round(Math.max(...byRound) * 100) / 100,
    },
  };
}
