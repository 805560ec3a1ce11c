import { pathToFileURL } from "node:url";
import { Events, type Client } from "discord.js";
import { commands, components, directMessages } from "../commands/index.js";
import { openApp, type OpenedApp } from "./app.js";
import { CatalogFileError } from "./catalog/load.js";
import { ConfigError, parseConfig, readEnvironment, type Config, type Environment } from "./config.js";
import { createDiscordClient, trackStatus } from "./discord/client.js";
import { runConsole } from "./discord/console.js";
import type { BotContext } from "./discord/context.js";
import { createDirectMessenger } from "./discord/dm.js";
import { createRouter } from "./discord/router.js";
import type { RunningHttpServer } from "./http/index.js";
import { createLogger, systemClock, type Clock, type Logger } from "./logger.js";
import { startServices, type Services } from "./services.js";

export const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningBot {
  app: OpenedApp;
  /** What the command handlers get. */
  ctx: BotContext;
  client: Client;
  http: RunningHttpServer;
  /** Resolves once the gateway says READY. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Environment;
  logger?: Logger;
  clock?: Clock;
}

export class MissingTokenError extends ConfigError {
  constructor() {
    super(["DISCORD_TOKEN (unset): required to connect to Discord; run in a terminal without it for the local console"]);
  }
}

/** Composition root: config, database, catalog, Discord client, router; returns a handle that stops it all. */
export async function startPaperbot(options: StartOptions): Promise<RunningBot> {
  const config = parseConfig(options.env);
  const token = config.discord.token;
  if (!token) throw new MissingTokenError();
  const logger = options.logger ?? createLogger(config.logLevel);
  const opened = openApp(config, logger, options.clock ?? systemClock);
  const client = createDiscordClient(config);
  const status = trackStatus(client);
  let services: Services;
  try {
    services = await startServices(opened, {
      directMessenger: (follows) => createDirectMessenger(client, follows, opened.clock, logger),
      discordStatus: status,
    });
  } catch (error) {
    opened.close();
    throw error;
  }
  const app = opened;
  const ctx = services.ctx;
  const router = createRouter(() => ctx, commands, components, directMessages);
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.MessageCreate, (message) => void router.handleDirectMessage(message));
  client.on(Events.Error, (error) => logger.error("discord client error", { error }));
  client.on(Events.Warn, (message) => logger.warn("discord client warning", { message }));
  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, (readyClient) => {
      logger.info("ready", { tag: readyClient.user.tag, guilds: readyClient.guilds.cache.size, papers: app.catalog.size });
      resolve();
    });
  });
  try {
    await client.login(token);
  } catch (error) {
    await client.destroy();
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
    ready,
    stop() {
      stopping ??= (async () => {
        logger.info("shutting down");
        await router.drain(SHUTDOWN_GRACE_MS);
        await services.stop();
        await client.destroy();
        app.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
}

async function runLocalConsole(config: Config): Promise<number> {
  const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const app = openApp(config, logger, systemClock);
  try {
    const services = await startServices(app, { directMessenger: () => ({ send: async () => "unavailable" }), discordStatus: () => "disabled" });
    // Ctrl+C or SIGTERM ends the console loop, which runs the clean-up below.
    const stop = new AbortController();
    void nextSignal().then(() => stop.abort());
    try {
      await runConsole(services.ctx, { commands, components, input: process.stdin, output: process.stdout, signal: stop.signal });
    } finally {
      await services.stop();
    }
  } finally {
    app.close();
  }
  return 0;
}

async function main(): Promise<number> {
  const env = readEnvironment();
  let config: Config;
  try {
    config = parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`paperbot: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (!config.discord.token) {
    if (process.stdin.isTTY && process.stdout.isTTY) return runLocalConsole(config);
    process.stderr.write(`paperbot: ${new MissingTokenError().message}\n`);
    return 2;
  }
  const stopRequested = nextSignal();
  const bot = await startPaperbot({ env });
  const signal = await stopRequested;
  process.stderr.write(`paperbot: ${signal} received\n`);
  // Should anything keep the event loop alive after stop(), don't let the container hang.
  setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + 5_000).unref();
  await bot.stop();
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof CatalogFileError || error instanceof ConfigError) process.stderr.write(`paperbot: ${error.message}\n`);
      else if (error instanceof Error && "code" in error && error.code === "TokenInvalid") {
        process.stderr.write("paperbot: Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal (Bot tab)\n");
        process.exitCode = 2;
        return;
      } else process.stderr.write(`paperbot: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = error instanceof ConfigError ? 2 : 1;
    },
  );
}
