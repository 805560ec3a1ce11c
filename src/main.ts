import { fileURLToPath, pathToFileURL } from "node:url";
import type { Client } from "discord.js";
import { commands, components } from "../commands/index.js";
import { openApp, type OpenedApp } from "./app.js";
import { ConfigError, parseConfig, readEnvironment, type Config, type Environment } from "./config.js";
import { createDiscordClient, trackStatus } from "./discord/client.js";
import { runConsole } from "./discord/console.js";
import type { BotContext } from "./discord/context.js";
import { createDirectMessenger } from "./discord/dm.js";
import { discordSender } from "./discord/sender.js";
import { connectGateway, StartAborted, type ConnectedGateway } from "./connect-gateway.js";
import { runAsClusters, startClusterMember, type ClusterManagerRun } from "./clustered.js";
import { clusterMemberId } from "./discord/cluster-member.js";
import type { RunningHttpServer } from "./http/index.js";
import { releaseAllHeldArxivLeases } from "./db/arxiv-gate.js";
import { DatabaseProblem } from "./db/errors.js";
import { EXIT, explainFailure } from "./failures.js";
import { createLogger, systemClock, type Clock, type Logger } from "./logger.js";
import { alertTransport, type AlertService } from "./moderation/alerts.js";
import { startServices, type Services } from "./services.js";
import { discussionTransport } from "./community/discussion-transport.js";
import { threadStore } from "./db/threads.js";
import { discordDiscussion } from "./discord/threads.js";
import { voteButtonEditor } from "./discord/vote-edits.js";
import { hasVoteButtons } from "./community/buttons.js";
import type { MessageBody } from "./shared/reply.js";

export { StartAborted };

export const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningBot {
  app: OpenedApp;
  /** What the command handlers get. */
  ctx: BotContext;
  client: Client;
  http: RunningHttpServer;
  /** Topic alerts: `deliver()` resolves once every open alert has been sent or dropped (what tests wait on). */
  alerts: Pick<AlertService, "deliver">;
  /** Resolves once the gateway says READY. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Environment;
  logger?: Logger;
  clock?: Clock;
  /** Overrides config.discord.buttonTtlMs (tests, without going through the environment). */
  buttonTtlMs?: number;
  /** Overrides the router's auto-defer delay (tests). */
  autoDeferMs?: number;
  /** Aborting it (SIGTERM) during start-up abandons the Discord login and closes what was opened. */
  signal?: AbortSignal;
  /**
   * The entry point clusters run (main.js): given, the bot runs its shards as clusters when one process no longer
   * holds them (CLUSTERS); this process then keeps the jobs, the web server and the DMs, and `client` stays offline.
   */
  clusterFile?: string;
}

export class MissingTokenError extends ConfigError {
  constructor() {
    super(["DISCORD_TOKEN (unset): required to connect to Discord; run in a terminal without it for the local console"]);
  }
}

