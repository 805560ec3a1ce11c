import { withShortBusyTimeout, type Db } from "./connection.js";

/** Consecutive refused DMs after which delivery pauses until the user resumes it. */
export const DM_FAILURE_LIMIT = 3;
export const MAX_TOPICS_PER_USER = 50;

export interface UserFollow {
  userId: string;
  locale: string;
  createdAt: string;
  /** display: the keyword as typed (its case), when it differs from the stored key. */
  topics: { topic: string; createdAt: string; display?: string }[];
  dmFailures: number;
  dmPausedAt: string | null;
  lastDmError: string | null;
}

export interface ChannelFollow {
  channelId: string;
  guildId: string;
  /** "" means everything (the weekly digest); otherwise one topic. */
  topic: string;
  createdBy: string;
  createdAt: string;
  /** The role an alert post mentions (the only mention it allows), if any. */
  roleId?: string | null;
  /** Language of the channel's posts (the moderator's when they subscribed it). */
  locale?: string;
}

interface FollowRow {
  user_id: string;
  locale: string;
  created_at: string;
  dm_failures: number;
  dm_paused_at: string | null;
  last_dm_error: string | null;
}

interface ChannelRow {
  channel_id: string;
  guild_id: string;
  topic: string;
  created_by: string;
  created_at: string;
  role_id: string | null;
  locale: string;
}

const toChannelFollow = (row: ChannelRow): ChannelFollow => ({
  channelId: row.channel_id,
  guildId: row.guild_id,
  topic: row.topic,
  createdBy: row.created_by,
  createdAt: row.created_at,
  roleId: row.role_id,
  locale: row.locale,
});

export type TopicChange = "added" | "already" | "limit";

