import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestStore } from "../src/db/digest.js";
import type { Edition } from "../src/digest/content.js";
import type { WeekLabel } from "../src/digest/week.js";
import { startPaperbot, type RunningBot } from "../src/main.js";
import { createLogger } from "../src/logger.js";
import { startDiscordHarness } from "../test/support/harness/index.js";
import { chatInput, option } from "../test/support/interactions.js";
import { testEnv } from "../test/support/app.js";
import { startLoadClient } from "./http-load.js";
import { percentile } from "./lookup.js";

function benchEnv(apiUrl: string, dataDir: string) {
  return testEnv({
    DISCORD_TOKEN: "MTMwMDAwMDAwMDAwMDAwMDAwMQ.paperbot.bench-token",
    DISCORD_API_URL: apiUrl,
    DATABASE_PATH: join(dataDir, "paperbot.db"),
    BUNDLE_DIR: join(dataDir, "bundle"),
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
  });
}

/** Time from INTERACTION_CREATE on the loopback gateway to the bot's first callback, for /paper. */
export async function benchInteractions(
  queries: string[],
  count: number,
): Promise<{ ack_p50_ms: number; ack_p99_ms: number; interactions: number }> {
  const harness = await startDiscordHarness();
  const dataDir = mkdtempSync(join(tmpdir(), "paperbot-bench-"));
  const bot = await startPaperbot({ env: benchEnv(harness.apiUrl, dataDir), logger: createLogger("silent") });
  await bot.ready;
  const timings: number[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const query = queries[index % queries.length] ?? "lora";
      const payload = chatInput({ name: "paper", options: [option.string("query", query)], locale: index % 2 === 0 ? "en-US" : "ja" });
      const callback = harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` }, 10_000);
      const start = performance.now();
      harness.dispatchInteraction(payload);
      const request = await callback;
      timings.push(request.receivedAt - start);
    }
  } finally {
    await bot.stop();
    await harness.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  timings.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { ack_p50_ms: round(percentile(timings, 0.5)), ack_p99_ms: round(percentile(timings, 0.99)), interactions: timings.length };
}

/** Enough stored, published editions that listing and rendering them costs what it does in a long-running bot. */
function seedEditions(bot: RunningBot, editions: number, papersPerEdition: number): void {
  const store = digestStore(bot.app.db);
  const papers = bot.app.catalog.papers;
  for (let index = 0; index < editions; index += 1) {
    const year = 2023 + Math.floor(index / 50);
    const week = `${year}-W${String((index % 50) + 1).padStart(2, "0")}` as WeekLabel;
    const start = new Date(Date.UTC(year, 0, 2 + 7 * (index % 50)));
    const listed = Array.from({ length: papersPerEdition }, (_, offset) => papers[(index + offset) % papers.length]).filter(
      (paper) => paper !== undefined,
    );
    const edition: Edition = {
      week,
      start: start.toISOString(),
      end: new Date(start.getTime() + 7 * 86_400_000).toISOString(),
      papers: listed.map((paper) => ({
        id: paper.id,
        title: paper.title,
        titleJa: paper.titleJa ?? "",
        url: paper.url ?? "",
        topics: [...paper.topics],
        summary: { en: paper.summary.en, ja: paper.summary.ja ?? paper.summary.en },
      })),
      candidates: listed.slice(0, 5).map((paper, rank) => ({
        arxivId: `2611.${String(index * 10 + rank).padStart(5, "0")}`,
        title: paper.title,
        url: `https://arxiv.org/abs/2611.${String(index * 10 + rank).padStart(5, "0")}`,
        score: 0.9 - rank / 10,
        topics: [...paper.topics],
        excerpt: paper.summary.en,
      })),
      picks: [],
    };
    const at = new Date(start.getTime() + 7 * 86_400_000);
    store.freezeEdition(week, JSON.stringify(edition), at);
    store.publishEdition(week, at);
  }
}

export interface PageLoadFigures {
  ack_p50_ms: number;
  ack_p99_ms: number;
  interactions: number;
  /** Page responses (200) the clients got while the interactions ran, per second. */
  page_rps: number;
  page_failures: number;
  clients: number;
  editions: number;
}

/**
 * /paper acknowledgement latency while `clients` HTTP clients (another process) loop on /digest, /digest.atom and /
 * of the same bot, with `editions` published digests stored.
 */
export async function benchInteractionsUnderPageLoad(
  queries: string[],
  options: { count: number; clients: number; editions: number; papersPerEdition: number },
): Promise<PageLoadFigures> {
  const harness = await startDiscordHarness();
  const dataDir = mkdtempSync(join(tmpdir(), "paperbot-bench-"));
  const client = startLoadClient();
  let bot: RunningBot | undefined;
  const timings: number[] = [];
  try {
    bot = await startPaperbot({ env: benchEnv(harness.apiUrl, dataDir), logger: createLogger("silent") });
    await bot.ready;
    seedEditions(bot, options.editions, options.papersPerEdition);
    const base = bot.http.url;
    const load = client.run({
      url: `${base}/digest`,
      urls: [`${base}/digest`, `${base}/digest.atom`, `${base}/`],
      size: null,
      concurrency: options.clients,
      requests: 1e9,
      durationMs: 600_000,
    });
    // Let the clients get going before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (let index = 0; index < options.count; index += 1) {
      const query = queries[index % queries.length] ?? "lora";
      const payload = chatInput({ name: "paper", options: [option.string("query", query)], locale: index % 2 === 0 ? "en-US" : "ja" });
      const callback = harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` }, 30_000);
      const start = performance.now();
      harness.dispatchInteraction(payload);
      const request = await callback;
      timings.push(request.receivedAt - start);
    }
    client.halt();
    const round = await load;
    timings.sort((a, b) => a - b);
    const ms = (value: number) => Math.round(value * 1000) / 1000;
    return {
      ack_p50_ms: ms(percentile(timings, 0.5)),
      ack_p99_ms: ms(percentile(timings, 0.99)),
      interactions: timings.length,
      page_rps: Math.round((round.completed / round.elapsedMs) * 1000),
      page_failures: round.failures,
      clients: options.clients,
      editions: options.editions,
    };
  } finally {
    client.halt();
    await client.close();
    await bot?.stop();
    await harness.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
