import type { OpenedApp } from "./app.js";
import { createArxivHttp, type ArxivHttp } from "./arxiv/fetch.js";
import { ArxivPoller } from "./arxiv/poller.js";
import { createBundleLinks } from "./bundle/links.js";
import { refreshBundle } from "./bundle/service.js";
import { BundleStore } from "./bundle/store.js";
import { followStore, type FollowStore } from "./db/follows.js";
import { databaseState, type DatabaseState } from "./db/connection.js";
import { bundleSecret } from "./db/settings.js";
import { createBotContext, type BotContext, type DirectMessenger } from "./discord/context.js";
import { startHttpServer, type DiscordHealth, type RunningHttpServer } from "./http/index.js";
import { Scheduler } from "./scheduler.js";

/** How often the catalog file is re-read and the bundle checked against it. */
export const CATALOG_REFRESH_SCHEDULE = "*/10 * * * *";

export interface Services {
  /** What the command handlers get. */
  ctx: BotContext;
  http: RunningHttpServer;
  scheduler: Scheduler;
  /** The one polite arXiv client (shared by the poller and API lookups) and the feed poller. */
  arxiv: ArxivHttp;
  poller: ArxivPoller;
  /** Stops the scheduler (waiting for a running job) and closes the HTTP server. */
  stop(): Promise<void>;
}

/**
 * Everything around the command handlers that both the Discord bot and the local console run: follows,
 * the bundle (built now and kept current), its signed-link HTTP server, and the scheduler.
 */
export async function startServices(
  app: OpenedApp,
  options: { directMessenger: (follows: FollowStore) => DirectMessenger; discordStatus: () => DiscordHealth },
): Promise<Services> {
  const { config, logger, clock, db } = app;
  const follows = followStore(db);
  const store = new BundleStore(config.bundle.dir, { clock });
  refreshBundle(store, app.catalog.papers, app.catalogUpdated, logger);
  const secret = bundleSecret(db, config.bundle.secret);
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    bundleStore: store,
    secret,
    clock,
    logger,
    health: () => ({ database: databaseHealth(app), discord: options.discordStatus(), papers: app.catalog.size }),
  });
  const publicUrl = config.http.publicUrl ?? `http://localhost:${http.port}`;
  logger.info("http server listening", { url: http.url, publicUrl });

  const ctx = createBotContext(app, {
    follows,
    bundle: createBundleLinks({ store, secret, ttlHours: config.bundle.linkTtlHours, externalUrl: config.bundle.externalUrl, baseUrl: publicUrl }),
    dm: options.directMessenger(follows),
  });

  const scheduler = new Scheduler(
    [
      {
        name: "catalog-refresh",
        schedule: CATALOG_REFRESH_SCHEDULE,
        run: () => {
          const report = app.resyncCatalog();
          const changed = report.inserted.length + report.updated.length + report.removed.length > 0;
          // Building is deterministic, so an unchanged catalog with a stored zip needs no rebuild.
          if (changed || !store.current()) refreshBundle(store, app.catalog.papers, app.catalogUpdated, logger);
        },
      },
    ],
    logger,
  );
  scheduler.start();
  const arxiv = createArxivHttp(config.arxiv, clock);
  const poller = new ArxivPoller({ db, config: config.arxiv, http: arxiv, clock, logger, papers: () => ctx.catalog.papers });
  poller.start();

  return {
    ctx,
    http,
    scheduler,
    arxiv,
    poller,
    async stop() {
      await poller.stop();
      await scheduler.stop();
      await http.close();
    },
  };
}

function databaseHealth(app: OpenedApp): DatabaseState {
  return databaseState(app.db);
}