/** Composition root: config, database, catalog, Discord client, router; returns a handle that stops it all. */
export async function startPaperbot(options: StartOptions): Promise<RunningBot> {
  const parsed = parseConfig(options.env);
  const config: Config =
    options.buttonTtlMs === undefined ? parsed : { ...parsed, discord: { ...parsed.discord, buttonTtlMs: options.buttonTtlMs } };
  const token = config.discord.token;
  if (!token) throw new MissingTokenError();
  const logger =
    options.logger ??
    createLogger(config.logLevel, undefined, { clock: options.clock ?? systemClock, secrets: [token, config.bundle.secret] });
  const opened = openApp(config, logger, options.clock ?? systemClock);
  const client = createDiscordClient(config);
  const clientStatus = trackStatus(client);
  let clusters: ClusterManagerRun | null = null;
  const status = () => clusters?.status() ?? clientStatus();
  let services: Services;
  // Alerts and digests posted with vote buttons join the refresher (bound once the services exist; sends come later).
  let votePosted: (channelId: string, messageId: string, body: MessageBody) => void = () => undefined;
  const onPosted = (channelId: string, messageId: string, body: MessageBody) => votePosted(channelId, messageId, body);
  try {
    services = await startServices(opened, {
      directMessenger: (follows) => createDirectMessenger(discordSender(client.rest), follows, opened.clock, logger),
      alertTransport: (follows) =>
        discussionTransport(alertTransport(discordSender(client.rest, { onPosted }), follows, opened.clock, logger), {
          port: discordDiscussion(client.rest, client),
          store: threadStore(opened.db),
          sender: discordSender(client.rest, { onPosted }),
          clock: opened.clock,
          logger,
        }),
      discussion: discordDiscussion(client.rest, client),
      discordStatus: status,
      // REST only (no gateway needed), so the catch-up run at start may go before login.
      digestTransport: () => discordSender(client.rest.setToken(token), { rememberDmChannels: true, onPosted }),
      buttonEditor: () => voteButtonEditor(client.rest, logger),
    });
  } catch (error) {
    opened.close();
    throw DatabaseProblem.from(error, config.databasePath);
  }
  if (options.signal?.aborted) {
    await services.stop();
    opened.close();
    throw new StartAborted();
  }
  const app = opened;
  const ctx = services.ctx;
  votePosted = (channelId, messageId, body) => {
    if (!hasVoteButtons(body.components ?? [])) return;
    try {
      ctx.votes.posted(channelId, messageId, body.components ?? []);
    } catch (error) {
      logger.warn("vote counts: could not remember a post", { channelId, messageId, error });
    }
  };
  if (options.clusterFile !== undefined) {
    try {
      clusters = await runAsClusters({
        config,
        token,
        rest: client.rest.setToken(token),
        file: options.clusterFile,
        services,
        papers: () => app.catalog.size,
        logger,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof StartAborted) logger.warn("discord login abandoned: shutting down");
      await services.stop();
      app.close();
      throw error;
    }
  }
  if (clusters) {
    // The clusters answer presses; this process edits the other posts' counts (REST), as it sends everything else.
    services.voteRefresher?.start();
    return clusterManagerBot(app, ctx, client, services, clusters, logger);
  }
  let gateway: ConnectedGateway;
  try {
    gateway = await connectGateway({
      client,
      token,
      config,
      logger,
      ctx: () => ctx,
      refresh: services.refresh,
      autoDeferMs: options.autoDeferMs,
      signal: options.signal,
      onReady: (readyClient) => {
        logger.info("ready", { tag: readyClient.user.tag, guilds: readyClient.guilds.cache.size, papers: app.catalog.size });
        // Alerts a crash or restart left recorded but unsent: sent now, or dropped when older than ALERT_MAX_DELAY_HOURS.
        services.alerts.kick();
        services.voteRefresher?.start();
      },
    });
  } catch (error) {
    await services.stop();
    app.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    app,
    ctx,
    client,
    http: services.http,
    alerts: services.alerts,
    ready: gateway.ready,
    stop() {
      gateway.stopping();
      stopping ??= (async () => {
        logger.info("shutting down");
        await gateway.drain(SHUTDOWN_GRACE_MS);
        await services.stop();
        await client.destroy();
        app.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}

/** This process runs the jobs and the clusters; `client` never connects (its REST sends the DMs, alerts and digests). */
function clusterManagerBot(
  app: OpenedApp,
  ctx: BotContext,
  client: Client,
  services: Services,
  clusters: ClusterManagerRun,
  logger: Logger,
): RunningBot {
  let stopping: Promise<void> | undefined;
  return {
    app,
    ctx,
    client,
    http: services.http,
    alerts: services.alerts,
    ready: clusters.ready,
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down");
        await clusters.stop();
        await services.stop();
        await client.destroy();
        app.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}

/** SIGTERM/SIGINT from the first moment main() runs; a second one while stopping exits at once. */
function listenForSignals(): AbortController {
  const shutdown = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (shutdown.signal.aborted) {
      process.stderr.write(`paperbot: ${signal} received again, exiting without waiting\n`);
      releaseAllHeldArxivLeases(Date.now());
      process.exit(EXIT.failed);
    }
    process.stderr.write(`paperbot: ${signal} received\n`);
    shutdown.abort(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return shutdown;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}

async function runLocalConsole(config: Config, shutdown: AbortSignal): Promise<number> {
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const app = openApp(config, logger, systemClock);
  try {
    const services = await startServices(app, {
      directMessenger: () => ({ send: async () => "unavailable" }),
      discordStatus: () => "disabled",
    });
    // Ctrl+C or SIGTERM ends the console loop, which runs the clean-up below.
    try {
      await runConsole(services.ctx, {
        refresh: services.refresh,
        commands,
        components,
        input: process.stdin,
        output: process.stdout,
        signal: shutdown,
      });
    } finally {
      await services.stop();
    }
  } finally {
    app.close();
  }
  return 0;
}

async function main(shutdown: AbortController): Promise<number> {
  const env = readEnvironment();
  const config = parseConfig(env);
  if (!config.discord.token) {
    if (process.stdin.isTTY && process.stdout.isTTY) return runLocalConsole(config, shutdown.signal);
    throw new MissingTokenError();
  }
  let bot: { stop(): Promise<void> };
  try {
    const memberId = clusterMemberId(env);
    if (memberId !== null) {
      // The manager gone (killed, not stopped): nobody would restart or stop this cluster, so it stops itself.
      process.once("disconnect", () => shutdown.abort("disconnect"));
      bot = await startClusterMember({ env, id: memberId, signal: shutdown.signal });
    } else bot = await startPaperbot({ env, signal: shutdown.signal, clusterFile: fileURLToPath(import.meta.url) });
  } catch (error) {
    if (!(error instanceof StartAborted)) throw error;
    // discord.js cannot cancel its gateway request; everything of ours is closed, so don't wait for it.
    setTimeout(() => process.exit(EXIT.ok), 500).unref();
    return EXIT.ok;
  }
  await aborted(shutdown.signal);
  // Should anything keep the event loop alive after stop(), don't let the container hang.
  setTimeout(() => {
    releaseAllHeldArxivLeases(Date.now());
    process.exit(EXIT.failed);
  }, SHUTDOWN_GRACE_MS + 5_000).unref();
  await bot.stop();
  return EXIT.ok;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const shutdown = listenForSignals();
  main(shutdown).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const explained = explainFailure(error);
      process.stderr.write(
        explained
          ? `paperbot: ${explained.message}\n`
          : `paperbot: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = explained?.exitCode ?? EXIT.failed;
    },
  );
}
