import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDiscordHarness, syntheticGuildEvent, syntheticServerId, type DiscordHarness } from "../test/support/harness/index.js";
import { autocomplete, chatInput, option } from "../test/support/interactions.js";
import { percentile } from "./lookup.js";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { treeCpuSeconds, treePssMb, treeRssMb } from "./process-tree.js";

export interface ScaleOptions {
  /** Servers the bot is in (the harness's default guild counts as one). */
  servers: number;
  /** How long the load runs once the bot is ready. */
  seconds: number;
  /** The built bot's entry point (dist-bench/src/main.js). */
  mainJs: string;
  catalogPath: string;
  maxConcurrency?: number;
  /** Extra node/V8 flags for the bot (e.g. --cpu-prof, --trace-gc, --max-semi-space-size=64). */
  nodeArgs?: string[];
  /** Where the bot's stdout goes (--trace-gc writes there); dropped without. */
  botStdout?: string;
  log: (line: string) => void;
}

export interface ScaleResult {
  servers: number;
  shards: number;
  /** Bot processes answering commands (1 without clusters). */
  clusters: number;
  ready_s: number | null;
  rss_mb: number;
  rss_mb_end: number;
  /** Peak proportional set size of the tree: pages the processes share (the node binary, libraries) counted once. */
  pss_mb: number;
  seconds: number;
  ack_p50_ms: number | null;
  ack_p99_ms: number | null;
  ack_max_ms: number | null;
  acks: number;
  unanswered: number;
  startup_commands: number;
  startup_late: number;
  startup_late_share: number | null;
  answered_twice: number;
  /** CPU over the load window, in % of one core: the bot's process tree, and this process (the loopback Discord and load). */
  bot_cpu_pct: number | null;
  harness_cpu_pct: number | null;
  /** This process's own event-loop delay over the load window: what its clock adds to every ack at most. */
  harness_loop_p99_ms: number | null;
  harness_loop_max_ms: number | null;
  load_1m_before: number;
  load_1m_after: number;
  error?: string;
}

const TICK_MS = 50;
/** Per tick (20 a second each): one /paper, one autocomplete; and 2.5 gateway events (50 a second). */
const EVENTS_PER_TWO_TICKS = 5;
const LATE_MS = 3_000;
const QUERIES = [
  "lora",
  "attention is all you need",
  "rlhf",
  "chain of thought",
  "mixture of experts",
  "flash attention",
  "scaling laws",
  "rag",
];

interface Sent {
  at: number;
  startup: boolean;
  answers: number;
  ackMs: number | null;
}

/** The 1-minute load average (the machine is shared: recorded with each run). */
function loadAverage(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "0");
}

/** A server on a shard that has connected, or null while none has. */
function connectedServer(harness: DiscordHarness, servers: number): string | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = syntheticServerId(Math.floor(Math.random() * servers));
    if (harness.isConnected(id)) return id;
  }
  return null;
}

/**
 * Starts the built bot as its own process against a loopback Discord with `servers` servers, sends
 * 20 /paper + 20 autocompletes + 50 gateway events a second from the first connected shard on, and measures
 * start-up, memory of the process tree and acknowledgement times (INTERACTION_CREATE sent → first callback received).
 */
