import type { Db } from "./connection.js";
import { DatabaseProblem } from "./errors.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Ordered, append-only. Never edit a released migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "papers and search indexes",
    sql: `
      CREATE TABLE papers (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        arxiv_id TEXT UNIQUE,
        source TEXT NOT NULL CHECK (source IN ('catalog', 'moderator')),
        position INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        data_json TEXT NOT NULL CHECK (json_valid(data_json)),
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX papers_position ON papers (position);
      -- Text is tokenised and de-pluralised in TypeScript before it is stored (see searchableText),
      -- so queries and the term statistics below use exactly the same words.
      CREATE VIRTUAL TABLE paper_search USING fts5(
        title, aliases, topics, authors, body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      -- The curated papers (those with aliases) again: a small index that stays fast whatever the corpus size.
      CREATE VIRTUAL TABLE paper_search_listed USING fts5(
        title, aliases, topics, authors, body,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE VIRTUAL TABLE paper_search_terms USING fts5vocab(paper_search, 'row');
      CREATE VIRTUAL TABLE paper_search_ja USING fts5(
        title_ja, aliases_ja, summary_ja,
        tokenize = 'trigram'
      );
    `,
  },
  {
    version: 2,
    name: "follows, topic subscriptions, channel subscriptions, settings",
    sql: `
      CREATE TABLE user_follows (
        user_id TEXT PRIMARY KEY,
        locale TEXT NOT NULL DEFAULT 'en',
        created_at TEXT NOT NULL,
        dm_failures INTEGER NOT NULL DEFAULT 0,
        dm_paused_at TEXT,
        last_dm_error TEXT
      ) STRICT;
      CREATE TABLE user_topics (
        user_id TEXT NOT NULL REFERENCES user_follows (user_id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, topic)
      ) STRICT;
      CREATE INDEX user_topics_topic ON user_topics (topic);
      CREATE TABLE channel_follows (
        channel_id TEXT NOT NULL,
        guild_id TEXT NOT NULL,
        topic TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (channel_id, topic)
      ) STRICT;
      CREATE INDEX channel_follows_guild ON channel_follows (guild_id);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];

export function schemaVersion(db: Db): number {
  return Number(db.pragma("user_version", { simple: true }));
}

export function latestSchemaVersion(): number {
  return MIGRATIONS.at(-1)?.version ?? 0;
}

/** Applies pending migrations in order, each in its own transaction. Returns the versions applied. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = schemaVersion(db);
  if (current > (migrations.at(-1)?.version ?? 0)) {
    const latest = migrations.at(-1)?.version ?? 0;
    throw new DatabaseProblem(db.name, `schema version ${current} is newer than this paperbot's (${latest})`, "upgrade paperbot, or point DATABASE_PATH at another file");
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
