import { withShortBusyTimeout, type Db } from "./connection.js";

/** The key of the total in vote_counts (a guild id is digits; '' is a vote outside servers). */
export const TOTAL_SCOPE = "*";
/** The newest posts of one paper that follow its count; older ones keep the count they last showed. */
export const MAX_REFRESHED_POSTS_PER_PAPER = 25;

export interface VoteResult {
  /** Whether the member's vote is now on (pressing again took it off). */
  voted: boolean;
  /** The paper's total after the press. */
  total: number;
}

export interface VotePress {
  paperKey: string;
  voterId: string;
  /** null outside servers. */
  guildId: string | null;
  at: Date;
  /** The message pressed: it shows the new count through the interaction's answer, so it is not queued. */
  messageId: string | null;
}

export interface PostedVotes {
  messageId: string;
  channelId: string;
  componentsJson: string;
  /** The count each paper's button shows on the message as posted. */
  shown: ReadonlyMap<string, number>;
}

export interface DueRefresh {
  messageId: string;
  channelId: string;
  componentsJson: string;
  generation: number;
  shown: Map<string, number>;
}

export interface MemberVote {
  paperKey: string;
  guildId: string | null;
  votedAt: string;
}

export interface RankedPaper {
  paperKey: string;
  votes: number;
}