export function followStore(db: Db) {
  const statements = {
    getFollow: db.prepare<[string], FollowRow>("SELECT * FROM user_follows WHERE user_id = ?"),
    insertFollow: db.prepare<[string, string, string]>(
      "INSERT INTO user_follows (user_id, locale, created_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
    ),
    updateLocale: db.prepare<[string, string]>("UPDATE user_follows SET locale = ? WHERE user_id = ?"),
    topics: db.prepare<[string], { topic: string; created_at: string; display: string | null }>(
      "SELECT topic, created_at, display FROM user_topics WHERE user_id = ? ORDER BY created_at, topic",
    ),
    countTopics: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM user_topics WHERE user_id = ?"),
    insertTopic: db.prepare<[string, string, string, string | null]>(
      "INSERT INTO user_topics (user_id, topic, created_at, display) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, topic) DO NOTHING",
    ),
    deleteTopic: db.prepare<[string, string]>("DELETE FROM user_topics WHERE user_id = ? AND topic = ?"),
    deleteFollow: db.prepare<[string]>("DELETE FROM user_follows WHERE user_id = ?"),
    // The user's digest and alert history: per-user rows, deleted with the follow and part of the export.
    deleteDigestDeliveries: db.prepare<[string]>("DELETE FROM digest_deliveries WHERE kind = 'user' AND target_id = ?"),
    deleteAlertIntents: db.prepare<[string]>("DELETE FROM alert_intents WHERE subscriber = 'user:' || ?"),
    digestDeliveries: db.prepare<
      [string],
      { week: string; status: string; messages_total: number; messages_sent: number; reason: string | null; updated_at: string }
    >(
      "SELECT week, status, messages_total, messages_sent, reason, updated_at FROM digest_deliveries WHERE kind = 'user' AND target_id = ? ORDER BY week",
    ),
    alertIntents: db.prepare<
      [string],
      { paper_id: string; locale: string; created_at: string; sent_at: string | null; dropped_at: string | null; outcome: string | null }
    >(
      "SELECT paper_id, locale, created_at, sent_at, dropped_at, outcome FROM alert_intents WHERE subscriber = 'user:' || ? ORDER BY created_at, paper_id",
    ),
    dmFailed: db.prepare<[string, string, string]>(
      `UPDATE user_follows SET dm_failures = dm_failures + 1, last_dm_error = ?,
         dm_paused_at = CASE WHEN dm_failures + 1 >= ${DM_FAILURE_LIMIT} AND dm_paused_at IS NULL THEN ? ELSE dm_paused_at END
       WHERE user_id = ?`,
    ),
    dmSucceeded: db.prepare<[string]>("UPDATE user_follows SET dm_failures = 0, last_dm_error = NULL WHERE user_id = ?"),
    resumeDm: db.prepare<[string]>("UPDATE user_follows SET dm_failures = 0, dm_paused_at = NULL, last_dm_error = NULL WHERE user_id = ?"),
    followersOf: db.prepare<[string], { user_id: string }>(
      "SELECT user_id FROM user_topics WHERE topic = ? AND user_id IN (SELECT user_id FROM user_follows WHERE dm_paused_at IS NULL)",
    ),
    digestRecipients: db.prepare<[], { user_id: string; locale: string }>(
      "SELECT user_id, locale FROM user_follows WHERE dm_paused_at IS NULL ORDER BY created_at",
    ),
    insertChannel: db.prepare<[string, string, string, string, string, string | null, string]>(
      `INSERT INTO channel_follows (channel_id, guild_id, topic, created_by, created_at, role_id, locale) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel_id, topic) DO UPDATE SET role_id = excluded.role_id WHERE role_id IS NOT excluded.role_id`,
    ),
    deleteChannel: db.prepare<[string, string]>("DELETE FROM channel_follows WHERE channel_id = ? AND topic = ?"),
    channelsInGuild: db.prepare<[string], ChannelRow>("SELECT * FROM channel_follows WHERE guild_id = ? ORDER BY channel_id, topic"),
    channelsForChannel: db.prepare<[string], ChannelRow>("SELECT * FROM channel_follows WHERE channel_id = ? ORDER BY topic"),
  };

  const get = (userId: string): UserFollow | undefined => {
    const row = statements.getFollow.get(userId);
    if (!row) return undefined;
    return {
      userId: row.user_id,
      locale: row.locale,
      createdAt: row.created_at,
      topics: statements.topics
        .all(userId)
        .map((topic) => ({ topic: topic.topic, createdAt: topic.created_at, ...(topic.display ? { display: topic.display } : {}) })),
      dmFailures: row.dm_failures,
      dmPausedAt: row.dm_paused_at,
      lastDmError: row.last_dm_error,
    };
  };

  const followTransaction = db.transaction(
    (
      userId: string,
      locale: string,
      topic: string | undefined,
      now: Date,
      display: string | undefined,
    ): { created: boolean; topic: TopicChange | null } => {
      const stamp = now.toISOString();
      const created = statements.insertFollow.run(userId, locale, stamp).changes === 1;
      if (!created) statements.updateLocale.run(locale, userId);
      if (topic === undefined) return { created, topic: null };
      if (
        (statements.countTopics.get(userId)?.n ?? 0) >= MAX_TOPICS_PER_USER &&
        !get(userId)?.topics.some((entry) => entry.topic === topic)
      ) {
        return { created, topic: "limit" };
      }
      const added =
        statements.insertTopic.run(userId, topic, stamp, display !== undefined && display !== topic ? display : null).changes === 1;
      return { created, topic: added ? "added" : "already" };
    },
  );
  // Writes answer users: under another process's lock they give up quickly with DatabaseBusyError.
  const write = <T>(run: () => T): T => withShortBusyTimeout(db, run);

  return {
    get,
    /**
     * Follows (once) and optionally adds a topic, in one transaction so a crash never leaves half a follow. display is
     * the keyword as typed, kept beside its normalised key so replies echo it in the person's case.
     */
    follow: (userId: string, locale: string, topic: string | undefined, now: Date, display?: string) =>
      write(() => followTransaction.immediate(userId, locale, topic, now, display)),
    removeTopic: (userId: string, topic: string): boolean => write(() => statements.deleteTopic.run(userId, topic).changes === 1),
    /** Deletes everything stored about the user (topics go with the follow row). */
    unfollowAll: (userId: string): boolean =>
      write(() =>
        db
          .transaction(() => {
            statements.deleteDigestDeliveries.run(userId);
            statements.deleteAlertIntents.run(userId);
            return statements.deleteFollow.run(userId).changes === 1;
          })
          .immediate(),
      ),
    /** The digests and alerts sent (or tried) to the user's DMs, for the export. */
    history: (userId: string) => ({
      digestDeliveries: statements.digestDeliveries.all(userId).map((row) => ({
        week: row.week,
        status: row.status,
        messagesTotal: row.messages_total,
        messagesSent: row.messages_sent,
        reason: row.reason,
        updatedAt: row.updated_at,
      })),
      alerts: statements.alertIntents.all(userId).map((row) => ({
        paperId: row.paper_id,
        locale: row.locale,
        createdAt: row.created_at,
        sentAt: row.sent_at,
        droppedAt: row.dropped_at,
        outcome: row.outcome,
      })),
    }),
    recordDmFailure: (userId: string, error: string, now: Date): void =>
      write(() => void statements.dmFailed.run(error, now.toISOString(), userId)),
    recordDmSuccess: (userId: string): void => write(() => void statements.dmSucceeded.run(userId)),
    resumeDm: (userId: string): boolean => write(() => statements.resumeDm.run(userId).changes === 1),
    followersOfTopic: (topic: string): string[] => statements.followersOf.all(topic).map((row) => row.user_id),
    digestRecipients: (): { userId: string; locale: string }[] =>
      statements.digestRecipients.all().map((row) => ({ userId: row.user_id, locale: row.locale })),
    /** True when the channel now follows the topic, or its role changed. */
    followChannel: (follow: Omit<ChannelFollow, "createdAt">, now: Date): boolean =>
      write(
        () =>
          statements.insertChannel.run(
            follow.channelId,
            follow.guildId,
            follow.topic,
            follow.createdBy,
            now.toISOString(),
            follow.roleId ?? null,
            follow.locale ?? "en",
          ).changes === 1,
      ),
    unfollowChannel: (channelId: string, topic: string): boolean =>
      write(() => statements.deleteChannel.run(channelId, topic).changes === 1),
    channelFollowsInGuild: (guildId: string): ChannelFollow[] => statements.channelsInGuild.all(guildId).map(toChannelFollow),
    channelFollows: (channelId: string): ChannelFollow[] => statements.channelsForChannel.all(channelId).map(toChannelFollow),
  };
}

export type FollowStore = ReturnType<typeof followStore>;
