/** The weekly digest's tables (see src/db/digest.ts); referenced from MIGRATIONS. */
export const DIGEST_SCHEMA_SQL = `
  -- One row per guild that ran /digest set: where and when its digest goes, or why it is paused.
  CREATE TABLE digest_guilds (
    guild_id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    time TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'en',
    enabled INTEGER NOT NULL DEFAULT 1,
    paused_reason TEXT,
    paused_at TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  -- An edition's content, frozen when it is first sent so every destination and the web archive agree.
  CREATE TABLE digest_editions (
    week TEXT PRIMARY KEY,
    content_json TEXT NOT NULL CHECK (json_valid(content_json)),
    frozen_at TEXT NOT NULL,
    published_at TEXT
  ) STRICT;
  CREATE TABLE digest_runs (
    id INTEGER PRIMARY KEY,
    week TEXT NOT NULL,
    pid INTEGER NOT NULL,
    -- Distinguishes this process from an earlier one with the same pid (PID 1 in a container).
    owner TEXT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT CHECK (outcome IN ('finished', 'interrupted')),
    total INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  -- Exactly once: a row is claimed ('sending') before the first message and marked 'sent' after the last.
  CREATE TABLE digest_deliveries (
    week TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('channel', 'user')),
    target_id TEXT NOT NULL,
    guild_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'partial', 'failed', 'skipped')),
    run_id INTEGER,
    messages_total INTEGER NOT NULL DEFAULT 0,
    messages_sent INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    -- A failure before any message went out that may pass (5xx, network): a later run in the window retries it.
    retryable INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (week, kind, target_id)
  ) STRICT;
  CREATE INDEX digest_deliveries_guild ON digest_deliveries (guild_id, updated_at);
  CREATE INDEX digest_deliveries_status ON digest_deliveries (status, run_id);
`;

/**
 * A failing destination (a deleted channel, a missing permission) pauses only itself, not its guild's other
 * destinations. Each guild remembers the last edition its own digest channel got, so moving the digest to
 * another channel never posts that edition to the server twice.
 */
export const DIGEST_PAUSES_SQL = `
  CREATE TABLE digest_pauses (
    kind TEXT NOT NULL CHECK (kind IN ('channel', 'user')),
    target_id TEXT NOT NULL,
    guild_id TEXT,
    reason TEXT NOT NULL,
    paused_at TEXT NOT NULL,
    PRIMARY KEY (kind, target_id)
  ) STRICT;
  CREATE INDEX digest_pauses_guild ON digest_pauses (guild_id);
  ALTER TABLE digest_guilds ADD COLUMN created_at TEXT;
  ALTER TABLE digest_guilds ADD COLUMN last_edition TEXT;
  UPDATE digest_guilds SET created_at = updated_at;
  UPDATE digest_guilds SET last_edition = (
    SELECT max(week) FROM digest_deliveries d
    WHERE d.kind = 'channel' AND d.target_id = digest_guilds.channel_id AND d.status IN ('sent', 'partial', 'sending'));
  -- Guild-wide pauses become the paused channel's own (the reason starts with "<#channel>:").
  INSERT OR IGNORE INTO digest_pauses (kind, target_id, guild_id, reason, paused_at)
    SELECT 'channel',
      CASE WHEN paused_reason LIKE '<#%>:%' THEN substr(paused_reason, 3, instr(paused_reason, '>') - 3) ELSE channel_id END,
      guild_id, paused_reason, coalesce(paused_at, updated_at)
    FROM digest_guilds WHERE paused_reason IS NOT NULL;
  -- Rows the old pause wrote for guilds that never ran /digest set (their channel came from /follow channel:).
  DELETE FROM digest_guilds WHERE updated_by = 'paperbot';
  UPDATE digest_guilds SET paused_reason = NULL, paused_at = NULL;
`;
