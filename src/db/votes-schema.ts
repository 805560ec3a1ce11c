/** Migration 14: community votes (src/db/votes.ts). */
export const VOTES_SCHEMA_SQL = `
  -- One row per (paper, member): pressing again deletes it. paper_key is the paper's arXiv id, or its catalog id
  -- when it has none, so a vote on a candidate still counts once moderators add it to the list.
  -- voter is a Discord user id, or 'anon:<random>' once its member unfollowed everything (counted, no longer theirs).
  -- guild_id is '' for a vote pressed outside a server (a DM).
  CREATE TABLE votes (
    paper_key TEXT NOT NULL,
    voter TEXT NOT NULL,
    guild_id TEXT NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (paper_key, voter)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX votes_by_voter ON votes (voter);
  CREATE INDEX votes_by_time ON votes (voted_at, paper_key);
  -- Counts kept in the vote's transaction: per guild, and guild_id '*' for the total.
  CREATE TABLE vote_counts (
    paper_key TEXT NOT NULL,
    guild_id TEXT NOT NULL,
    votes INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (paper_key, guild_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX vote_counts_rank ON vote_counts (guild_id, votes DESC);
  -- Posted messages with vote buttons: their rows (our MessageRow JSON) are relabelled when counts change.
  CREATE TABLE vote_messages (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL,
    components_json TEXT NOT NULL CHECK (json_valid(components_json)),
    posted_at TEXT NOT NULL
  ) STRICT;
  -- Which paper's count each message shows, and the count it shows now.
  CREATE TABLE vote_message_papers (
    paper_key TEXT NOT NULL,
    message_id TEXT NOT NULL REFERENCES vote_messages (message_id) ON DELETE CASCADE,
    shown INTEGER NOT NULL,
    PRIMARY KEY (paper_key, message_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX vote_message_papers_message ON vote_message_papers (message_id);
  -- Messages whose counts changed and are not edited yet, written in the vote's transaction: a restart edits them.
  -- generation grows with each vote, so an edit made while another vote came in leaves the row for the next pass.
  CREATE TABLE vote_refresh_queue (
    message_id TEXT PRIMARY KEY REFERENCES vote_messages (message_id) ON DELETE CASCADE,
    queued_at INTEGER NOT NULL,
    generation INTEGER NOT NULL
  ) STRICT;
`;
