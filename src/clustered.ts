import { REST } from "discord.js";
import { openApp } from "./app.js";
import type { Config, Environment } from "./config.js";
import { parseConfig } from "./config.js";
import { connectGateway, StartAborted } from "./connect-gateway.js";
import { createDiscordClient, type DiscordStatus } from "./discord/client.js";
import { joinManager } from "./discord/cluster-member.js";
import { clusterPlan, type ClusterPlan } from "./discord/cluster-plan.js";
import { startClusters } from "./discord/clusters.js";
import { createDirectMessenger } from "./discord/dm.js";
import { SEND_REST_OPTIONS } from "./discord/rest.js";
import { discordSender } from "./discord/sender.js";
import { fetchShardPlan } from "./discord/shards.js";
import { DatabaseProblem } from "./db/errors.js";
import { createLogger, systemClock, type Logger } from "./logger.js";
import { alertTransport } from "./moderation/alerts.js";
import { startCommandServices, startServices } from "./services.js";

export interface Stoppable {
  stop(): Promise<void>;
}

function loggerFor(config: Config, token: string): Logger {
  return createLogger(config.logLevel, undefined, { clock: systemClock, secrets: [token, config.bundle.secret] });
}

/**
 * The shards from GET /gateway/bot (or SHARD_COUNT/SHARD_LIST) and how many processes run them (CLUSTERS); null when
 * one process holds them all (the bot then runs as before, startPaperbot).
 */
export async function decideClusters(
  config: Config,
  token: string,
): Promise<{ totalShards: number; maxConcurrency: number; plan: ClusterPlan } | null> {
  if (config.discord.clusters.count === 1) return null;
  const rest = new REST({ api: config.discord.apiUrl, ...SEND_REST_OPTIONS }).setToken(token);
  const shards = await fetchShardPlan(rest, config.discord.sharding);
  const plan = clusterPlan(shards.ids, config.discord.clusters);
  return plan.lists.length > 1 ? { totalShards: shards.count, maxConcurrency: shards.maxConcurrency, plan } : null;
}

/**
 * This process runs the jobs (arXiv poll, digests, alerts, the web server) and sends every DM, so it alone holds the
 * send rate limit; the clusters it starts (this same entry point, see startClusterMember) answer the commands.
 */
export async function runClusterManager(options: {
  env: Environment;
  file: string;
  totalShards: number;
  maxConcurrency: number;
  plan: ClusterPlan;
}): Promise<Stoppable> {
  const config = parseConfig(options.env);
  const token = config.discord.token;
  if (!token) throw new StartAborted();
  const logger = loggerFor(config, token);
  const app = openApp(config, logger, systemClock);
  const rest = new REST({ api: config.discord.apiUrl, ...SEND_REST_OPTIONS }).setToken(token);
  let status: () => DiscordStatus = () => "connecting";
  let services: Awaited<ReturnType<typeof startServices>>;
  try {
    services = await startServices(app, {
      directMessenger: (follows) => createDirectMessenger(discordSender(rest), follows, app.clock, logger),
      alertTransport: (follows) => alertTransport(discordSender(rest), follows, app.clock, logger),
      digestTransport: () => discordSender(rest, { rememberDmChannels: true }),
      discordStatus: () => status(),
    });
  } catch (error) {
    app.close();
    throw DatabaseProblem.from(error, config.databasePath);
  }
  const { plan } = options;
  logger.info("cluster plan", {
    clusters: plan.lists.length,
    shards: options.totalShards,
    shardsPerCluster: plan.lists[0]?.length ?? 0,
    source: plan.source,
  });
  const clusters = await startClusters({
    file: options.file,
    token,
    totalShards: options.totalShards,
    maxConcurrency: options.maxConcurrency,
    plan,
    env: {
      SHARD_COUNT: String(options.totalShards),
      // Bundle links the clusters hand out point at this process's HTTP server.
      PUBLIC_URL: config.http.publicUrl ?? `http://localhost:${services.http.port}`,
    },
    sendDm: (userId, body) => services.ctx.dm.send(userId, body),
    logger,
  });
  status = clusters.status;
  void clusters.ready.then(({ guilds }) => {
    logger.info("ready", { clusters: plan.lists.length, guilds, papers: app.catalog.size });
    services.alerts.kick();
  });
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down");
        await clusters.stop();
        await services.stop();
        app.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
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
