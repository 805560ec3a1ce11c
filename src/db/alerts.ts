import type { Db } from "./connection.js";

export interface AlertIntent {
  paperId: string;
  /** "user:<id>" or "channel:<id>". */
  subscriber: string;
  locale: string;
  /** The roles a channel post mentions: every role of the channel's follows the paper matched (sorted). */
  roleIds: string[];
  createdAt: string;
  attemptedAt: string | null;
  attempts: number;
}

interface IntentRow {
  paper_id: string;
  subscriber: string;
  locale: string;
  role_id: string | null;
  created_at: string;
  attempted_at: string | null;
  attempts: number;
}

export type AlertOutcome = "sent" | "paused" | "refused" | "gone" | "expired" | "uncertain" | "failed" | "paper-removed";

/** Alert intents: recorded before sending, marked after; SQL only here. */
export function alertStore(db: Db) {
  const statements = {
    followedTopics: db.prepare<[], { topic: string }>("SELECT DISTINCT topic FROM user_topics"),
    channelTopics: db.prepare<[], { topic: string }>("SELECT DISTINCT topic FROM channel_follows WHERE topic <> ''"),
    userTopicsOf: db.prepare<[string], { topic: string }>("SELECT topic FROM user_topics WHERE user_id = ?"),
    channelTopicsOf: db.prepare<[string], { topic: string }>(
      "SELECT DISTINCT topic FROM channel_follows WHERE channel_id = ? AND topic <> ''",
    ),
    // One statement per kind of subscriber, so deciding 100,000 followers stays inside SQLite.
    insertUsers: db.prepare<[string, string, string]>(
      `INSERT OR IGNORE INTO alert_intents (paper_id, subscriber, locale, role_id, created_at)
       SELECT ?, 'user:' || f.user_id, f.locale, NULL, ? FROM user_follows f
       WHERE f.dm_paused_at IS NULL
         AND f.user_id IN (SELECT user_id FROM user_topics WHERE topic IN (SELECT value FROM json_each(?)))`,
    ),
    // One post per channel, mentioning the roles of all its matching follows (role_id holds them comma-separated);
    // the locale is that of the channel's first matching follow (the bare column of min()).
    insertChannels: db.prepare<{ paper: string; stamp: string; topics: string }>(
      `INSERT OR IGNORE INTO alert_intents (paper_id, subscriber, locale, role_id, created_at)
       SELECT @paper, 'channel:' || channel_id, locale, roles, @stamp FROM (
         SELECT c.channel_id, c.locale, group_concat(DISTINCT c.role_id) AS roles, min(c.created_at) AS first
         FROM channel_follows c WHERE c.topic IN (SELECT value FROM json_each(@topics))
         GROUP BY c.channel_id)`,
    ),
    countFor: db.prepare<[string], { users: number; channels: number }>(
      `SELECT coalesce(sum(subscriber LIKE 'user:%'), 0) AS users, coalesce(sum(subscriber LIKE 'channel:%'), 0) AS channels
       FROM alert_intents WHERE paper_id = ?`,
    ),
    open: db.prepare<[number], IntentRow>(
      "SELECT * FROM alert_intents WHERE sent_at IS NULL AND dropped_at IS NULL ORDER BY created_at, paper_id, subscriber LIMIT ?",
    ),
    attempt: db.prepare<[string, string, string]>(
      "UPDATE alert_intents SET attempted_at = ?, attempts = attempts + 1 WHERE paper_id = ? AND subscriber = ?",
    ),
    sent: db.prepare<[string, string, string]>(
      "UPDATE alert_intents SET sent_at = ?, outcome = 'sent' WHERE paper_id = ? AND subscriber = ?",
    ),
    dropped: db.prepare<[string, string, string, string]>(
      "UPDATE alert_intents SET dropped_at = ?, outcome = ? WHERE paper_id = ? AND subscriber = ? AND sent_at IS NULL",
    ),
    retry: db.prepare<[string, string, string]>(
      "UPDATE alert_intents SET outcome = ?, attempted_at = NULL WHERE paper_id = ? AND subscriber = ?",
    ),
    summary: db.prepare<[], { outcome: string | null; n: number }>("SELECT outcome, count(*) AS n FROM alert_intents GROUP BY outcome"),
  };
  const toIntent = (row: IntentRow): AlertIntent => ({
    paperId: row.paper_id,
    subscriber: row.subscriber,
    locale: row.locale,
    roleIds: row.role_id ? [...new Set(row.role_id.split(","))].sort() : [],
    createdAt: row.created_at,
    attemptedAt: row.attempted_at,
    attempts: row.attempts,
  });
  return {
    /** Every topic and keyword someone follows (users and channels); the caller picks those a paper matches. */
    followedTopics: (): string[] => [
      ...new Set([...statements.followedTopics.all(), ...statements.channelTopics.all()].map((row) => row.topic)),
    ],
    /** What one subscriber ("user:<id>" or "channel:<id>") follows now: catalog topics and keywords. */
    subscriberTopics: (subscriber: string): string[] => {
      const [kind, id = ""] = subscriber.split(":");
      return (kind === "user" ? statements.userTopicsOf : statements.channelTopicsOf).all(id).map((row) => row.topic);
    },
    /** Records one intent per subscriber following any of `topics` (paused DMs excluded), in one transaction. */
    record: db.transaction((paperId: string, topics: readonly string[], now: Date): { users: number; channels: number } => {
      const stamp = now.toISOString();
      const list = JSON.stringify(topics);
      statements.insertUsers.run(paperId, stamp, list);
      statements.insertChannels.run({ paper: paperId, stamp, topics: list });
      return statements.countFor.get(paperId) ?? { users: 0, channels: 0 };
    }),
    open: (limit: number): AlertIntent[] => statements.open.all(limit).map(toIntent),
    /** Written (and committed) just before the send. */
    markAttempt: (intent: AlertIntent, now: Date): void =>
      void statements.attempt.run(now.toISOString(), intent.paperId, intent.subscriber),
    markSent: (intent: AlertIntent, now: Date): void => void statements.sent.run(now.toISOString(), intent.paperId, intent.subscriber),
    markDropped: (intent: AlertIntent, outcome: AlertOutcome, now: Date): void =>
      void statements.dropped.run(now.toISOString(), outcome, intent.paperId, intent.subscriber),
    /** A passing failure: the intent stays open for the next pass. */
    markRetry: (intent: AlertIntent, reason: string): void =>
      void statements.retry.run(reason.slice(0, 200), intent.paperId, intent.subscriber),
    summary: (): Record<string, number> => Object.fromEntries(statements.summary.all().map((row) => [row.outcome ?? "open", row.n])),
  };
}

export type AlertStore = ReturnType<typeof alertStore>;