/** Votes, their counts and the posted messages showing them. SQL lives here only. */
export function voteStore(db: Db) {
  const existing = db.prepare<[string, string], { guild_id: string }>("SELECT guild_id FROM votes WHERE paper_key = ? AND voter = ?");
  const insertVote = db.prepare("INSERT INTO votes (paper_key, voter, guild_id, voted_at) VALUES (?, ?, ?, ?)");
  const deleteVote = db.prepare("DELETE FROM votes WHERE paper_key = ? AND voter = ?");
  const bump = db.prepare(
    `INSERT INTO vote_counts (paper_key, guild_id, votes) VALUES (@key, @scope, MAX(@delta, 0))
     ON CONFLICT (paper_key, guild_id) DO UPDATE SET votes = MAX(votes + @delta, 0)`,
  );
  const totalOf = db.prepare<[string], { votes: number }>(
    `SELECT votes FROM vote_counts WHERE paper_key = ? AND guild_id = '${TOTAL_SCOPE}'`,
  );
  const queueOthers = db.prepare(
    `INSERT INTO vote_refresh_queue (message_id, queued_at, generation)
       SELECT p.message_id, @now, 1 FROM vote_message_papers p JOIN vote_messages m ON m.message_id = p.message_id
       WHERE p.paper_key = @key AND p.message_id != @pressed ORDER BY m.seq DESC LIMIT ${MAX_REFRESHED_POSTS_PER_PAPER}
     ON CONFLICT (message_id) DO UPDATE SET generation = generation + 1`,
  );
  const setShown = db.prepare("UPDATE vote_message_papers SET shown = ? WHERE paper_key = ? AND message_id = ?");
  const insertMessage = db.prepare(
    `INSERT INTO vote_messages (message_id, channel_id, components_json, posted_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (message_id) DO UPDATE SET components_json = excluded.components_json`,
  );
  const insertShown = db.prepare(
    `INSERT INTO vote_message_papers (paper_key, message_id, shown) VALUES (?, ?, ?)
     ON CONFLICT (paper_key, message_id) DO UPDATE SET shown = excluded.shown`,
  );
  const queueOne = db.prepare(
    `INSERT INTO vote_refresh_queue (message_id, queued_at, generation) VALUES (?, ?, 1)
     ON CONFLICT (message_id) DO UPDATE SET generation = generation + 1`,
  );
  const isPosted = db.prepare<[string], { seq: number }>("SELECT seq FROM vote_messages WHERE message_id = ?");
  const due = db.prepare<[number], { message_id: string; channel_id: string; components_json: string; generation: number }>(
    `SELECT q.message_id, m.channel_id, m.components_json, q.generation FROM vote_refresh_queue q
     JOIN vote_messages m ON m.message_id = q.message_id ORDER BY q.queued_at, q.message_id LIMIT ?`,
  );
  const shownOn = db.prepare<[string], { paper_key: string; shown: number }>(
    "SELECT paper_key, shown FROM vote_message_papers WHERE message_id = ?",
  );
  const dequeue = db.prepare("DELETE FROM vote_refresh_queue WHERE message_id = ? AND generation = ?");
  const forgetMessage = db.prepare("DELETE FROM vote_messages WHERE message_id = ?");
  const votesOf = db.prepare<[string], { paper_key: string; guild_id: string; voted_at: string }>(
    "SELECT paper_key, guild_id, voted_at FROM votes WHERE voter = ? ORDER BY voted_at, paper_key",
  );
  const anonymize = db.prepare("UPDATE votes SET voter = 'anon:' || lower(hex(randomblob(8))) WHERE voter = ?");
  const rankAll = db.prepare<[number], { paper_key: string; votes: number }>(
    `SELECT paper_key, votes FROM vote_counts WHERE guild_id = '${TOTAL_SCOPE}' AND votes > 0 ORDER BY votes DESC, paper_key LIMIT ?`,
  );
  const rankSince = db.prepare<[string, number], { paper_key: string; votes: number }>(
    `SELECT paper_key, COUNT(*) AS votes FROM votes WHERE voted_at >= ? GROUP BY paper_key ORDER BY votes DESC, paper_key LIMIT ?`,
  );
  const rankBetween = db.prepare<[string, string, number], { paper_key: string; votes: number }>(
    `SELECT paper_key, COUNT(*) AS votes FROM votes WHERE voted_at >= ? AND voted_at < ? GROUP BY paper_key
     ORDER BY votes DESC, paper_key LIMIT ?`,
  );
  const queuedCount = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM vote_refresh_queue");
  const allTotals = db.prepare<[], { paper_key: string; votes: number }>(
    `SELECT paper_key, votes FROM vote_counts WHERE guild_id = '${TOTAL_SCOPE}' AND votes > 0`,
  );

  const total = (key: string): number => totalOf.get(key)?.votes ?? 0;
  const change = (key: string, guildId: string, delta: number) => {
    bump.run({ key, scope: TOTAL_SCOPE, delta });
    bump.run({ key, scope: guildId, delta });
  };

  const press = db.transaction((vote: VotePress): VoteResult => {
    const guildId = vote.guildId ?? "";
    const before = existing.get(vote.paperKey, vote.voterId);
    if (before) {
      deleteVote.run(vote.paperKey, vote.voterId);
      change(vote.paperKey, before.guild_id, -1);
    } else {
      insertVote.run(vote.paperKey, vote.voterId, guildId, vote.at.toISOString());
      change(vote.paperKey, guildId, +1);
    }
    const after = total(vote.paperKey);
    queueOthers.run({ now: vote.at.getTime(), key: vote.paperKey, pressed: vote.messageId ?? "" });
    if (vote.messageId) setShown.run(after, vote.paperKey, vote.messageId);
    return { voted: !before, total: after };
  });

  const post = db.transaction((posted: PostedVotes, at: Date): void => {
    insertMessage.run(posted.messageId, posted.channelId, posted.componentsJson, at.toISOString());
    let stale = false;
    for (const [key, shown] of posted.shown) {
      insertShown.run(key, posted.messageId, shown);
      if (total(key) !== shown) stale = true;
    }
    if (stale) queueOne.run(posted.messageId, at.getTime());
  });

  return {
    /** Records a press (a vote, or its withdrawal) and queues the other posts of the paper, in one transaction. */
    press(vote: VotePress): VoteResult {
      return withShortBusyTimeout(db, () => press(vote));
    },
    total,
    totals(keys: readonly string[]): Map<string, number> {
      return new Map(keys.map((key) => [key, total(key)]));
    },
    isPosted(messageId: string): boolean {
      return isPosted.get(messageId) !== undefined;
    },
    /** Remembers a posted message with vote buttons; queued at once when a count moved since it was rendered. */
    posted(posted: PostedVotes, at: Date): void {
      post(posted, at);
    },
    due(limit: number): DueRefresh[] {
      return due.all(limit).map((row) => ({
        messageId: row.message_id,
        channelId: row.channel_id,
        componentsJson: row.components_json,
        generation: row.generation,
        shown: new Map(shownOn.all(row.message_id).map((entry) => [entry.paper_key, entry.shown])),
      }));
    },
    /** The message now shows `shown`; its queue row goes unless a vote came in meanwhile (a newer generation). */
    refreshed: db.transaction((messageId: string, generation: number, shown: ReadonlyMap<string, number>): void => {
      for (const [key, count] of shown) setShown.run(count, key, messageId);
      dequeue.run(messageId, generation);
    }),
    /** The message is gone (deleted, or its channel closed to us). */
    forget(messageId: string): void {
      forgetMessage.run(messageId);
    },
    queued(): number {
      return queuedCount.get()?.n ?? 0;
    },
    votesOf(voterId: string): MemberVote[] {
      return votesOf.all(voterId).map((row) => ({ paperKey: row.paper_key, guildId: row.guild_id || null, votedAt: row.voted_at }));
    },
    /** The member's votes stay counted but are no longer theirs. Returns how many. */
    anonymize(voterId: string): number {
      return anonymize.run(voterId).changes;
    },
    /** Most voted first: over all time from the counts, or since a date from the votes themselves. */
    ranked(since: Date | null, limit: number): RankedPaper[] {
      const rows = since ? rankSince.all(since.toISOString(), limit) : rankAll.all(limit);
      return rows.map((row) => ({ paperKey: row.paper_key, votes: row.votes }));
    },
    rankedBetween(start: Date, end: Date, limit: number): RankedPaper[] {
      return rankBetween.all(start.toISOString(), end.toISOString(), limit).map((row) => ({ paperKey: row.paper_key, votes: row.votes }));
    },
    /** Every paper with votes and its total (the relevance model's weak labels). */
    allTotals(): RankedPaper[] {
      return allTotals.all().map((row) => ({ paperKey: row.paper_key, votes: row.votes }));
    },
  };
}

export type VoteStore = ReturnType<typeof voteStore>;
