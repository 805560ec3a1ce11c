import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { shardOf } from "../support/harness/servers.js";
import { startDiscordHarness, syntheticServerId, type DiscordHarness } from "../support/harness/index.js";
import { tempDir } from "../support/app.js";
import { readFixture, startArxivServer, FIXTURES } from "../support/arxiv.js";
import { TEST_TOKEN } from "../support/bot.js";
import { mainJs, spawnBot } from "../support/child.js";
import { chatInput, option } from "../support/interactions.js";

/** Generous: the clusters are real processes on a busy 2-core box (these are deadlines, not measurements). */
const WAIT = { timeout: 100_000, interval: 100 };
const TEST_MS = 240_000;

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return ppid === pid ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** The cluster a process runs (CLUSTER in its environment), or null. */
function clusterOf(pid: number): string | null {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    return environ.find((entry) => entry.startsWith("CLUSTER="))?.slice("CLUSTER=".length) ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A synthetic server on shard `shard` of 2. */
function serverOnShard(shard: number): string {
  for (let index = 0; index < 8; index++) if (shardOf(syntheticServerId(index), 2) === shard) return syntheticServerId(index);
  throw new Error(`no synthetic server on shard ${shard}`);
}

/** Sends /paper to `guildId`; resolves with the callbacks Discord received for it (waits until there is one). */
async function askPaper(harness: DiscordHarness, guildId: string): Promise<number> {
  const payload = chatInput({ name: "paper", guildId, options: [option.string("query", "lora")] });
  harness.dispatchToShard("INTERACTION_CREATE", payload);
  const callbacks = () => harness.findRequests({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` }).length;
  await vi.waitFor(() => expect(callbacks()).toBeGreaterThan(0), WAIT);
  return callbacks();
}

async function startClusteredBot(extraEnv: Record<string, string> = {}) {
  const harness = await startDiscordHarness({ servers: 8, maxConcurrency: 16 });
  onTestFinished(() => harness.close());
  const dir = tempDir("paperbot-clusters-");
  const bot = spawnBot(dir, {
    DISCORD_TOKEN: TEST_TOKEN,
    DISCORD_API_URL: harness.apiUrl,
    DATABASE_PATH: join(dir, "bot.db"),
    LOG_LEVEL: "info",
    SHARD_COUNT: "2",
    CLUSTERS: "2",
    ...extraEnv,
  });
  onTestFinished(({ task }) => {
    if (task.result?.state === "fail") process.stderr.write(`bot's log:\n${bot.stderr().slice(-6_000)}\n`);
  });
  await vi.waitFor(() => expect(bot.stderr()).toContain('"msg":"ready"'), WAIT);
  const pid = bot.child.pid ?? -1;
  const clusterPid = (id: string) => childrenOf(pid).find((child) => clusterOf(child) === id);
  return { harness, bot, dir, pid, clusterPid };
}

describe.skipIf(!existsSync(mainJs))("clusters (CLUSTERS=2, the built bot)", () => {
  it(
    "runs the jobs and the web server once, in the manager; each cluster answers its own shard's commands once",
    async () => {
      const arxiv = await startArxivServer();
      onTestFinished(() => arxiv.close());
      arxiv.route("/rss/cs.CL", { body: readFixture(FIXTURES.csCL) });
      const { harness, bot, pid, clusterPid } = await startClusteredBot({
        ARXIV_RSS_URL: `${arxiv.url}/rss`,
        ARXIV_CATEGORIES: "cs.CL",
        ARXIV_REQUEST_INTERVAL_MS: "0",
      });
      expect([clusterPid("0"), clusterPid("1")].every((child) => child !== undefined)).toBe(true);
      // The poll on start (a fresh database catches up) ran in one process, against the one feed.
      await vi.waitFor(() => expect(bot.stderr()).toContain('"msg":"arxiv feed polled"'), WAIT);
      expect(arxiv.requests.filter((request) => request.path === "/rss/cs.CL")).toHaveLength(1);
      expect(bot.stderr().split('"msg":"arxiv feed polled"')).toHaveLength(2);
      expect(bot.stderr().split('"msg":"http server listening"')).toHaveLength(2);
      // Each shard's IDENTIFY came from its own process (two sessions), and each answer came once.
      expect(new Set(harness.identifies.map((identify) => JSON.stringify(identify.shard)))).toEqual(new Set(["[0,2]", "[1,2]"]));
      expect(await askPaper(harness, serverOnShard(0))).toBe(1);
      expect(await askPaper(harness, serverOnShard(1))).toBe(1);
      expect(childrenOf(pid)).toHaveLength(2);
      // A command's DM (the /follow welcome) goes through the manager, which sends it: it arrives once.
      const follow = chatInput({ name: "follow", guildId: serverOnShard(1) });
      harness.dispatchToShard("INTERACTION_CREATE", follow);
      await vi.waitFor(() => expect(harness.findRequests({ method: "POST", path: "/users/@me/channels" })).toHaveLength(1), WAIT);
      const callback = { method: "POST", path: `/interactions/${follow.id}/${follow.token}/callback` } as const;
      await vi.waitFor(() => expect(harness.findRequests(callback)).toHaveLength(1), WAIT);
    },
    TEST_MS,
  );

  it(
    "restarts a killed cluster alone while the other keeps answering (rolling restart)",
    async () => {
      const { harness, bot, clusterPid } = await startClusteredBot();
      const second = clusterPid("1");
      if (second === undefined) throw new Error("cluster 1 is not running");
      const identifiesBefore = harness.identifies.filter((identify) => JSON.stringify(identify.shard) === "[1,2]").length;
      process.kill(second, "SIGKILL");
      await vi.waitFor(() => expect(bot.stderr()).toContain("cluster exited; restarting it alone"), WAIT);
      // Cluster 0 answers while cluster 1 is down or coming back.
      expect(await askPaper(harness, serverOnShard(0))).toBe(1);
      await vi.waitFor(() => {
        expect(clusterPid("1")).not.toBe(second);
        expect(harness.identifies.filter((identify) => JSON.stringify(identify.shard) === "[1,2]").length).toBe(identifiesBefore + 1);
      }, WAIT);
      // The manager has heard cluster 1 say ready twice: at start, and after the restart.
      const readiesOfSecond = () =>
        bot.stderr().match(/"cluster":1,"guilds":\d+,"ready":\d+,"clusters":2,"msg":"cluster ready"/g)?.length ?? 0;
      await vi.waitFor(() => expect(readiesOfSecond()).toBe(2), WAIT);
      // Back: shard 1's commands are answered again, once; cluster 0 never restarted.
      expect(await askPaper(harness, serverOnShard(1))).toBe(1);
      expect(harness.identifies.filter((identify) => JSON.stringify(identify.shard) === "[0,2]")).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    "SIGTERM to the manager stops every cluster, closes every gateway connection and exits 0",
    async () => {
      const { harness, bot, pid } = await startClusteredBot();
      const clusters = childrenOf(pid);
      expect(clusters).toHaveLength(2);
      bot.child.kill("SIGTERM");
      expect(await bot.exited).toBe(0);
      expect(clusters.filter(alive)).toEqual([]);
      await vi.waitFor(() => expect(harness.openConnections).toBe(0), WAIT);
      expect(bot.stderr().split('"msg":"cluster stopped"')).toHaveLength(3);
      expect(bot.stderr()).toContain('"msg":"http server closed"');
      expect(bot.stderr()).toContain('"msg":"stopped"');
    },
    TEST_MS,
  );

  it(
    "SIGTERM while the clusters still start one after another: the started ones stop, the rest never start, exit 0",
    async () => {
      // max_concurrency 1: cluster 1 may start only 5 s after cluster 0.
      const harness = await startDiscordHarness({ servers: 8, maxConcurrency: 1 });
      onTestFinished(() => harness.close());
      const dir = tempDir("paperbot-clusters-");
      const bot = spawnBot(dir, {
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: harness.apiUrl,
        DATABASE_PATH: join(dir, "bot.db"),
        LOG_LEVEL: "info",
        SHARD_COUNT: "2",
        CLUSTERS: "2",
      });
      await vi.waitFor(() => expect(bot.stderr()).toMatch(/"cluster":0,.*"msg":"shard plan"/), WAIT);
      const started = childrenOf(bot.child.pid ?? -1);
      bot.child.kill("SIGTERM");
      expect(await bot.exited).toBe(0);
      expect(started.filter(alive)).toEqual([]);
      await vi.waitFor(() => expect(harness.openConnections).toBe(0), WAIT);
      expect(bot.stderr()).toContain('"msg":"stopped"');
    },
    TEST_MS,
  );
});
