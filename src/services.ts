import type { OpenedApp } from "./app.js";
import { createArxivHttp, type ArxivHttp } from "./arxiv/fetch.js";
import { ArxivPoller } from "./arxiv/poller.js";
import { xmlParsers } from "./arxiv/xml-worker.js";
import { createBundleLinks } from "./bundle/links.js";
import { refreshBundle } from "./bundle/service.js";
import { BundleStore } from "./bundle/store.js";
import { followStore, type FollowStore } from "./db/follows.js";
import { databaseState, type DatabaseState } from "./db/connection.js";
import { bundleSecret } from "./db/settings.js";
import { WalCheckpointer } from "./db/checkpointer.js";
import { createBotContext, type BotContext, type DirectMessenger } from "./discord/context.js";
import { startHttpServer, type DiscordHealth, type RunningHttpServer } from "./http/index.js";
import { debounced } from "./moderation/debounce.js";
import { createAlerts, type AlertService, type AlertTransport } from "./moderation/alerts.js";
import { createModeration } from "./moderation/index.js";
import { OTHER_PROCESSES_CHECK_MS, sharedList } from "./moderation/shared-list.js";
import { Scheduler } from "./scheduler.js";
import { digestJob } from "./digest/job.js";
import { sitePages } from "./http/pages.js";
import { applicationIdFromToken } from "./http/home.js";
import type { DigestTransport } from "./digest/run.js";
import { createDigestService, digestSettings, digestStoreFor } from "./digest/service.js";
import type { DiscussionPort } from "./community/discussion.js";
import { threadStore } from "./db/threads.js";
import { voteStore } from "./db/votes.js";
import { communityVotes, type CommunityVotes } from "./community/votes.js";
import { VoteRefresher, type ButtonEditor } from "./community/refresher.js";

/** How often the catalog file is re-read and the bundle checked against it. */
export const CATALOG_REFRESH_SCHEDULE = "*/10 * * * *";

export interface Services {
  /** What the command handlers get. */
  ctx: BotContext;
  /**
   * Picks up what other processes (the CLI) committed: the one refresh the router and the console run before each
   * interaction, and each job before it reads the list.
   */
  refresh(): void;
  http: RunningHttpServer;
  scheduler: Scheduler;
  bundleRebuild: ReturnType<typeof debounced>;
  /** Topic alerts; kick() once Discord is connected to send what a crash left open. */
  alerts: AlertService;
  /** The one polite arXiv client (shared by the poller and API lookups) and the feed poller. */
  arxiv: ArxivHttp;
  poller: ArxivPoller;
  /** Vote counts on posted messages; start() once Discord is connected, to edit what a crash left and then each burst. */
  voteRefresher: VoteRefresher | null;
  /** Stops the scheduler (waiting for a running job) and closes the HTTP server. */
  stop(): Promise<void>;
}

interface CommandParts {
  ctx: BotContext;
  list: ReturnType<typeof sharedList>;
  alerts: AlertService;
  arxiv: ArxivHttp;
}

/**
 * What answering commands needs (no timer, no server): the handlers' context over the database, the bundle links,
 * the shared reading list and the alerts a moderator's addition records. `alertTransport` null: alerts stay recorded
 * for the process that runs the jobs.
 */
