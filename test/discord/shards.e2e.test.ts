/**
 * src/discord/shards.ts and gateway-interactions.ts: shards as Discord recommends (SHARD_COUNT / SHARD_LIST override),
 * and commands answered by a connected shard while the others still connect, once each.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { Events, type Interaction } from "discord.js";
import { parseConfig } from "../../src/config.js";
import { shardPlan } from "../../src/discord/shards.js";
import { createMemoryLogger } from "../../src/logger.js";
import { startPaperbot, type RunningBot } from "../../src/main.js";
import { testEnv, configProblems } from "../support/app.js";
import { TEST_TOKEN, useTestBot } from "../support/bot.js";
import { shardOf, startDiscordHarness, syntheticServerId, type DiscordHarnessOptions } from "../support/harness/index.js";
import { chatInput, option } from "../support/interactions.js";

const gatewayAnswer = (shards: number, maxConcurrency = 1) => ({
  url: "wss://gateway.discord.gg",
  shards,
  session_start_limit: { total: 1000, remaining: 990, reset_after: 0, max_concurrency: maxConcurrency },
});

describe("the shard plan", () => {
  it("follows Discord's recommendation unless SHARD_COUNT / SHARD_LIST say otherwise; identify rounds by max_concurrency", () => {
    expect(shardPlan({ count: undefined, ids: undefined }, gatewayAnswer(50, 16))).toMatchObject({
      count: 50,
      recommended: 50,
      maxConcurrency: 16,
      identifySeconds: 15,
    });
    expect(shardPlan({ count: undefined, ids: undefined }, gatewayAnswer(3)).ids).toEqual([0, 1, 2]);
    expect(shardPlan({ count: 4, ids: [2, 3] }, gatewayAnswer(3))).toMatchObject({ count: 4, ids: [2, 3], identifySeconds: 5 });
  });

  it("SHARD_COUNT and SHARD_LIST are checked with the rest of the environment", () => {
    expect(parseConfig(testEnv({ SHARD_COUNT: "4", SHARD_LIST: "3, 1" })).discord.sharding).toEqual({ count: 4, ids: [3, 1] });
    expect(parseConfig(testEnv()).discord.sharding).toEqual({ count: undefined, ids: undefined });
    expect(configProblems(testEnv({ SHARD_LIST: "1" })).join("\n")).toMatch(/^SHARD_LIST .*needs SHARD_COUNT/m);
    expect(configProblems(testEnv({ SHARD_COUNT: "2", SHARD_LIST: "0,2" })).join("\n")).toMatch(/^SHARD_LIST .*below it/m);
    expect(configProblems(testEnv({ SHARD_COUNT: "0" })).join("\n")).toMatch(/^SHARD_COUNT /m);
  });
});

describe("sharding against the loopback Discord", () => {
  it("opens the shards /gateway/bot recommends, each with its own servers, and logs the plan", async () => {
    const t = await useTestBot({ harness: { servers: 1_200, maxConcurrency: 2 } });
    expect(t.harness.identifies.map((identify) => identify.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const ready of t.harness.readies) expect(ready.guildIds.every((id) => shardOf(id, 2) === ready.shard[0])).toBe(true);
    expect(t.bot.client.guilds.cache.size).toBe(1_201);
    expect(t.logs.records.find((record) => record["msg"] === "shard plan")).toMatchObject({
      shards: 2,
      recommended: 2,
      source: "discord",
      maxConcurrency: 2,
    });
    // 1,200 servers of 30 channels, 20 roles and 10 emojis each: none of it kept.
    expect(t.bot.client.channels.cache.size).toBe(0);
    expect(
      t.bot.client.guilds.cache.reduce(
        (sum, guild) => sum + guild.roles.cache.size + guild.emojis.cache.size + guild.channels.cache.size,
        0,
      ),
    ).toBe(0);
  }, 120_000);

  it("SHARD_COUNT and SHARD_LIST choose the shards this process runs", { timeout: 60_000 }, async () => {
    const t = await useTestBot({ env: { SHARD_COUNT: "2", SHARD_LIST: "1" } });
    expect(t.harness.identifies.map((identify) => identify.shard)).toEqual([[1, 2]]);
    expect(t.logs.records.find((record) => record["msg"] === "shard plan")).toMatchObject({ shards: 2, here: "1", source: "SHARD_COUNT" });
  });

  it("a shard that would hold 2,500 servers is refused (4011) and start-up fails with Discord's reason", { timeout: 60_000 }, async () => {
    await expect(useTestBot({ harness: { servers: 2_499 }, env: { SHARD_COUNT: "1" } })).rejects.toThrow(/Sharding is required/i);
  });
});

/** startPaperbot without waiting for login or ready (both wait for the last shard). */
async function startWithoutWaiting(harnessOptions: DiscordHarnessOptions) {
  const harness = await startDiscordHarness(harnessOptions);
  const dataDir = mkdtempSync(join(tmpdir(), "paperbot-shards-"));
  const starting = startPaperbot({
    env: testEnv({
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: harness.apiUrl,
      DATABASE_PATH: join(dataDir, "paperbot.db"),
      BUNDLE_DIR: join(dataDir, "bundle"),
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
    }),
    logger: createMemoryLogger(),
  });
  starting.catch(() => undefined);
  onTestFinished(async () => {
    const bot: RunningBot | undefined = await starting.catch(() => undefined);
    await bot?.stop();
    await harness.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { harness, starting };
}

describe("commands during start-up", () => {
  it("a connected shard answers while the next one still connects, and discord.js's replay at ready is not answered again", async () => {
    // Two shards identified 5 s apart (max_concurrency 1): shard 0 is up long before the client is ready.
    const { harness, starting } = await startWithoutWaiting({ servers: 1_001, maxConcurrency: 1 });
    const first = await harness.waitForReady({ timeoutMs: 60_000 });
    const onFirstShard = syntheticServerId(
      [...Array(1_001).keys()].find((index) => shardOf(syntheticServerId(index), 2) === first.shard[0]) ?? 0,
    );
    const early = chatInput({ name: "paper", guildId: onFirstShard, options: [option.string("query", "lora")] });
    const answered = harness.waitForRequest({ method: "POST", path: `/interactions/${early.id}/${early.token}/callback` }, 10_000);
    harness.dispatchInteraction(early);
    const answer = await answered;

    const bot = await starting;
    const replayed = new Promise<void>((resolve) => {
      const onInteraction = (interaction: Interaction) => {
        if (interaction.id !== early.id) return;
        bot.client.off(Events.InteractionCreate, onInteraction);
        resolve();
      };
      bot.client.on(Events.InteractionCreate, onInteraction);
    });
    await bot.ready;
    // Anything after ready makes discord.js work through its queue, the early interaction included.
    const later = chatInput({ name: "paper", guildId: onFirstShard, options: [option.string("query", "rlhf")] });
    const laterAnswer = harness.waitForRequest({ method: "POST", path: `/interactions/${later.id}/${later.token}/callback` }, 10_000);
    harness.dispatchInteraction(later);
    await Promise.all([replayed, laterAnswer]);
    // Answered before the second shard had even been sent all its servers, so long before the client was ready.
    expect(answer.receivedAt).toBeLessThan(harness.readies.find((ready) => ready.shard[0] !== first.shard[0])?.sentAt ?? 0);
    expect(harness.findRequests({ method: "POST", path: `/interactions/${early.id}/${early.token}/callback` })).toHaveLength(1);
    expect(harness.findRequests({ method: "POST", path: `/interactions/${later.id}/${later.token}/callback` })).toHaveLength(1);
  }, 120_000);
});
