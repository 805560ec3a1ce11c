import { createHash } from "node:crypto";
import type { Locale } from "../i18n/index.js";
import type { DeliveryKind, DigestStore } from "../db/digest.js";
import type { FollowStore } from "../db/follows.js";
import { sendFailureOf, type MessageSender, type SendTarget } from "../shared/sender.js";
import type { Clock, Logger } from "../logger.js";
import { buildEdition, createForYouPlanner, type DigestSources, type Edition } from "./content.js";
import { renderDigestMessages, type DigestLinks } from "./render.js";
import { addWeeks, latestDue, publicationTime, weekLabel, type DigestSchedule, type WeekLabel } from "./week.js";

/** Where a digest goes: a guild channel or a user's DMs. */
export type DigestTarget = SendTarget & { kind: DeliveryKind };

/**
 * The digest sends through the shared sender port; `signal` (shutdown) abandons a request in flight, so SIGTERM
 * never waits for a slow Discord.
 */
export type DigestTransport = MessageSender;

export interface DigestSettings {
  /** DIGEST_TZ: followers' schedule and the default for /digest set. */
  timeZone: string;
  catchUpHours: number;
  /** PUBLIC_URL (or the local server's URL). */
  publicUrl: string;
}

export interface DigestDeps {
  store: DigestStore;
  follows: FollowStore;
  sources: DigestSources;
  transport: DigestTransport;
  clock: Clock;
  logger: Logger;
  settings: DigestSettings;
  /** Destinations sent to at the same time (Discord's REST queue paces the requests). Default 8. */
  concurrency?: number;
  /** How often a live run beats, whatever its sends are doing (default HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** A paper's discussion thread in a guild (issue 18): guild channels' digests link each paper to it. */
  threadLinks?: (guildId: string, paperId: string) => string | null;
}

export interface Destination extends DigestTarget {
  guildId: string | null;
  locale: Locale;
  schedule: DigestSchedule;
  /** When it subscribed: earlier publications are not owed to it. */
  since: string;
  /** For a guild's /digest set channel: the last edition the guild got (in any channel), never posted twice. */
  guildEdition?: string | null;
}

export interface RunReport {
  runId: number;
  editions: string[];
  due: number;
  sent: number;
  failed: number;
  partial: number;
  skipped: number;
  resumed: number;
  /** Another process's run that was sending when this one started (its destinations are not due here). */
  inProgress?: { runId: number; startedAt: string; sent: number; remaining: number };
}

/** A run that has not beaten for this long belongs to a process that died. */
export const STALE_RUN_MS = 2 * 60_000;
/** A live run beats on this timer (well inside STALE_RUN_MS), not only when a destination finishes. */
export const HEARTBEAT_MS = 20_000;
export function defaultSchedule(settings: Pick<DigestSettings, "timeZone">): DigestSchedule {
  return { weekday: 1, time: "09:00", timeZone: settings.timeZone };
}

const asLocale = (value: string): Locale => (value === "ja" ? "ja" : "en");

/** The web page in the reader's language (`/digest/<week>/ja` for Japanese), and the reading list. */
export function digestLinks(publicUrl: string, week: string, locale: Locale = "en"): DigestLinks {
  return { web: `${publicUrl}/digest/${week}${locale === "ja" ? "/ja" : ""}`, list: `${publicUrl}/` };
}

/** Guild channels the digest goes to: from /digest set, and channels subscribed with /follow channel:. */
export function channelDestinations(store: DigestStore, settings: Pick<DigestSettings, "timeZone">): Destination[] {
  const fallback = defaultSchedule(settings);
  const guilds = new Map(store.guilds().map((guild) => [guild.guildId, guild]));
  const paused = new Set(
    store
      .pausedDestinations()
      .filter((pause) => pause.kind === "channel")
      .map((pause) => pause.targetId),
  );
  const destinations: Destination[] = [];
  const channels = new Set<string>();
  for (const guild of guilds.values()) {
    if (!guild.enabled) continue;
    channels.add(guild.channelId);
    if (paused.has(guild.channelId)) continue;
    destinations.push({
      kind: "channel",
      id: guild.channelId,
      guildId: guild.guildId,
      locale: asLocale(guild.locale),
      schedule: { weekday: guild.weekday, time: guild.time, timeZone: guild.timeZone },
      since: guild.createdAt,
      guildEdition: guild.lastEdition,
    });
  }
  for (const follow of store.digestChannelFollows()) {
    const guild = guilds.get(follow.guildId);
    // /digest off stops the guild's digest, its followed channels included.
    if (channels.has(follow.channelId) || paused.has(follow.channelId) || (guild && !guild.enabled)) continue;
    channels.add(follow.channelId);
    destinations.push({
      kind: "channel",
      id: follow.channelId,
      guildId: follow.guildId,
      locale: asLocale(follow.locale),
      schedule: guild ? { weekday: guild.weekday, time: guild.time, timeZone: guild.timeZone } : fallback,
      since: follow.createdAt,
    });
  }
  return destinations;
}

