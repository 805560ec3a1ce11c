import type { REST } from "discord.js";
import { openApp } from "./app.js";
import type { Config, Environment } from "./config.js";
import { parseConfig } from "./config.js";
import { connectGateway, StartAborted, unlessAborted } from "./connect-gateway.js";
import { createDiscordClient, type DiscordStatus } from "./discord/client.js";
import { joinManager } from "./discord/cluster-member.js";
import { clusterPlan, type ClusterPlan } from "./discord/cluster-plan.js";
import { startClusters } from "./discord/clusters.js";
import { fetchShardPlan } from "./discord/shards.js";
import { createLogger, systemClock, type Logger } from "./logger.js";
import { startCommandServices, type Services } from "./services.js";
import { discordDiscussion } from "./discord/threads.js";

export interface Stoppable {
  stop(): Promise<void>;
}

function loggerFor(config: Config, token: string): Logger {
  return createLogger(config.logLevel, undefined, { clock: systemClock, secrets: [token, config.bundle.secret] });
}

/**
 * The shards from GET /gateway/bot (or SHARD_COUNT/SHARD_LIST) and how many processes run them (CLUSTERS); null when
 * one process holds them all (the bot then connects them itself).
 */
async function decideClusters(
  config: Config,
  rest: REST,
): Promise<{ totalShards: number; maxConcurrency: number; plan: ClusterPlan } | null> {
  if (config.discord.clusters.count === 1) return null;
  const shards = await fetchShardPlan(rest, config.discord.sharding);
  const plan = clusterPlan(shards.ids, config.discord.clusters);
  return plan.lists.length > 1 ? { totalShards: shards.count, maxConcurrency: shards.maxConcurrency, plan } : null;
}

export interface ClusterManagerRun extends Stoppable {
  ready: Promise<void>;
  status(): DiscordStatus;
}

/**
 * When one process no longer holds the shards (CLUSTERS), starts them as clusters (this same entry point, `file`, see
 * startClusterMember) and returns the handle; null when this process should connect them itself. This process keeps
 * the jobs, the web server (`services`, already started) and every DM (through `rest`): it alone holds the send rate
 * limit.
 */
export async function runAsClusters(options: {
  config: Config;
  token: string;
  rest: REST;
  file: string;
  services: Pick<Services, "ctx" | "http" | "alerts">;
  papers: () => number;
  logger: Logger;
  signal: AbortSignal | undefined;
}): Promise<ClusterManagerRun | null> {
  const { config, logger, services } = options;
  const decision = await unlessAborted(decideClusters(config, options.rest), options.signal);
  if (!decision) return null;
  const { plan } = decision;
  logger.info("cluster plan", {
    clusters: plan.lists.length,
    shards: decision.totalShards,
    shardsPerCluster: plan.lists[0]?.length ?? 0,
    source: plan.source,
  });
  const clusters = await startClusters({
    file: options.file,
    token: options.token,
    totalShards: decision.totalShards,
    maxConcurrency: decision.maxConcurrency,
    plan,
    env: {
      SHARD_COUNT: String(decision.totalShards),
      // Bundle links the clusters hand out point at this process's HTTP server.
      PUBLIC_URL: config.http.publicUrl ?? `http://localhost:${services.http.port}`,
    },
    sendDm: (userId, body) => services.ctx.dm.send(userId, body),
    logger,
  });
  const ready = clusters.ready.then(({ guilds }) => {
    logger.info("ready", { clusters: plan.lists.length, guilds, papers: options.papers() });
    // Alerts a crash or restart left recorded but unsent: sent now, or dropped when older than ALERT_MAX_DELAY_HOURS.
    services.alerts.kick();
  });
  return { ready, status: clusters.status, stop: () => clusters.stop() };
}

/** A cluster: the shards in SHARD_LIST, answering commands only; DMs and jobs are the manager's. */
export async function startClusterMember(options: { env: Environment; id: number; signal: AbortSignal }): Promise<Stoppable> {
  const config = parseConfig(options.env);
  const token = config.discord.token;
  if (!token) throw new StartAborted();
  const logger = loggerFor(config, token).child({ cluster: options.id });
  const app = openApp(config, logger, systemClock);
  const client = createDiscordClient(config);
  const member = joinManager(options.id, client, logger);
  const services = startCommandServices(app, {
    publicUrl: config.http.publicUrl ?? `http://localhost:${config.http.port}`,
    directMessenger: () => member.dm,
    // /follow's permission check reads the channel over this cluster's REST.
    discussion: discordDiscussion(client.rest, client),
  });
  let gateway;
  try {
    gateway = await connectGateway({
      client,
      token,
      config,
      logger,
      ctx: () => services.ctx,
      refresh: services.refresh,
      autoDeferMs: undefined,
      signal: options.signal,
      onReady: (readyClient) => {
        logger.info("cluster ready", { guilds: readyClient.guilds.cache.size });
        member.announceReady(readyClient.guilds.cache.size);
      },
    });
  } catch (error) {
    await services.stop();
    app.close();
    throw error;
  }
  const connected = gateway;
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      connected.stopping();
      stopping ??= (async () => {
        await connected.drain(10_000);
        await services.stop();
        await client.destroy();
        app.close();
        logger.info("cluster stopped");
        // The IPC channel to the manager would keep this process alive.
        if (process.connected) process.disconnect();
      })();
      return stopping;
    },
  };
}
