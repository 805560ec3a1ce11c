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
import { startLoadClient, type LoadResult } from "./http-load.js";

export interface BundleBenchResult {
  /** Median time to build the bundle for the given papers, ms. */
  build_ms_catalog: number;
  /** Time to build the bundle for 10,000 papers cloned from the given ones, ms. */
  build_ms_10k: number;
  /** Completed signed downloads of the catalog bundle per second, `concurrency` keep-alive connections. */
  download_rps: number;
  /** The same requests per second against a bare node:http server holding the same bytes in memory. */
  baseline_rps: number;
  /** download_rps / baseline_rps, both measured in this run (alternating rounds of the same request count). */
  ratio: number;
  /** baseline_cpu_us / download_cpu_us: the same comparison by server CPU time per request, less sensitive to other load. */
  cpu_ratio: number;
  /** CPU time (user + system) the server process spent per signed download, µs. */
  download_cpu_us: number;
  /** CPU time the server process spent per request to the bare server, µs. */
  baseline_cpu_us: number;
  /** Requests each side (our server, the baseline) answered in the measured rounds. */
  requests: number;
}

/** The yardstick: node:http answering every request with the same bytes from memory. */
async function startBaselineServer(bytes: Buffer): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface BundleBenchOptions {
  /** Sizes the download rounds: each side gets about durationMs / ROUNDS per round at our server's warm-up rate,
   * so the measured rounds take about 2 × durationMs in all; default 6000 ms. */
  durationMs?: number;
  /** Stop the download phase after this many requests; default 20,000. */
  maxRequests?: number;
  /** Keep-alive connections (concurrent requests) per server; default 50. */
  concurrency?: number;
  /** Papers in the large build; default 10,000. */
  largeCount?: number;
}

const SECRET = "bench-secret-not-for-production-use";
/** Download and baseline phases alternate this many times. */
const ROUNDS = 10;
const WARM_UP_MS = 1000;
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
  const durationMs = options.durationMs ?? 6000;
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

  // Download: real HTTP against the real server and store, and a bare node:http server holding the same bytes in
  // memory. Both servers live in this process; the client is another process, so this process's CPU time per
  // request is what each server costs. Both get the same request (path and signed query), the same keep-alive
  // connections and the same number of requests per round.
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
  const client = startLoadClient();
  const ours = { completed: 0, elapsedMs: 0, cpuMs: 0 };
  const bare = { completed: 0, elapsedMs: 0, cpuMs: 0 };
  try {
    new BundleStore(dir).write(catalog);
    const url = signBundleUrl({
      baseUrl: server.url,
      fileName: BUNDLE_FILE_NAME,
      secret: SECRET,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const baselineUrl = new URL(url);
    baselineUrl.port = String(baseline.port);
    const targets = { ours: url, bare: baselineUrl.href };
    const size = catalog.zip.length;
    const roundOf = async (target: string, requests: number, limitMs?: number): Promise<LoadResult> => {
      const result = await client.run({
        url: target,
        size,
        concurrency,
        requests,
        ...(limitMs === undefined ? {} : { durationMs: limitMs }),
      });
      if (result.failures > 0) throw new Error(`benchBundle: ${result.failures} downloads from ${new URL(target).origin} failed`);
      return result;
    };
    // Warm up both (JIT, connections), and size the rounds from our server's rate during the warm-up.
    const warm = await roundOf(targets.ours, maxRequests, Math.min(WARM_UP_MS, durationMs));
    if (warm.completed === 0) throw new Error("benchBundle: no download completed");
    await roundOf(targets.bare, warm.completed);
    const perRound = Math.max(
      concurrency,
      Math.min(Math.ceil(maxRequests / ROUNDS), Math.ceil((warm.completed / warm.elapsedMs) * (durationMs / ROUNDS))),
    );
    // Alternate rounds of the same request count, swapping which side goes first, so background load and
    // garbage left by the previous round weigh on both sides alike.
    for (let index = 0; index < ROUNDS; index++) {
      const order = index % 2 === 0 ? (["ours", "bare"] as const) : (["bare", "ours"] as const);
      for (const side of order) {
        const result = await roundOf(targets[side], perRound);
        const total = side === "ours" ? ours : bare;
        total.completed += result.completed;
        total.elapsedMs += result.elapsedMs;
        total.cpuMs += result.serverCpuMs;
      }
    }
  } finally {
    await client.close();
    await server.close();
    await baseline.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const download_rps = ours.completed / (ours.elapsedMs / 1000);
  const baseline_rps = bare.completed / (bare.elapsedMs / 1000);
  const download_cpu_us = (ours.cpuMs * 1000) / ours.completed;
  const baseline_cpu_us = (bare.cpuMs * 1000) / bare.completed;
  return {
    build_ms_catalog: round(median(catalogTimes)),
    build_ms_10k: round(build_ms_10k),
    download_rps: round(download_rps, 1),
    baseline_rps: round(baseline_rps, 1),
    ratio: round(download_rps / baseline_rps, 2),
    cpu_ratio: round(baseline_cpu_us / download_cpu_us, 2),
    download_cpu_us: round(download_cpu_us, 1),
    baseline_cpu_us: round(baseline_cpu_us, 1),
    requests: ours.completed,
  };
}

export { FALLBACK_DATE as BENCH_FALLBACK_DATE };
