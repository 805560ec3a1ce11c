import { Events, type Client } from "discord.js";
import { commands, components, directMessages } from "../commands/index.js";
import type { Config } from "./config.js";
import type { BotContext } from "./discord/context.js";
import { routeInteractions } from "./discord/gateway-interactions.js";
import { warnIfModerationIsOpen } from "./discord/moderation-guilds.js";
import { createRouter } from "./discord/router.js";
import { planShards } from "./discord/shards.js";
import type { Logger } from "./logger.js";

/** startPaperbot() was stopped by its signal before the bot was up; everything it opened is closed. */
export class StartAborted extends Error {
  constructor() {
    super("start-up abandoned");
    this.name = "StartAborted";
  }
}

/** `work`, or a StartAborted rejection as soon as `signal` aborts (the work itself keeps running). */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new StartAborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StartAborted());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export interface ConnectedGateway {
  /** Resolves once every shard of this process is ready. */
  ready: Promise<void>;
  /** From now on the gateway closing is a shutdown, not a failure. */
  stopping(): void;
  /** Waits (at most `ms`) for the commands being answered. */
  drain(ms: number): Promise<void>;
}

/**
 * Routes commands, DMs and gateway diagnostics of `client` to the handlers, plans its shards and logs in: what the
 * single process and every cluster do alike. On failure (or `signal` aborting) the client is destroyed; the caller
 * closes what it opened.
 */
export async function connectGateway(options: {
  client: Client;
  token: string;
  config: Config;
  logger: Logger;
  ctx: () => BotContext;
  refresh: () => void;
  autoDeferMs: number | undefined;
  signal: AbortSignal | undefined;
  onReady: (client: Client<true>) => void;
}): Promise<ConnectedGateway> {
  const { client, logger, config, signal } = options;
  const router = createRouter(options.ctx, commands, components, directMessages, {
    autoDeferMs: options.autoDeferMs,
    refresh: options.refresh,
  });
  routeInteractions(client, (interaction, facts) => void router.handle(interaction, facts), logger);
  client.on(Events.MessageCreate, (message) => void router.handleDirectMessage(message));
  client.on(Events.Error, (error) => logger.error("discord client error", { error }));
  client.on(Events.Warn, (message) => logger.warn("discord client warning", { message }));
  let shuttingDown = false;
  // The gateway closing because we stop (SIGTERM, or a start abandoned) is a shutdown, not a failure to connect.
  logGatewayAttempts(client, logger, () => shuttingDown || signal?.aborted === true);
  warnIfModerationIsOpen(client, config.moderation.guildIds, logger);
  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, (readyClient) => {
      options.onReady(readyClient);
      resolve();
    });
  });
  try {
    client.rest.setToken(options.token);
    await unlessAborted(
      planShards(client, config.discord.sharding, logger).then(async () => {
        if (!signal?.aborted) await client.login(options.token);
      }),
      signal,
    );
  } catch (error) {
    if (error instanceof StartAborted) logger.warn("discord login abandoned: shutting down");
    await client.destroy();
    throw error;
  }
  return {
    ready,
    stopping: () => {
      shuttingDown = true;
    },
    drain: (ms) => router.drain(ms),
  };
}

/**
 * Gateway trouble at warn, counted, so a bot that cannot connect says so instead of retrying quietly. While the bot
 * is stopping, the connection closing is logged once at info as the shutdown it is.
 */
function logGatewayAttempts(client: Client, logger: Logger, stopping: () => boolean): void {
  let attempt = 0;
  let closedLogged = false;
  // discord.js retries about twice a second: the first attempts, then every tenth.
  const worthLogging = (n: number) => n <= 3 || n % 10 === 0;
  client.on(Events.ShardReconnecting, (shardId) => {
    if (stopping()) {
      if (!closedLogged) logger.info("discord gateway closed: shutting down", { shardId });
      closedLogged = true;
      return;
    }
    attempt += 1;
    if (worthLogging(attempt)) logger.warn("discord gateway connection failed, retrying", { attempt, shardId });
  });
  client.on(Events.ShardError, (error, shardId) => {
    if (stopping()) logger.info("discord gateway error while shutting down", { shardId, error });
    else logger.warn("discord gateway error", { attempt, shardId, error });
  });
  const connected = () => {
    if (attempt > 0) logger.info("discord gateway connected", { attempts: attempt + 1 });
    attempt = 0;
  };
  client.on(Events.ShardReady, connected);
  client.on(Events.ShardResume, connected);
}