function commandParts(
  app: OpenedApp,
  options: {
    store: BundleStore;
    publicUrl: string;
    directMessenger: (follows: FollowStore) => DirectMessenger;
    alertTransport: ((follows: FollowStore) => AlertTransport) | undefined;
    listChanged: () => void;
    /** Threads, forum posts and channel permissions on Discord (a thread per paper); none in the local console. */
    discussion: DiscussionPort | undefined;
    votes: CommunityVotes;
  },
): CommandParts {
  const { config, clock, logger, db } = app;
  const follows = followStore(db);
  const secret = bundleSecret(db, config.bundle.secret);
  const list = sharedList(app, options.listChanged);
  const alerts = createAlerts({
    db,
    clock,
    logger,
    maxDelayMs: config.moderation.alertMaxDelayMs,
    paper: (id) => list.paper(id),
    transport: options.alertTransport?.(follows) ?? null,
  });
  const arxiv = createArxivHttp(config.arxiv, clock, {}, db);
  const ctx = createBotContext(app, {
    follows,
    bundle: createBundleLinks({
      store: options.store,
      secret,
      ttlHours: config.bundle.linkTtlHours,
      externalUrl: config.bundle.externalUrl,
      baseUrl: options.publicUrl,
    }),
    dm: options.directMessenger(follows),
    moderation: createModeration(app, {
      arxivGate: arxiv.gate,
      userAgent: arxiv.userAgent,
      papersChanged: ({ id, added }) => {
        // The list and the lookup index follow this one paper: no reload, whatever the list's size.
        list.ownChange(id);
        if (added) {
          alerts.fanout(added);
          alerts.kick();
        }
      },
    }),
    digest: createDigestService(app),
    threads: threadStore(db),
    discussion: options.discussion ?? null,
    votes: options.votes,
  });
  return { ctx, list, alerts, arxiv };
}

export interface CommandServices {
  ctx: BotContext;
  refresh(): void;
  stop(): Promise<void>;
}

/**
 * A process that only answers commands (a cluster of shards beside the one that runs the jobs): no HTTP server, no
 * scheduler, no poller, no bundle build; alerts a moderator's addition records are sent by the jobs' process, which
 * sees the commit within seconds. `publicUrl` is the jobs' process's HTTP server (bundle links).
 */
export function startCommandServices(
  app: OpenedApp,
  options: { publicUrl: string; directMessenger: (follows: FollowStore) => DirectMessenger; discussion?: DiscussionPort },
): CommandServices {
  const store = new BundleStore(app.config.bundle.dir, { clock: app.clock });
  // Votes are counted here; the jobs' process edits the other posts' counts (it sees the queued rows on its next check).
  const votes = communityVotes(voteStore(app.db), app.clock, () => undefined);
  const checkpointer = new WalCheckpointer({ db: app.db, path: app.config.databasePath, logger: app.logger });
  checkpointer.start();
  const parts = commandParts(app, {
    ...options,
    discussion: options.discussion,
    store,
    alertTransport: undefined,
    listChanged: () => undefined,
    votes,
  });
  return {
    ctx: parts.ctx,
    refresh: () => void parts.list.pickUp(),
    async stop() {
      await parts.alerts.stop();
      await checkpointer.stop();
      await xmlParsers.stop();
    },
  };
}

/**
 * Everything around the command handlers that both the Discord bot and the local console run: follows,
 * the bundle (built now and kept current), its signed-link HTTP server, and the scheduler.
 */
