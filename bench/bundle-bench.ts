import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Paper } from "../src/catalog/types.js";
import { BUNDLE_FILE_NAME, BundleStore, buildBundle, newestAddedAt } from "../src/bundle/index.js";
import { signBundleUrl, startHttpServer } from "../src/http/index.js";
import { createLogger, systemClock } from "../src/logger.js";

export interface BundleBenchResult {
  /** Median time to build the bundle for the given papers, ms. */
  build_ms_catalog: number;
  /** Time to build the bundle for 10,000 papers cloned from the given ones, ms. */
  build_ms_10k: number;
  /** Completed signed downloads of the catalog bundle per second, 50 concurrent clients. */
  download_rps: number;
  /** The same requests per second against a bare node:http server holding the same bytes in memory. */
  baseline_rps: number;
  /** download_rps / baseline_rps, both measured in this run (alternating rounds of the same request count). */
  ratio: number;
  /** The same comparison by CPU time per request (client and servers share the process): less sensitive to other load. */
  cpu_ratio: number;
  /** Requests each side (our server, the baseline) answered in the measured rounds. */
  requests: number;
}

interface LoadResult {
  completed: number;
  elapsedMs: number;
  /** CPU time (user + system, all threads) the process spent, ms. */
  cpuMs: number;
}

/** `concurrency` fetch loops (keep-alive) until `maxRequests` were issued or `durationMs` passed; throws on a bad response. */
async function load(url: string, size: number, options: { concurrency: number; maxRequests: number; durationMs: number }): Promise<LoadResult> {
  let issued = 0;
  let completed = 0;
  let failures = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && issued < options.maxRequests) {
      issued++;
      const response = await fetch(url);
      const body = await response.arrayBuffer();
      if (response.status === 200 && body.byteLength === size) completed++;
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  if (failures > 0) throw new Error(`benchBundle: ${failures} downloads from ${new URL(url).origin} failed`);
  const cpu = process.cpuUsage(cpuBefore);
  return { completed, elapsedMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The yardstick: node:http answering every request with the same bytes from memory. */
async function startBaselineServer(bytes: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${BUNDLE_FILE_NAME}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface BundleBenchOptions {
  /** Download phase length; default 3000 ms. */
  durationMs?: number;
  /** Stop the download phase after this many requests; default 20,000. */
  maxRequests?: number;
  /** Concurrent download clients; default 50. */
  concurrency?: number;
  /** Papers in the large build; default 10,000. */
  largeCount?: number;
}

const SECRET = "bench-secret-not-for-production-use";
/** Download and baseline phases alternate this many times. */
const ROUNDS = 6;
const FALLBACK_DATE = new Date("2025-01-01T00:00:00.000Z");

/** `count` papers cloned round-robin from `papers`, with unique ids (and arXiv ids) and reading-list positions. */
export function expandPapers(papers: readonly Paper[], count: number): Paper[] {
  if (papers.length === 0) throw new Error("expandPapers: need at least one paper");
  const out: Paper[] = [];
  for (let i = 0; i < count; i++) {
    const source = papers[i % papers.length];
    if (!source) continue;
    const suffix = `-c${i}`;
    const id = `${source.id.slice(0, 64 - suffix.length).replace(/-+$/, "")}${suffix}`;
    const arxivId = source.arxivId ? `${1001 + Math.floor(i / 90_000)}.${10_000 + (i % 90_000)}` : null;
    const clone: Paper = structuredClone(source);
    out.push({
      ...clone,
      id,
      arxivId,
      url: arxivId ? `https://arxiv.org/abs/${arxivId}` : clone.url,
      title: `${clone.title} (${i})`,
      position: i + 1,
    });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

export async function benchBundle(papers: Paper[], options: BundleBenchOptions = {}): Promise<BundleBenchResult> {
  const durationMs = options.durationMs ?? 3000;
  const maxRequests = options.maxRequests ?? 20_000;
  const concurrency = options.concurrency ?? 50;
  const generatedAt = newestAddedAt(papers) ?? FALLBACK_DATE;

  // Build: warm up once (JIT, zlib), then take the median of a few runs.
  const catalog = buildBundle(papers, { generatedAt });
  const catalogTimes: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    buildBundle(papers, { generatedAt });
    catalogTimes.push(performance.now() - started);
  }

  const large = expandPapers(papers, options.largeCount ?? 10_000);
  const largeStarted = performance.now();
  buildBundle(large, { generatedAt });
  const build_ms_10k = performance.now() - largeStarted;

  // Download: real HTTP against the real server and store, then a bare node:http server holding the same bytes
  // in memory, for the same number of requests over the same number of keep-alive connections.
  const dir = mkdtempSync(join(tmpdir(), "paperbot-bench-"));
  const server = await startHttpServer({
    port: 0,
    bundleStore: new BundleStore(dir),
    secret: SECRET,
    clock: systemClock,
    logger: createLogger("silent"),
    health: () => ({ database: "ok", discord: "disabled" }),
  });
  const baseline = await startBaselineServer(catalog.zip);
  let download: LoadResult;
  let bare: LoadResult;
  try {
    new BundleStore(dir).write(catalog);
    const url = signBundleUrl({ baseUrl: server.url, fileName: BUNDLE_FILE_NAME, secret: SECRET, expiresAt: new Date(Date.now() + 3_600_000) });
    // Warm up both (JIT, connections) and size the rounds from our server's rate over one round's time.
    const size = catalog.zip.length;
    const warm = await load(url, size, { concurrency, maxRequests, durationMs: durationMs / ROUNDS });
    if (warm.completed === 0) throw new Error("benchBundle: no download completed");
    await load(baseline.url, size, { concurrency, maxRequests: warm.completed, durationMs: Number.POSITIVE_INFINITY });
    const perRound = Math.max(concurrency, Math.min(Math.ceil(maxRequests / ROUNDS), warm.completed));
    // Alternate rounds of the same request count, swapping which side goes first, so background load and
    // garbage collected after the previous phase weigh on both sides alike.
    download = { completed: 0, elapsedMs: 0, cpuMs: 0 };
    bare = { completed: 0, elapsedMs: 0, cpuMs: 0 };
    const fixed = { concurrency, maxRequests: perRound, durationMs: Number.POSITIVE_INFINITY };
    for (let round = 0; round < ROUNDS; round++) {
      const first = round % 2 === 0 ? url : baseline.url;
      const a = await load(first, size, fixed);
      const b = await load(first === url ? baseline.url : url, size, fixed);
      const [ours, theirs] = first === url ? [a, b] : [b, a];
      download = { completed: download.completed + ours.completed, elapsedMs: download.elapsedMs + ours.elapsedMs, cpuMs: download.cpuMs + ours.cpuMs };
      bare = { completed: bare.completed + theirs.completed, elapsedMs: bare.elapsedMs + theirs.elapsedMs, cpuMs: bare.cpuMs + theirs.cpuMs };
    }
  } finally {
    await server.close();
    await baseline.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const download_rps = download.completed / (download.elapsedMs / 1000);
  const baseline_rps = bare.completed / (bare.elapsedMs / 1000);
  return {
    build_ms_catalog: round(median(catalogTimes)),
    build_ms_10k: round(build_ms_10k),
    download_rps: round(download_rps, 1),
    baseline_rps: round(baseline_rps, 1),
    ratio: round(download_rps / baseline_rps, 2),
    cpu_ratio: round(bare.cpuMs / bare.completed / (download.cpuMs / download.completed), 2),
    requests: download.completed,
  };
}

export { FALLBACK_DATE as BENCH_FALLBACK_DATE };