/** The edition's content as stored when first sent, or built now and stored. */
export function loadEdition(store: DigestStore, sources: DigestSources, week: WeekLabel, now: Date, freeze: boolean): Edition {
  const stored = store.edition(week);
  if (stored) return JSON.parse(stored.content_json) as Edition;
  const built = buildEdition(week, sources);
  return freeze ? (JSON.parse(store.freezeEdition(week, JSON.stringify(built), now)) as Edition) : built;
}

function threadLinksFor(deps: DigestDeps, destination: Destination): { threadUrl?: (paperId: string) => string | null } {
  const { threadLinks } = deps;
  const guildId = destination.guildId;
  return threadLinks && guildId && destination.kind === "channel" ? { threadUrl: (paperId) => threadLinks(guildId, paperId) } : {};
}

function nonceFor(week: string, target: DigestTarget, part: number): string {
  // Discord drops a repeated nonce (enforce_nonce) for a few minutes: a retried request never posts twice.
  return createHash("sha256").update(`${week}:${target.kind}:${target.id}:${part}`).digest("base64url").slice(0, 25);
}

interface Work {
  destination: Destination;
  week: WeekLabel;
  /** Finishing a 'sending' row a dead run left before any of its messages went out. */
  resume: boolean;
}

/**
 * Sends what is due: each destination's latest publication within DIGEST_CATCHUP_HOURS (older ones are recorded
 * as skipped), or with `force` last week's edition to every destination that has not had it.
 */