export async function startServices(
  app: OpenedApp,
  options: {
    directMessenger: (follows: FollowStore) => DirectMessenger;
    discordStatus: () => DiscordHealth;
    /** How alerts reach Discord; without one (the local console) they stay recorded for the bot. */
    alertTransport?: (follows: FollowStore) => AlertTransport;
    /** How the weekly digest reaches Discord (REST); without one (the local console) no digest is sent. */
    digestTransport?: () => DigestTransport;
    /** Threads, forum posts and channel permissions on Discord (a thread per paper); none in the local console. */
    discussion?: DiscussionPort;
    /** How often other processes' commits (the CLI's paper-add, candidates approve) are looked for. */
    otherProcessesCheckMs?: number;
    /** How vote counts on posted messages are edited (REST); without one (the local console) they stay queued. */
    buttonEditor?: () => ButtonEditor;
  },
): Promise<Services> {
  const { config, logger, clock, db } = app;
  const store = new BundleStore(config.bundle.dir, { clock });
  refreshBundle(store, app.catalog.papers, app.catalogUpdated, logger);
  const secret = bundleSecret(db, config.bundle.secret);
  const votesData = voteStore(db);
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    bundleStore: store,
    secret,
    clock,
    logger,
    health: () => ({ database: databaseHealth(app), discord: options.discordStatus(), papers: app.catalog.size }),
    pages: sitePages({
      store: digestStoreFor(db),
      publicUrl: digestSettings(app).publicUrl,
      catalog: () => app.catalog,
      applicationId: config.discord.applicationId ?? applicationIdFromToken(config.discord.token),
      onBadEdition: (week) => logger.warn("a stored digest edition could not be read; left out of the web pages", { week }),
      votes: (keys) => votesData.totals(keys),
    }),
  });
  const publicUrl = config.http.publicUrl ?? `http://localhost:${http.port}`;
  logger.info("http server listening", { url: http.url, publicUrl });
  // Commands never pay for a WAL checkpoint: a thread of its own copies the pages (votes, alerts and digests write often).
  const checkpointer = new WalCheckpointer({ db, path: config.databasePath, logger });
  checkpointer.start();

  // Moderators' additions are served at once; the bundle follows, one rebuild per burst of changes.
  const bundleRebuild = debounced(
    config.moderation.bundleRebuildDelayMs,
    () => refreshBundle(store, app.catalog.papers, app.catalogUpdated, logger),
    (error) => logger.error("bundle rebuild failed", { error }),
  );
  const refresher = options.buttonEditor ? new VoteRefresher({ store: votesData, editor: options.buttonEditor(), clock, logger }) : null;
  const votes = communityVotes(votesData, clock, () => refresher?.poke());
  // One database, several processes: papers the CLI adds are served, and their alerts sent, within seconds.
  const { ctx, list, alerts, arxiv } = commandParts(app, {
    store,
    publicUrl,
    directMessenger: options.directMessenger,
    alertTransport: options.alertTransport,
    listChanged: () => bundleRebuild.schedule(),
    discussion: options.discussion,
    votes,
  });

  const digest = options.digestTransport ? digestJob(app, options.digestTransport()) : undefined;
  const scheduler = new Scheduler(
    [
      {
        name: "catalog-refresh",
        schedule: CATALOG_REFRESH_SCHEDULE,
        run: () => {
          const report = app.resyncCatalog();
          // Papers added or edited from the CLI (another process); normally already picked up within seconds.
          list.pickUp();
          const changed = report.inserted.length + report.updated.length + report.removed.length > 0;
          // Building is deterministic, so an unchanged catalog with a stored zip needs no rebuild.
          if (changed || !store.current()) refreshBundle(store, app.catalog.papers, app.catalogUpdated, logger);
          // Alerts recorded by the CLI, or left for a retry.
          alerts.kick();
          // Members whose suggestions were decided from the CLI (or whose DM failed for a moment) hear it now.
          void ctx.suggestions
            .sendDecisionNotices(ctx.dm, logger)
            .catch((error: unknown) => logger.error("suggestion notices failed", { error }));
        },
      },
      ...(digest ? [digest] : []),
    ],
    logger,
  );
  scheduler.start();
  // Another process's commit: alerts it recorded, and vote counts a cluster queued, go out within seconds.
  list.start(options.otherProcessesCheckMs ?? OTHER_PROCESSES_CHECK_MS, () => {
    alerts.kick();
    refresher?.poke();
  });
  const poller = new ArxivPoller({
    db,
    config: config.arxiv,
    http: arxiv,
    clock,
    logger,
    papers: () => (list.pickUp(), app.catalog.papers),
  });
  poller.start();
  // Catch-up: a publication missed while the bot was down goes out now (within DIGEST_CATCHUP_HOURS).
  if (digest) void scheduler.runNow(digest.name);

  return {
    ctx,
    refresh: () => void list.pickUp(),
    http,
    scheduler,
    bundleRebuild,
    alerts,
    arxiv,
    poller,
    voteRefresher: refresher,
    async stop() {
      digest?.cancel();
      list.stop();
      await refresher?.stop();
      bundleRebuild.stop();
      await alerts.stop();
      await poller.stop();
      // After the poller: its parse ended with its signal; this ends an API lookup's parse and the idle threads.
      await xmlParsers.stop();
      await scheduler.stop();
      await http.close();
      await checkpointer.stop();
    },
  };
}

function databaseHealth(app: OpenedApp): DatabaseState {
  return databaseState(app.db);
}
