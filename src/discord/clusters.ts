import type { ChildProcess } from "node:child_process";
import hybrid, { type Cluster } from "discord-hybrid-sharding";
import type { Logger } from "../logger.js";
import type { MessageBody } from "../shared/reply.js";
import { CLUSTER_ENV, isDmRequest, isReadyNote, type DmReply } from "./cluster-messages.js";
import type { ClusterPlan } from "./cluster-plan.js";
import type { DiscordStatus } from "./client.js";
import type { DmResult } from "./context.js";

/** A cluster that exits is started again at once; more often than this in an hour and it stays down (a crash loop). */
const RESTARTS_PER_HOUR = 10;
/** How long a cluster gets to close its shards and database after SIGTERM before it is killed (main's own limit is 15 s). */
const CLUSTER_STOP_MS = 12_000;
/** Discord's identify window: max_concurrency sessions start per 5 s. */
const IDENTIFY_INTERVAL_MS = 5_000;

export interface RunningClusters {
  /** "ready" once every cluster said so; "connecting" while one starts or restarts. */
  status(): DiscordStatus;
  /** Resolves when every cluster has been ready once, with the servers they hold together. */
  ready: Promise<{ guilds: number }>;
  /** The process of cluster `id` now (tests kill one to see it come back), or null while it restarts. */
  processOf(id: number): ChildProcess | null;
  /** SIGTERM to every cluster; resolves once all have exited (killed after CLUSTER_STOP_MS). */
  stop(): Promise<void>;
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Runs the bot's shards as clusters (one process each, discord-hybrid-sharding) from this process, which keeps the
 * jobs: each cluster answers commands for its shards and asks here for the DMs its commands send, so the sends
 * share one rate limit. A cluster that exits is restarted alone; the others keep answering.
 */
export async function startClusters(options: {
  /** The bot's entry point (dist/src/main.js): in a cluster it answers commands only. */
  file: string;
  token: string;
  totalShards: number;
  plan: ClusterPlan;
  /** GET /gateway/bot's session_start_limit.max_concurrency. */
  maxConcurrency: number;
  /** Set in every cluster's environment (PUBLIC_URL of this process's HTTP server, SHARD_COUNT…). */
  env: Record<string, string>;
  execArgv?: string[];
  sendDm(userId: string, body: MessageBody): Promise<DmResult>;
  logger: Logger;
}): Promise<RunningClusters> {
  const { plan, logger } = options;
  const manager = new hybrid.ClusterManager(options.file, {
    token: options.token,
    totalShards: options.totalShards,
    totalClusters: plan.lists.length,
    shardsPerClusters: plan.lists[0]?.length ?? 1,
    shardList: plan.lists.flat(),
    mode: "process",
    respawn: true,
    restarts: { max: RESTARTS_PER_HOUR, interval: 3_600_000 },
    execArgv: options.execArgv ?? process.execArgv,
    // Its own process group: a terminal's Ctrl+C reaches this process only, which stops the clusters in order.
    clusterOptions: { detached: true, clusterData: undefined },
    // Started from here (below), one after the other as Discord's session-start limit allows.
    queue: { auto: false },
  });
  const ready = new Map<number, number>();
  const everReady = new Set<number>();
  let resolveReady: (value: { guilds: number }) => void = () => undefined;
  const allReady = new Promise<{ guilds: number }>((resolve) => (resolveReady = resolve));
  let stopping = false;
  let wake: () => void = () => undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  manager.on("clusterCreate", (cluster: Cluster) => {
    // The library builds each cluster's environment from this process's and spawns it after this event: the cluster's
    // own settings go there, not into this process's environment.
    Object.assign(cluster.env, options.env, { [CLUSTER_ENV]: "1" });
    cluster.on("message", (message: unknown) => {
      if (!isReadyNote(message)) return;
      ready.set(cluster.id, message.guilds);
      everReady.add(cluster.id);
      logger.info("cluster ready", { cluster: cluster.id, guilds: message.guilds, ready: ready.size, clusters: plan.lists.length });
      if (everReady.size === plan.lists.length) resolveReady({ guilds: [...ready.values()].reduce((sum, n) => sum + n, 0) });
    });
    cluster.on("death", () => {
      ready.delete(cluster.id);
      if (!stopping) logger.warn("cluster exited; restarting it alone, the others keep answering", { cluster: cluster.id });
    });
  });
  manager.on("clientRequest", (message) => {
    const request: unknown = message.raw;
    if (!isDmRequest(request)) return;
    void options.sendDm(request.userId, request.body).then(
      (result) => message.reply({ result } satisfies DmReply),
      (error: unknown) => {
        logger.error("direct message for a cluster failed", { error });
        return message.reply({ result: "failed" } satisfies DmReply);
      },
    );
  });
  const spawned = manager.spawn({ amount: options.totalShards, delay: 7_000, timeout: -1 });
  void spawned.catch((error: unknown) => logger.error("clusters did not start", { error }));
  // Discord starts max_concurrency sessions every 5 s for the whole bot: each cluster paces its own shards, and the
  // next cluster starts once this one's IDENTIFYs are through, so together they never exceed the limit.
  const starting = (async () => {
    for (const [index, list] of plan.lists.entries()) {
      if (stopping) return;
      await manager.queue.next();
      if (index < plan.lists.length - 1) await pause(Math.ceil(list.length / options.maxConcurrency) * IDENTIFY_INTERVAL_MS);
    }
  })();

  const processOf = (id: number): ChildProcess | null => {
    const child = manager.clusters.get(id)?.thread?.process;
    return child && "pid" in child ? child : null;
  };
  return {
    status: () => (ready.size === plan.lists.length ? "ready" : "connecting"),
    ready: allReady,
    processOf,
    async stop() {
      stopping = true;
      manager.respawn = false;
      wake();
      await starting;
      // Clusters not started yet never will be (the manager polls its queue until it is empty).
      manager.queue.queue.splice(0);
      const children = [...manager.clusters.keys()].flatMap((id) => {
        const child = processOf(id);
        return child ? [child] : [];
      });
      for (const child of children) child.kill("SIGTERM");
      const timer = setTimeout(() => {
        for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }, CLUSTER_STOP_MS);
      await Promise.all(children.map(exitOf));
      clearTimeout(timer);
      for (const cluster of manager.clusters.values()) cluster.restarts.cleanup();
    },
  };
}
