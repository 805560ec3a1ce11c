import { randomUUID } from "node:crypto";
import type { CatalogEntry } from "../catalog/schema.js";
import type { Paper, PaperModeration, PaperSource } from "../catalog/types.js";
import type { Db } from "./connection.js";
import {
  toGuild,
  toDelivery,
  toRun,
  toPause,
  type DeliveryKind,
  type DeliveryStatus,
  type GuildDigestSettings,
  type DestinationPause,
  type Delivery,
  type DigestRun,
  type GuildRow,
  type DeliveryRow,
  type RunRow,
  type PauseRow,
} from "./digest-rows.js";

export type { DeliveryKind, DeliveryStatus, GuildDigestSettings, DestinationPause, Delivery, DigestRun } from "./digest-rows.js";

/** A guild's settings with its own channel's pause (the legacy guild-wide columns are no longer written). */
const GUILD_SELECT = `SELECT g.guild_id, g.channel_id, g.weekday, g.time, g.time_zone, g.locale, g.enabled, p.reason AS paused_reason,
  p.paused_at AS paused_at, g.updated_by, g.updated_at, g.created_at, g.last_edition
  FROM digest_guilds g LEFT JOIN digest_pauses p ON p.kind = 'channel' AND p.target_id = g.channel_id`;

const PROCESS_OWNER = randomUUID();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/** Prepared statements for the digest tables, plus the reads of papers and follows the digest needs. */
export function digestStore(db: Db) {
  const s = {
    guild: db.prepare<[string], GuildRow>(`${GUILD_SELECT} WHERE g.guild_id = ?`),
    guilds: db.prepare<[], GuildRow>(`${GUILD_SELECT} ORDER BY g.guild_id`),
    setGuild: db.prepare<[string, string, number, string, string, string, string, string, string]>(
      `INSERT INTO digest_guilds (guild_id, channel_id, weekday, time, time_zone, locale, enabled, paused_reason, paused_at, updated_by, updated_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 1, NULL, NULL, ?, ?, ?)
       ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, weekday = excluded.weekday, time = excluded.time,
         time_zone = excluded.time_zone, locale = excluded.locale, enabled = 1, paused_reason = NULL, paused_at = NULL,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at, created_at = coalesce(digest_guilds.created_at, excluded.created_at)`,
    ),
    pause: db.prepare<[DeliveryKind, string, string | null, string, string]>(
      `INSERT INTO digest_pauses (kind, target_id, guild_id, reason, paused_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, target_id) DO UPDATE SET guild_id = excluded.guild_id, reason = excluded.reason, paused_at = excluded.paused_at`,
    ),
    pauses: db.prepare<[], PauseRow>("SELECT * FROM digest_pauses ORDER BY kind, target_id"),
    guildPauses: db.prepare<[string], PauseRow>("SELECT * FROM digest_pauses WHERE guild_id = ? ORDER BY paused_at, target_id"),
    unpause: db.prepare<[DeliveryKind, string]>("DELETE FROM digest_pauses WHERE kind = ? AND target_id = ?"),
    unpauseGuild: db.prepare<[string]>("DELETE FROM digest_pauses WHERE guild_id = ?"),
    /** After a moderator's fix, a destination's failed week (nothing of it sent) may go out after all. */
    retryGuildFailures: db.prepare<[string]>(
      "UPDATE digest_deliveries SET retryable = 1 WHERE guild_id = ? AND status = 'failed' AND messages_sent = 0",
    ),
    retryFailure: db.prepare<[DeliveryKind, string]>(
      "UPDATE digest_deliveries SET retryable = 1 WHERE kind = ? AND target_id = ? AND status = 'failed' AND messages_sent = 0",
    ),
    guildGot: db.prepare<[string, string, string]>(
      "UPDATE digest_guilds SET last_edition = ? WHERE channel_id = ? AND (last_edition IS NULL OR last_edition < ?)",
    ),
    disableGuild: db.prepare<[string, string, string]>(
      "UPDATE digest_guilds SET enabled = 0, updated_by = ?, updated_at = ? WHERE guild_id = ?",
    ),
    digestChannelFollows: db.prepare<[], { channel_id: string; guild_id: string; created_at: string; locale: string }>(
      "SELECT channel_id, guild_id, min(created_at) AS created_at, locale FROM channel_follows WHERE topic = '' GROUP BY channel_id, guild_id ORDER BY channel_id",
    ),
    readers: db.prepare<[], { user_id: string; locale: string; created_at: string; topics: string | null }>(
      `SELECT user_id, locale, created_at, (SELECT group_concat(topic, char(31)) FROM user_topics t WHERE t.user_id = f.user_id) AS topics
       FROM user_follows f WHERE dm_paused_at IS NULL ORDER BY created_at, user_id`,
    ),
    pausedReaders: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM user_follows WHERE dm_paused_at IS NOT NULL"),
    topicsOf: db.prepare<[string], { topic: string }>("SELECT topic FROM user_topics WHERE user_id = ? ORDER BY topic"),
    addedPapers: db.prepare<
      [string, string],
      { source: PaperSource; position: number; data_json: string; added_at: string; moderation_json: string | null }
    >(
      "SELECT source, position, data_json, added_at, moderation_json FROM papers WHERE source = 'moderator' AND added_at >= ? AND added_at < ? ORDER BY added_at, seq",
    ),
    edition: db.prepare<[string], { content_json: string; frozen_at: string; published_at: string | null }>(
      "SELECT content_json, frozen_at, published_at FROM digest_editions WHERE week = ?",
    ),
    freeze: db.prepare<[string, string, string]>(
      "INSERT INTO digest_editions (week, content_json, frozen_at) VALUES (?, ?, ?) ON CONFLICT (week) DO NOTHING",
    ),
    publish: db.prepare<[string, string]>("UPDATE digest_editions SET published_at = coalesce(published_at, ?) WHERE week = ?"),
    published: db.prepare<[number], { week: string; content_json: string; published_at: string }>(
      "SELECT week, content_json, published_at FROM digest_editions WHERE published_at IS NOT NULL ORDER BY week DESC LIMIT ?",
    ),
    publishedWeeks: db.prepare<[number], { week: string; published_at: string }>(
      "SELECT week, published_at FROM digest_editions WHERE published_at IS NOT NULL ORDER BY week DESC LIMIT ?",
    ),
    publishedKey: db.prepare<[], { n: number; latest: string | null; last_week: string | null }>(
      "SELECT count(*) AS n, max(published_at) AS latest, max(week) AS last_week FROM digest_editions WHERE published_at IS NOT NULL",
    ),
    ownChanges: db.prepare<[], { n: number }>("SELECT total_changes() AS n"),
    startRun: db.prepare<[string, number, string, string, string]>(
      "INSERT INTO digest_runs (week, pid, owner, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)",
    ),
    unfinished: db.prepare<[], { id: number; pid: number; owner: string; heartbeat_at: string }>(
      "SELECT id, pid, owner, heartbeat_at FROM digest_runs WHERE finished_at IS NULL",
    ),
    interrupt: db.prepare<[string, number]>(
      "UPDATE digest_runs SET finished_at = ?, outcome = 'interrupted' WHERE id = ? AND finished_at IS NULL",
    ),
    beat: db.prepare<[number, number, number, string, number]>(
      "UPDATE digest_runs SET total = ?, sent = ?, failed = ?, heartbeat_at = ? WHERE id = ?",
    ),
    finishRun: db.prepare<[string, number]>("UPDATE digest_runs SET finished_at = ?, outcome = 'finished' WHERE id = ?"),
    activeRun: db.prepare<[], RunRow>("SELECT * FROM digest_runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1"),
    lastRun: db.prepare<[], RunRow>("SELECT * FROM digest_runs ORDER BY id DESC LIMIT 1"),
    delivery: db.prepare<[string, DeliveryKind, string], DeliveryRow>(
      "SELECT * FROM digest_deliveries WHERE week = ? AND kind = ? AND target_id = ?",
    ),
    claim: db.prepare<[string, DeliveryKind, string, string | null, number, number, string, number]>(
      `INSERT INTO digest_deliveries (week, kind, target_id, guild_id, status, run_id, messages_total, updated_at)
       VALUES (?, ?, ?, ?, 'sending', ?, ?, ?)
       ON CONFLICT (week, kind, target_id) DO UPDATE SET status = 'sending', run_id = excluded.run_id, messages_total = excluded.messages_total,
         reason = NULL, retryable = 0, updated_at = excluded.updated_at
       WHERE digest_deliveries.status = 'failed' AND (digest_deliveries.retryable = 1 OR ?) AND digest_deliveries.messages_sent = 0`,
    ),
    /** Takes over a 'sending' row of a run that died before any of its messages went out. */
    reclaim: db.prepare<[number, number, string, string, DeliveryKind, string]>(
      `UPDATE digest_deliveries SET run_id = ?, messages_total = ?, updated_at = ?
       WHERE week = ? AND kind = ? AND target_id = ? AND status = 'sending' AND messages_sent = 0`,
    ),
    progress: db.prepare<[number, string, string, DeliveryKind, string]>(
      "UPDATE digest_deliveries SET messages_sent = ?, updated_at = ? WHERE week = ? AND kind = ? AND target_id = ?",
    ),
    settle: db.prepare<[DeliveryStatus, string | null, number, string, string, DeliveryKind, string]>(
      "UPDATE digest_deliveries SET status = ?, reason = ?, retryable = ?, updated_at = ? WHERE week = ? AND kind = ? AND target_id = ?",
    ),
    skip: db.prepare<[string, DeliveryKind, string, string | null, string, string]>(
      `INSERT INTO digest_deliveries (week, kind, target_id, guild_id, status, reason, updated_at)
       VALUES (?, ?, ?, ?, 'skipped', ?, ?) ON CONFLICT (week, kind, target_id) DO NOTHING`,
    ),
    orphans: db.prepare<[], DeliveryRow>(
      `SELECT * FROM digest_deliveries WHERE status = 'sending'
       AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM digest_runs WHERE finished_at IS NULL)) ORDER BY week, kind, target_id`,
    ),
    handled: db.prepare<[string, DeliveryKind, number], { target_id: string }>(
      "SELECT target_id FROM digest_deliveries WHERE week = ? AND kind = ? AND NOT (status = 'failed' AND messages_sent = 0 AND (retryable = 1 OR ?))",
    ),
    guildDeliveries: db.prepare<[string, number], DeliveryRow>(
      "SELECT * FROM digest_deliveries WHERE guild_id = ? ORDER BY updated_at DESC, week DESC LIMIT ?",
    ),
    countByStatus: db.prepare<[string], { status: DeliveryStatus; n: number }>(
      "SELECT status, count(*) AS n FROM digest_deliveries WHERE week = ? GROUP BY status",
    ),
  };

  const versionCache = { writes: "", key: "" };
  return {
    guild: (guildId: string): GuildDigestSettings | undefined => {
      const row = s.guild.get(guildId);
      return row ? toGuild(row) : undefined;
    },
    guilds: (): GuildDigestSettings[] => s.guilds.all().map(toGuild),
    /** `/digest set`: the schedule, and a moderator's fix: every paused destination of the guild resumes, its failed weeks are owed again. */
    setGuild(settings: Omit<GuildDigestSettings, "enabled" | "pausedReason" | "pausedAt" | "createdAt" | "lastEdition">): void {
      const { guildId, channelId, weekday, time, timeZone, locale, updatedBy, updatedAt } = settings;
      db.transaction(() => {
        s.setGuild.run(guildId, channelId, weekday, time, timeZone, locale, updatedBy, updatedAt, updatedAt);
        s.unpauseGuild.run(guildId);
        s.retryGuildFailures.run(guildId);
      })();
    },
    disableGuild: (guildId: string, by: string, now: Date): boolean => s.disableGuild.run(by, now.toISOString(), guildId).changes === 1,
    /** Pauses one destination (the others, in its guild too, go on) until a moderator acts. */
    pauseDestination: (kind: DeliveryKind, targetId: string, guildId: string | null, reason: string, now: Date): void =>
      void s.pause.run(kind, targetId, guildId, reason, now.toISOString()),
    pausedDestinations: (): DestinationPause[] => s.pauses.all().map(toPause),
    guildPauses: (guildId: string): DestinationPause[] => s.guildPauses.all(guildId).map(toPause),
    /** `/follow channel:` again: that channel is resumed, and its failed week (if nothing went out) is owed again. */
    resumeDestination: (kind: DeliveryKind, targetId: string): boolean =>
      db.transaction(() => {
        s.retryFailure.run(kind, targetId);
        return s.unpause.run(kind, targetId).changes === 1;
      })(),
    /** Channels subscribed to the digest with /follow channel:, in the language they were subscribed in (as their alerts). */
    digestChannelFollows: () =>
      s.digestChannelFollows
        .all()
        .map((row) => ({ channelId: row.channel_id, guildId: row.guild_id, createdAt: row.created_at, locale: row.locale })),
    /** Followers whose DMs are not paused, oldest first, with their topics (one query for all of them). */
    readers: () =>
      s.readers.all().map((row) => ({
        userId: row.user_id,
        locale: row.locale,
        createdAt: row.created_at,
        topics: row.topics === null ? [] : row.topics.split("\u001f"),
      })),
    pausedReaderCount: (): number => s.pausedReaders.get()?.n ?? 0,
    topicsOf: (userId: string): string[] => s.topicsOf.all(userId).map((row) => row.topic),
    /** Papers moderators added or approved in [start, end). */
    addedPapers: (start: Date, end: Date): Paper[] =>
      s.addedPapers.all(start.toISOString(), end.toISOString()).map((row) => ({
        ...(JSON.parse(row.data_json) as CatalogEntry),
        position: row.position,
        source: row.source,
        addedAt: row.added_at,
        ...(row.moderation_json === null ? {} : { moderation: JSON.parse(row.moderation_json) as PaperModeration }),
      })),
    edition: (week: string) => s.edition.get(week),
    /** Stores the edition unless one is stored already; returns the stored one either way. */
    freezeEdition(week: string, contentJson: string, now: Date): string {
      s.freeze.run(week, contentJson, now.toISOString());
      const row = s.edition.get(week);
      if (!row) throw new Error(`digest edition ${week} could not be stored`);
      return row.content_json;
    },
    publishEdition: (week: string, now: Date): void => void s.publish.run(now.toISOString(), week),
    /** Week labels and dates only (no content parsed), newest first. */
    publishedWeeks: (limit: number) => s.publishedWeeks.all(limit).map((row) => ({ week: row.week, publishedAt: row.published_at })),
    /**
     * A key that changes whenever the set of published editions does (editions are immutable once frozen, published
     * once). The real query runs only after this or another connection wrote something.
     */
    publishedVersion(): string {
      const writes = `${String(db.pragma("data_version", { simple: true }))}:${s.ownChanges.get()?.n ?? 0}`;
      if (writes !== versionCache.writes) {
        const row = s.publishedKey.get();
        versionCache.writes = writes;
        versionCache.key = `${row?.n ?? 0}|${row?.latest ?? ""}|${row?.last_week ?? ""}`;
      }
      return versionCache.key;
    },
    publishedEditions: (limit: number) =>
      s.published.all(limit).map((row) => ({ week: row.week, contentJson: row.content_json, publishedAt: row.published_at })),
    startRun: (week: string, now: Date): number =>
      Number(s.startRun.run(week, process.pid, PROCESS_OWNER, now.toISOString(), now.toISOString()).lastInsertRowid),
    heartbeat: (runId: number, counts: { total: number; sent: number; failed: number }, now: Date): void =>
      void s.beat.run(counts.total, counts.sent, counts.failed, now.toISOString(), runId),
    finishRun: (runId: number, now: Date): void => void s.finishRun.run(now.toISOString(), runId),
    /** Runs whose process is gone (killed; the database is local, so the pid is too) or stopped beating are closed. */
    interruptDeadRuns(now: Date, staleBefore: Date): number {
      let closed = 0;
      for (const run of s.unfinished.all()) {
        const fresh = run.heartbeat_at >= staleBefore.toISOString();
        const alive = run.owner === PROCESS_OWNER || (run.pid !== process.pid && processAlive(run.pid));
        if (alive && fresh) continue;
        closed += s.interrupt.run(now.toISOString(), run.id).changes;
      }
      return closed;
    },
    activeRun: (): DigestRun | undefined => {
      const row = s.activeRun.get();
      return row ? toRun(row) : undefined;
    },
    lastRun: (): DigestRun | undefined => {
      const row = s.lastRun.get();
      return row ? toRun(row) : undefined;
    },
    delivery: (week: string, kind: DeliveryKind, targetId: string): Delivery | undefined => {
      const row = s.delivery.get(week, kind, targetId);
      return row ? toDelivery(row) : undefined;
    },
    /** True when this run now owns the destination for the week (recorded 'sending' before any message; a retryable failure is taken over). */
    claim: (
      week: string,
      kind: DeliveryKind,
      targetId: string,
      guildId: string | null,
      runId: number,
      total: number,
      now: Date,
      anyFailure = false,
    ): boolean => s.claim.run(week, kind, targetId, guildId, runId, total, now.toISOString(), anyFailure ? 1 : 0).changes === 1,
    reclaim: (week: string, kind: DeliveryKind, targetId: string, runId: number, total: number, now: Date): boolean =>
      s.reclaim.run(runId, total, now.toISOString(), week, kind, targetId).changes === 1,
    progress: (week: string, kind: DeliveryKind, targetId: string, sent: number, now: Date): void =>
      void s.progress.run(sent, now.toISOString(), week, kind, targetId),
    /** A channel that got (some of) the edition counts for the guild whose digest channel it is. */
    settle: (
      week: string,
      kind: DeliveryKind,
      targetId: string,
      status: DeliveryStatus,
      reason: string | null,
      now: Date,
      retryable = false,
    ): void =>
      db.transaction(() => {
        s.settle.run(status, reason, retryable ? 1 : 0, now.toISOString(), week, kind, targetId);
        if (kind === "channel" && (status === "sent" || status === "partial")) s.guildGot.run(week, targetId, week);
      })(),
    skip: (week: string, kind: DeliveryKind, targetId: string, guildId: string | null, reason: string, now: Date): boolean =>
      s.skip.run(week, kind, targetId, guildId, reason, now.toISOString()).changes === 1,
    /** 'sending' rows left by runs that are no longer going. */
    orphans: (): Delivery[] => s.orphans.all().map(toDelivery),
    /** Destinations done for the week (sent, partial, skipped, failed for good, or being sent). */
    handledTargets: (week: string, kind: DeliveryKind, anyFailure = false): Set<string> =>
      new Set(s.handled.all(week, kind, anyFailure ? 1 : 0).map((row) => row.target_id)),
    guildDeliveries: (guildId: string, limit: number): Delivery[] => s.guildDeliveries.all(guildId, limit).map(toDelivery),
    countByStatus: (week: string): Partial<Record<DeliveryStatus, number>> =>
      Object.fromEntries(s.countByStatus.all(week).map((row) => [row.status, row.n])),
  };
}

export type DigestStore = ReturnType<typeof digestStore>;
