import type { Config } from "../config.js";

/**
 * Shards (about 1,000 servers each) one process holds: up to this many, one process runs them all; above, clusters of
 * at most this many. Measured with `npm run bench -- --only scale` on a 2-core box (README, "Clusters"): one process
 * stalls commands for up to a second at 50,000 servers (a major GC of a 280 MB heap) and holds at 10,000.
 */
export const DEFAULT_SHARDS_PER_CLUSTER = 17;

export interface ClusterPlan {
  /** The shards of each cluster, in order (cluster i holds lists[i]). */
  lists: number[][];
  source: "auto" | "CLUSTERS" | "SHARDS_PER_CLUSTER";
}

/** `ids` in runs of `size` (the last may be shorter), as discord-hybrid-sharding splits them. */
function chunks(ids: readonly number[], size: number): number[][] {
  const lists: number[][] = [];
  for (let start = 0; start < ids.length; start += size) lists.push(ids.slice(start, start + size));
  return lists;
}

/** `ids` in `count` runs as even as runs of one size allow (50 shards in 4: 13, 13, 13, 11). */
function evenly(ids: readonly number[], count: number): number[][] {
  return chunks(ids, Math.ceil(Math.max(1, ids.length) / Math.max(1, count)));
}

/**
 * How many bot processes run the shards `ids`: CLUSTERS when set (never more than the shards), else
 * ceil(shards / SHARDS_PER_CLUSTER), SHARDS_PER_CLUSTER defaulting to 17; the shards are spread evenly.
 */
export function clusterPlan(ids: readonly number[], setting: Config["discord"]["clusters"]): ClusterPlan {
  const shards = Math.max(1, ids.length);
  if (setting.count !== "auto") return { lists: evenly(ids, Math.min(setting.count, shards)), source: "CLUSTERS" };
  const perCluster = setting.shardsPerCluster ?? DEFAULT_SHARDS_PER_CLUSTER;
  return {
    lists: evenly(ids, Math.ceil(shards / perCluster)),
    source: setting.shardsPerCluster === undefined ? "auto" : "SHARDS_PER_CLUSTER",
  };
}
