import { describe, expect, it } from "vitest";
import { clusterPlan, DEFAULT_SHARDS_PER_CLUSTER } from "../../src/discord/cluster-plan.js";
import { parseConfig } from "../../src/config.js";
import { testEnv } from "../support/app.js";

const ids = (count: number) => Array.from({ length: count }, (_, id) => id);
const sizes = (lists: number[][]) => lists.map((list) => list.length);

describe("clusterPlan", () => {
  it("runs up to 17 shards in one process and more as even clusters of at most 17", () => {
    expect(sizes(clusterPlan(ids(3), { count: "auto", shardsPerCluster: undefined }).lists)).toEqual([3]);
    expect(sizes(clusterPlan(ids(DEFAULT_SHARDS_PER_CLUSTER), { count: "auto", shardsPerCluster: undefined }).lists)).toEqual([17]);
    expect(sizes(clusterPlan(ids(18), { count: "auto", shardsPerCluster: undefined }).lists)).toEqual([9, 9]);
    expect(sizes(clusterPlan(ids(50), { count: "auto", shardsPerCluster: undefined }).lists)).toEqual([17, 17, 16]);
  });

  it("follows CLUSTERS (never more clusters than shards) and SHARDS_PER_CLUSTER", () => {
    expect(clusterPlan(ids(2), { count: 2, shardsPerCluster: undefined }).lists).toEqual([[0], [1]]);
    expect(sizes(clusterPlan(ids(2), { count: 5, shardsPerCluster: undefined }).lists)).toEqual([1, 1]);
    expect(clusterPlan(ids(10), { count: 1, shardsPerCluster: undefined }).lists).toEqual([ids(10)]);
    const perFive = clusterPlan(ids(10), { count: "auto", shardsPerCluster: 5 });
    expect(perFive).toEqual({ lists: [ids(5), [5, 6, 7, 8, 9]], source: "SHARDS_PER_CLUSTER" });
    // Every shard is in exactly one cluster, in order.
    expect(clusterPlan(ids(50), { count: 3, shardsPerCluster: undefined }).lists.flat()).toEqual(ids(50));
  });

  it("reads CLUSTERS and SHARDS_PER_CLUSTER from the environment, auto by default", () => {
    expect(parseConfig(testEnv()).discord.clusters).toEqual({ count: "auto", shardsPerCluster: undefined });
    expect(parseConfig(testEnv({ CLUSTERS: "auto", SHARDS_PER_CLUSTER: "8" })).discord.clusters).toEqual({
      count: "auto",
      shardsPerCluster: 8,
    });
    expect(parseConfig(testEnv({ CLUSTERS: "3" })).discord.clusters.count).toBe(3);
    expect(() => parseConfig(testEnv({ CLUSTERS: "0" }))).toThrow(/CLUSTERS/);
    expect(() => parseConfig(testEnv({ CLUSTERS: "many" }))).toThrow(/CLUSTERS/);
  });
});
