import { Routes, type Client, type REST } from "discord.js";
import { z } from "zod";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";

/** Discord lets each identify bucket start one session every 5 s; buckets = max_concurrency. */
const IDENTIFY_INTERVAL_S = 5;

const gatewayBot = z.object({
  url: z.string(),
  shards: z.number().int().min(1),
  session_start_limit: z.object({
    total: z.number().int(),
    remaining: z.number().int(),
    reset_after: z.number(),
    max_concurrency: z.number().int().min(1),
  }),
});

export interface ShardPlan {
  /** Total shards of the bot (all processes). */
  count: number;
  /** The shards this process runs. */
  ids: number[];
  recommended: number;
  maxConcurrency: number;
  sessionsRemaining: number;
  /** Lower bound of the time to identify every shard: ceil(ids / max_concurrency) rounds of 5 s, the first at once. */
  identifySeconds: number;
}

export function shardPlan(sharding: Config["discord"]["sharding"], answer: z.infer<typeof gatewayBot>): ShardPlan {
  const count = sharding.count ?? answer.shards;
  const ids = sharding.ids ?? Array.from({ length: count }, (_, id) => id);
  const maxConcurrency = answer.session_start_limit.max_concurrency;
  return {
    count,
    ids,
    recommended: answer.shards,
    maxConcurrency,
    sessionsRemaining: answer.session_start_limit.remaining,
    identifySeconds: (Math.ceil(ids.length / maxConcurrency) - 1) * IDENTIFY_INTERVAL_S,
  };
}

/** The plan from GET /gateway/bot (SHARD_COUNT and SHARD_LIST override), without a client (the cluster manager). */
export async function fetchShardPlan(rest: REST, sharding: Config["discord"]["sharding"]): Promise<ShardPlan> {
  return shardPlan(sharding, gatewayBot.parse(await rest.get(Routes.gatewayBot())));
}

/**
 * Decides the shards from GET /gateway/bot (SHARD_COUNT and SHARD_LIST override), logs the plan and sets it on the
 * client before login. discord.js then paces IDENTIFY by the same answer's max_concurrency (one per bucket every 5 s).
 */
export async function planShards(client: Client, sharding: Config["discord"]["sharding"], logger: Logger): Promise<ShardPlan> {
  const plan = await fetchShardPlan(client.rest, sharding);
  client.options.shardCount = plan.count;
  client.options.shards = plan.ids;
  const shown = plan.ids.length > 12 ? `${plan.ids.slice(0, 3).join(", ")} … ${plan.ids.slice(-2).join(", ")}` : plan.ids.join(", ");
  logger.info("shard plan", {
    shards: plan.count,
    here: shown,
    recommended: plan.recommended,
    source: sharding.count === undefined ? "discord" : "SHARD_COUNT",
    maxConcurrency: plan.maxConcurrency,
    identifySeconds: plan.identifySeconds,
  });
  if (sharding.count !== undefined && sharding.count < plan.recommended) {
    logger.warn("SHARD_COUNT is below what Discord recommends; Discord refuses a shard with 2,500 servers or more (4011)", {
      shardCount: sharding.count,
      recommended: plan.recommended,
    });
  }
  if (plan.sessionsRemaining < plan.ids.length) {
    logger.warn("fewer session starts left today than shards to start; Discord will refuse the rest until the limit resets", {
      remaining: plan.sessionsRemaining,
      shards: plan.ids.length,
    });
  }
  return plan;
}
