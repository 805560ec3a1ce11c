import type { Db } from "./connection.js";
import { DatabaseProblem } from "./errors.js";
import { DIGEST_PAUSES_SQL, DIGEST_SCHEMA_SQL } from "./digest-schema.js";
import { SUGGESTIONS_SCHEMA_SQL } from "./suggestions.js";
import { VOTES_SCHEMA_SQL } from "./votes-schema.js";

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
  {
    version: 3,
    name: "arXiv watch: feed state, candidates, versions of catalog papers",
    sql: `
      CREATE TABLE arxiv_feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        last_attempt_at TEXT,
        last_success_at TEXT,
        last_failure_at TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        first_failure_at TEXT,
        next_attempt_at TEXT,
        last_status TEXT CHECK (last_status IN ('ok', 'not_modified', 'failed')),
        last_items INTEGER NOT NULL DEFAULT 0,
        last_new INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE TABLE arxiv_candidates (
        arxiv_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        title TEXT NOT NULL,
        authors_json TEXT NOT NULL CHECK (json_valid(authors_json)),
        categories_json TEXT NOT NULL CHECK (json_valid(categories_json)),
        abstract TEXT NOT NULL,
        license TEXT,
        first_seen_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        canon_score REAL NOT NULL,
        bonus REAL NOT NULL DEFAULT 0,
        score REAL NOT NULL,
        reasons_json TEXT NOT NULL CHECK (json_valid(reasons_json)),
        status TEXT NOT NULL DEFAULT 'undecided' CHECK (status IN ('undecided', 'approved', 'rejected', 'expired')),
        decided_by TEXT,
        decided_at TEXT
      ) STRICT;
      CREATE INDEX arxiv_candidates_status_score ON arxiv_candidates (status, score DESC);
      CREATE TABLE arxiv_versions (
        arxiv_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: "moderation audit log",
    sql: `
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
        after_json TEXT CHECK (after_json IS NULL OR json_valid(after_json))
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: "moderator provenance of papers",
    sql: `
      -- NULL for catalog papers no moderator touched; otherwise who added or edited it and where its summaries come from.
      -- Catalog sync leaves rows with it alone.
      ALTER TABLE papers ADD COLUMN moderation_json TEXT CHECK (moderation_json IS NULL OR json_valid(moderation_json));
    `,
  },
  {
    version: 6,
    name: "topic alerts: channel roles and locales, alert intents",
    sql: `
      ALTER TABLE channel_follows ADD COLUMN role_id TEXT;
      ALTER TABLE channel_follows ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
      -- One row per (paper, subscriber), written before anything is sent: delivered at most once.
      -- subscriber is 'user:<id>' or 'channel:<id>'; attempted_at is set just before a send, sent_at right after.
      CREATE TABLE alert_intents (
        paper_id TEXT NOT NULL,
        subscriber TEXT NOT NULL,
        locale TEXT NOT NULL,
        role_id TEXT,
        created_at TEXT NOT NULL,
        attempted_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        sent_at TEXT,
        dropped_at TEXT,
        outcome TEXT,
        PRIMARY KEY (paper_id, subscriber)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX alert_intents_open ON alert_intents (created_at) WHERE sent_at IS NULL AND dropped_at IS NULL;
    `,
  },
  {
    version: 7,
    name: "lookup keys",
    sql: `
      -- The exact keys a paper is found by (compact names, URL keys) and tags ('#curated', '#japanese'),
      -- written with its search documents, so the resolver's start-up reads nothing per paper.
      CREATE TABLE paper_lookup_keys (key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq)) STRICT, WITHOUT ROWID;
      CREATE INDEX paper_lookup_keys_seq ON paper_lookup_keys (seq);
      -- The words papers are named by (title, aliases, topics, authors) with how many papers have each:
      -- the spelling vocabulary, read at start-up instead of walking the whole full-text index.
      CREATE TABLE paper_name_words (word TEXT PRIMARY KEY, papers INTEGER NOT NULL) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: "papers added from arXiv: drop the invented organisation and key results",
    sql: `
      -- Moderator-added papers were stored with "arXiv <category>" as organisation and the abstract's first sentence
      -- as key results (no moderator edit ever sets key results). Neither is a fact about the paper.
      -- content_hash is left as is: catalog sync never compares it for moderator rows.
      UPDATE papers
      SET data_json = json_set(
        CASE WHEN json_extract(data_json, '$.organisation') GLOB 'arXiv*' THEN json_remove(data_json, '$.organisation') ELSE data_json END,
        '$.keyResults', json('{"en":[],"ja":[]}'))
      WHERE source = 'moderator';
      -- Unkeyed moderator papers are re-indexed by the next catalog sync, so their search text loses them too.
      DELETE FROM paper_lookup_keys WHERE seq IN (SELECT seq FROM papers WHERE source = 'moderator');
    `,
  },
  { version: 9, name: "weekly digest: guild schedules, editions, runs, deliveries", sql: DIGEST_SCHEMA_SQL },
  {
    version: 10,
    name: "arXiv request lease shared by every process",
    sql: `
      -- One row: who may send the next arXiv request (holder until lease_expires_at) and when the last one ended.
      -- Times are milliseconds since the epoch from the processes' clocks (one machine).
      CREATE TABLE arxiv_gate (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT,
        lease_expires_at INTEGER,
        last_finished_at INTEGER
      ) STRICT;
    `,
  },
  { version: 11, name: "weekly digest: pauses per destination, each guild's last edition", sql: DIGEST_PAUSES_SQL },
  {
    version: 12,
    name: "arXiv watch: term document frequencies over the ingested stream",
    sql: `
      -- How many ingested papers (title and abstract) use each term (a content token: normalised and stemmed, as
      -- src/catalog/text.ts makes them). Grows in the transaction that stores a feed's new papers.
      CREATE TABLE arxiv_term_stats (
        term TEXT PRIMARY KEY,
        documents INTEGER NOT NULL CHECK (documents >= 0)
      ) STRICT, WITHOUT ROWID;
      -- One row: how many papers the counts above cover.
      CREATE TABLE arxiv_corpus (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        documents INTEGER NOT NULL CHECK (documents >= 0)
      ) STRICT;
      INSERT INTO arxiv_corpus (id, documents) VALUES (1, 0);
    `,
  },
  {
    version: 13,
    name: "followed keywords keep the form the person typed",
    sql: `
      -- topic stays the normalised key alerts match on; display is how the person wrote it (LLMエージェント), NULL for
      -- catalog topics and for keywords followed before this column (they show their key).
      ALTER TABLE user_topics ADD COLUMN display TEXT;
    `,
  },
  // votes (issue 18)
  { version: 14, name: "community votes: votes per member, counts per guild and in total, posts showing counts", sql: VOTES_SCHEMA_SQL },
  { version: 15, name: "members' paper suggestions for the review queue", sql: SUGGESTIONS_SCHEMA_SQL },
  {
    version: 16,
    name: "a thread per paper: discussion follows, each guild's paper threads, permission notices sent",
    sql: `
      -- 1: each new-paper alert in the channel opens a thread (a forum: a forum post). A channel setting, kept on each
      -- of its follows.
      ALTER TABLE channel_follows ADD COLUMN discuss INTEGER NOT NULL DEFAULT 0 CHECK (discuss IN (0, 1));
      -- The one discussion thread of a paper in a guild; a later post of the paper links to it.
      CREATE TABLE paper_threads (
        guild_id TEXT NOT NULL,
        paper_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        thread_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, paper_id)
      ) STRICT;
      -- A missing permission the moderator was told about (once per channel and permission, until they follow again).
      CREATE TABLE discussion_notices (
        channel_id TEXT NOT NULL,
        permission TEXT NOT NULL,
        guild_id TEXT NOT NULL,
        notified_at TEXT NOT NULL,
        PRIMARY KEY (channel_id, permission)
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
    throw new DatabaseProblem(
      db.name,
      `schema version ${current} is newer than this paperbot's (${latest})`,
      "upgrade paperbot, or point DATABASE_PATH at another file",
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // Immediate, and the version read again inside: two processes starting on a fresh database (the bot and a
    // shell command) would otherwise both run a migration, and the second would fail on tables that now exist.
    const ran = db
      .transaction(() => {
        if (schemaVersion(db) >= migration.version) return false;
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
        return true;
      })
      .immediate();
    if (ran) applied.push(migration.version);
  }
  return applied;
}