export async function runDigest(deps: DigestDeps, options: { force: boolean; signal?: AbortSignal }): Promise<RunReport> {
  const { store, clock, logger, settings } = deps;
  const started = clock.now();
  store.interruptDeadRuns(started, new Date(started.getTime() - STALE_RUN_MS));
  const other = store.activeRun();
  const forcedWeek = options.force ? addWeeks(weekLabel(started), -1) : null;
  const report: RunReport = { runId: 0, editions: [], due: 0, sent: 0, failed: 0, partial: 0, skipped: 0, resumed: 0 };
  if (other)
    report.inProgress = {
      runId: other.id,
      startedAt: other.startedAt,
      sent: other.sent,
      remaining: Math.max(0, other.total - other.sent - other.failed),
    };
  const work: Work[] = [];
  const readers = deps.sources.readers();
  const topics = new Map(readers.map((reader) => [reader.userId, reader.topics]));
  const fallback = defaultSchedule(settings);
  const destinations: Destination[] = [
    ...channelDestinations(store, settings),
    ...readers.map((reader): Destination => ({
      kind: "user",
      id: reader.userId,
      guildId: null,
      locale: reader.locale,
      schedule: fallback,
      since: reader.since,
    })),
  ];
  const byKey = new Map(destinations.map((destination) => [`${destination.kind}:${destination.id}`, destination]));

  const catchUpMs = settings.catchUpHours * 3_600_000;
  for (const orphan of store.orphans()) {
    const destination = byKey.get(`${orphan.kind}:${orphan.targetId}`);
    const week = orphan.week as WeekLabel;
    const inWindow =
      destination !== undefined &&
      (options.force || started.getTime() - publicationTime(week, destination.schedule).getTime() <= catchUpMs);
    if (orphan.messagesSent === 0 && destination && inWindow) {
      work.push({ destination, week, resume: true });
      report.resumed += 1;
    } else if (orphan.messagesSent > 0) {
      store.settle(
        week,
        orphan.kind,
        orphan.targetId,
        "partial",
        `interrupted after ${orphan.messagesSent} of ${orphan.messagesTotal} messages; not reposted`,
        started,
      );
      report.partial += 1;
    } else {
      const reason = destination
        ? `interrupted; more than DIGEST_CATCHUP_HOURS (${settings.catchUpHours} h) late by the restart`
        : "interrupted; no longer a destination";
      store.settle(week, orphan.kind, orphan.targetId, "skipped", reason, started);
      report.skipped += 1;
    }
  }
  const resumed = new Set(work.map((item) => `${item.week}:${item.destination.kind}:${item.destination.id}`));

  const dueBySchedule = new Map<string, { edition: WeekLabel; at: Date }>();
  const handled = new Map<string, Set<string>>();
  // --now: a failed week that sent nothing is owed again (a paused destination is not in the list at all).
  const handledFor = (week: string, kind: DeliveryKind) => {
    const key = `${week}:${kind}`;
    let set = handled.get(key);
    if (!set) handled.set(key, (set = store.handledTargets(week, kind, options.force)));
    return set;
  };
  const guildHad = (destination: Destination, week: string) => destination.guildEdition != null && destination.guildEdition >= week;
  for (const destination of destinations) {
    const { schedule } = destination;
    let week: WeekLabel;
    if (forcedWeek) week = forcedWeek;
    else {
      const key = `${schedule.weekday}|${schedule.time}|${schedule.timeZone}`;
      let due = dueBySchedule.get(key);
      if (!due) dueBySchedule.set(key, (due = latestDue(started, schedule)));
      if (due.at.getTime() < Date.parse(destination.since)) continue;
      week = due.edition;
      if (handledFor(week, destination.kind).has(destination.id) || guildHad(destination, week)) continue;
      if (started.getTime() - due.at.getTime() > catchUpMs) {
        const reason = `not running at ${due.at.toISOString()}; more than DIGEST_CATCHUP_HOURS (${settings.catchUpHours} h) late`;
        if (store.skip(week, destination.kind, destination.id, destination.guildId, reason, started)) report.skipped += 1;
        continue;
      }
    }
    if (
      handledFor(week, destination.kind).has(destination.id) ||
      guildHad(destination, week) ||
      resumed.has(`${week}:${destination.kind}:${destination.id}`)
    )
      continue;
    work.push({ destination, week, resume: false });
  }
  report.due = work.length;
  if (work.length === 0) {
    if (report.skipped + report.partial > 0) logger.info("digest run finished", { ...report });
    return report;
  }
  const runId = store.startRun(forcedWeek ?? work[0]?.week ?? weekLabel(started), started);
  report.runId = runId;

  const editions = new Map<WeekLabel, { edition: Edition; planner: ReturnType<typeof createForYouPlanner> }>();
  const editionFor = (week: WeekLabel) => {
    let entry = editions.get(week);
    if (!entry) {
      const edition = loadEdition(store, deps.sources, week, started, true);
      entry = { edition, planner: createForYouPlanner(edition) };
      editions.set(week, entry);
      report.editions.push(week);
    }
    return entry;
  };
  const beat = () => store.heartbeat(runId, { total: work.length, sent: report.sent, failed: report.failed }, clock.now());
  beat();

  const deliver = async ({ destination, week, resume }: Work): Promise<void> => {
    const { edition, planner } = editionFor(week);
    const forYou = destination.kind === "user" ? planner(topics.get(destination.id) ?? []) : null;
    const messages = renderDigestMessages(
      edition,
      { locale: destination.locale, forYou, ...threadLinksFor(deps, destination) },
      digestLinks(settings.publicUrl, week, destination.locale),
    );
    const now = clock.now();
    const claimed = resume
      ? store.reclaim(week, destination.kind, destination.id, runId, messages.length, now)
      : store.claim(week, destination.kind, destination.id, destination.guildId, runId, messages.length, now, options.force);
    if (!claimed) return;
    let sent = 0;
    try {
      for (const message of messages) {
        await deps.transport.send(
          destination,
          message,
          nonceFor(week, destination, sent),
          options.signal ? { signal: options.signal } : {},
        );
        sent += 1;
        store.progress(week, destination.kind, destination.id, sent, clock.now());
      }
      store.settle(week, destination.kind, destination.id, "sent", null, clock.now());
      store.publishEdition(week, clock.now());
      if (destination.kind === "user") deps.follows.recordDmSuccess(destination.id);
      report.sent += 1;
    } catch (error) {
      if (options.signal?.aborted) {
        // Shutting down: the row stays 'sending' like a killed run's, so the next start resumes it only if none
        // of its messages went out (the same nonce keeps a message Discord did get from posting twice).
        logger.info("digest send abandoned: shutting down", { kind: destination.kind, id: destination.id, week, sent });
        return;
      }
      const { outcome, reason, code } = sendFailureOf(error);
      const transient = outcome === "transient";
      const at = clock.now();
      // Nothing went out and the fault may pass: a later run within the catch-up window tries again.
      store.settle(week, destination.kind, destination.id, sent > 0 ? "partial" : "failed", reason, at, sent === 0 && transient);
      if (sent > 0) report.partial += 1;
      else report.failed += 1;
      if (destination.kind === "channel" && outcome === "gone") {
        store.pauseDestination("channel", destination.id, destination.guildId, reason, at);
        logger.warn("digest channel unavailable; that channel is paused", {
          guildId: destination.guildId,
          channelId: destination.id,
          reason,
        });
      } else if (destination.kind === "user" && outcome === "refused") {
        deps.follows.recordDmFailure(destination.id, reason, at);
        logger.info("digest DM refused", { userId: destination.id, code });
      } else {
        logger.warn("digest delivery failed", { kind: destination.kind, id: destination.id, week, reason });
      }
    } finally {
      // One small write per destination: /digest status shows sent and remaining while the run goes.
      beat();
    }
  };

  let next = 0;
  const worker = async () => {
    while (next < work.length && !options.signal?.aborted) {
      const item = work[next];
      next += 1;
      if (item) await deliver(item);
    }
  };
  // Liveness does not hang on any one send: the run beats while it is live, so no other run takes it for dead
  // and claims its destinations again.
  const heartbeat = setInterval(beat, deps.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.concurrency ?? 8, work.length)) }, worker));
  } finally {
    clearInterval(heartbeat);
  }
  beat();
  store.finishRun(runId, clock.now());
  logger.info("digest run finished", { ...report });
  return report;
}