export async function benchScale(options: ScaleOptions): Promise<ScaleResult> {
  const synthetic = Math.max(0, options.servers - 1);
  const harness = await startDiscordHarness({ servers: synthetic, maxConcurrency: options.maxConcurrency ?? 1 });
  const dir = mkdtempSync(join(tmpdir(), "paperbot-bench-scale-"));
  const sent = new Map<string, Sent>();
  harness.onRequest((request) => {
    if (request.route !== "POST /interactions/:id/:token/callback") return;
    const entry = sent.get(request.params["id"] ?? "");
    if (!entry) return;
    if (entry.ackMs === null) entry.ackMs = request.receivedAt - entry.at;
    // Accepted answers only: a late one (Discord: 10062 Unknown interaction) may be retried as an error reply.
    if (request.response.status < 300) entry.answers += 1;
  });
  const loadBefore = loadAverage();
  const started = performance.now();
  const passthrough = Object.fromEntries(
    ["SHARD_COUNT", "SHARD_LIST", "SHARDS", "CLUSTERS", "SHARDS_PER_CLUSTER", "NODE_OPTIONS"].flatMap((key) =>
      process.env[key] ? [[key, process.env[key]]] : [],
    ),
  );
  const stdoutFd = options.botStdout ? openSync(options.botStdout, "w") : undefined;
  const child = spawn(process.execPath, ["--max-old-space-size=8192", ...(options.nodeArgs ?? []), options.mainJs], {
    cwd: dir,
    env: {
      PATH: process.env["PATH"] ?? "",
      DISCORD_TOKEN: "MTMwMDAwMDAwMDAwMDAwMDAwMQ.paperbot.bench-token",
      DISCORD_API_URL: harness.apiUrl,
      DATABASE_PATH: join(dir, "paperbot.db"),
      BUNDLE_DIR: join(dir, "bundle"),
      CATALOG_PATH: options.catalogPath,
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ARXIV_RSS_URL: "http://127.0.0.1:9/rss",
      ...passthrough,
    },
    stdio: ["ignore", stdoutFd ?? "ignore", "pipe"],
  });
  let readyAt: number | null = null;
  let clusters = 1;
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    stderr = (stderr + text).slice(-20_000);
    for (const line of text.split("\n")) {
      if (readyAt === null && line.includes('"msg":"ready"') && !line.includes('"cluster"')) readyAt = performance.now();
      const plan = /"clusters":(\d+).*"msg":"cluster plan"/.exec(line);
      if (plan) clusters = Number(plan[1]);
      if (line.includes("shard plan") || line.includes("cluster plan") || line.includes('"msg":"ready"') || line.includes('"level":50'))
        options.log(`bot: ${line.slice(0, 300)}`);
    }
  });
  let rssPeak = 0;
  let rssNow = 0;
  let pssPeak = 0;
  let tick = 0;
  const sampler = setInterval(() => {
    if (child.pid === undefined || exitCode !== undefined) return;
    rssNow = treeRssMb(child.pid);
    rssPeak = Math.max(rssPeak, rssNow);
    pssPeak = Math.max(pssPeak, treePssMb(child.pid));
  }, 1_000);
  const load = setInterval(() => {
    tick += 1;
    const startup = readyAt === null;
    const paperGuild = connectedServer(harness, synthetic);
    if (paperGuild) {
      const query = QUERIES[tick % QUERIES.length] ?? "lora";
      const payload = chatInput({
        name: "paper",
        guildId: paperGuild,
        options: [option.string("query", query)],
        locale: tick % 2 === 0 ? "en-US" : "ja",
      });
      sent.set(payload.id, { at: performance.now(), startup, answers: 0, ackMs: null });
      harness.dispatchToShard("INTERACTION_CREATE", payload);
    }
    const completeGuild = connectedServer(harness, synthetic);
    if (completeGuild) {
      const payload = autocomplete({
        name: "paper",
        guildId: completeGuild,
        options: [option.focused("query", (QUERIES[tick % QUERIES.length] ?? "lo").slice(0, 3))],
      });
      sent.set(payload.id, { at: performance.now(), startup, answers: 0, ackMs: null });
      harness.dispatchToShard("INTERACTION_CREATE", payload);
    }
    const events = tick % 2 === 0 ? Math.ceil(EVENTS_PER_TWO_TICKS / 2) : Math.floor(EVENTS_PER_TWO_TICKS / 2);
    for (let n = 0; n < events; n++) {
      const index = Math.floor(Math.random() * synthetic);
      if (!harness.isConnected(syntheticServerId(index))) continue;
      const { event, data } = syntheticGuildEvent(index, tick * 3 + n);
      harness.dispatchToShard(event, data);
    }
  }, TICK_MS);
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let error: string | undefined;
  let cpu: { bot: number | null; harness: number; loopP99: number; loopMax: number } | null = null;
  try {
    // Ready, or the bot gave up (4011 without sharding), or far too long.
    while (readyAt === null && exitCode === undefined && performance.now() - started < 30 * 60_000) await wait(200);
    if (readyAt === null) {
      const said = stderr.split("\n").find((line) => line.startsWith("paperbot: ")) ?? stderr.trim().split("\n").slice(-1)[0] ?? "";
      error = exitCode !== undefined ? `bot exited with ${String(exitCode)}: ${said.slice(0, 300)}` : "bot not ready after 30 min";
    } else {
      options.log(`scale: ready after ${((readyAt - started) / 1000).toFixed(1)} s; load for ${options.seconds} s`);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const ownBefore = process.cpuUsage();
      const botBefore = child.pid === undefined ? 0 : treeCpuSeconds(child.pid);
      const windowStart = performance.now();
      await wait(options.seconds * 1_000);
      const windowS = (performance.now() - windowStart) / 1000;
      loop.disable();
      const own = process.cpuUsage(ownBefore);
      cpu = {
        bot: child.pid === undefined ? null : Math.round(((treeCpuSeconds(child.pid) - botBefore) / windowS) * 1000) / 10,
        harness: Math.round(((own.user + own.system) / 1e6 / windowS) * 1000) / 10,
        loopP99: Math.round(loop.percentile(99) / 1e5) / 10,
        loopMax: Math.round(loop.max / 1e5) / 10,
      };
    }
  } finally {
    clearInterval(load);
    // Answers still in flight get a few seconds.
    await wait(5_000);
    clearInterval(sampler);
    if (exitCode === undefined) {
      child.kill("SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), wait(20_000).then(() => false)]);
      if (!stopped) child.kill("SIGKILL");
    }
    await harness.close();
    if (stdoutFd !== undefined) closeSync(stdoutFd);
    rmSync(dir, { recursive: true, force: true });
  }
  const readyTime = readyAt;
  const steady = [...sent.values()].filter(
    (entry) => !entry.startup && readyTime !== null && entry.at <= readyTime + options.seconds * 1_000,
  );
  const acks = steady.flatMap((entry) => (entry.ackMs === null ? [] : [entry.ackMs])).sort((a, b) => a - b);
  const startupSent = [...sent.values()].filter((entry) => entry.startup);
  const late = startupSent.filter((entry) => entry.ackMs === null || entry.ackMs > LATE_MS).length;
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    servers: options.servers,
    shards: new Set(harness.identifies.map((identify) => JSON.stringify(identify.shard ?? [0, 1]))).size,
    clusters,
    ready_s: readyTime === null ? null : round((readyTime - started) / 1000),
    rss_mb: rssPeak,
    rss_mb_end: rssNow,
    pss_mb: pssPeak,
    seconds: options.seconds,
    ack_p50_ms: acks.length ? round(percentile(acks, 0.5)) : null,
    ack_p99_ms: acks.length ? round(percentile(acks, 0.99)) : null,
    ack_max_ms: acks.length ? round(acks[acks.length - 1] ?? 0) : null,
    acks: acks.length,
    unanswered: steady.filter((entry) => entry.ackMs === null).length,
    startup_commands: startupSent.length,
    startup_late: late,
    startup_late_share: startupSent.length ? Math.round((late / startupSent.length) * 1000) / 1000 : null,
    answered_twice: [...sent.values()].filter((entry) => entry.answers > 1).length,
    bot_cpu_pct: cpu?.bot ?? null,
    harness_cpu_pct: cpu?.harness ?? null,
    harness_loop_p99_ms: cpu?.loopP99 ?? null,
    harness_loop_max_ms: cpu?.loopMax ?? null,
    load_1m_before: loadBefore,
    load_1m_after: loadAverage(),
    ...(error ? { error } : {}),
  };
}
