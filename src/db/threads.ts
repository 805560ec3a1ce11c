import { withShortBusyTimeout, type Db } from "./connection.js";

/** A paper's discussion thread in a guild (a thread on an alert post, or a forum post). */
export interface PaperThread {
  guildId: string;
  paperId: string;
  /** The channel (text or forum) the thread was opened in. */
  channelId: string;
  threadId: string;
  createdAt: string;
}

interface ThreadRow {
  guild_id: string;
  paper_id: string;
  channel_id: string;
  thread_id: string;
  created_at: string;
}

const toThread = (row: ThreadRow): PaperThread => ({
  guildId: row.guild_id,
  paperId: row.paper_id,
  channelId: row.channel_id,
  threadId: row.thread_id,
  createdAt: row.created_at,
});

/** Discussion follows, paper threads and the permission notices sent: SQL only here. */
export function threadStore(db: Db) {
  const statements = {
    setDiscuss: db.prepare<[number, string]>("UPDATE channel_follows SET discuss = ? WHERE channel_id = ?"),
    discussOf: db.prepare<[string], { discuss: number; guild_id: string; created_by: string; locale: string }>(
      "SELECT discuss, guild_id, created_by, locale FROM channel_follows WHERE channel_id = ? ORDER BY discuss DESC, created_at DESC LIMIT 1",
    ),
    guildOf: db.prepare<[string], { guild_id: string }>("SELECT guild_id FROM channel_follows WHERE channel_id = ? LIMIT 1"),
    thread: db.prepare<[string, string], ThreadRow>("SELECT * FROM paper_threads WHERE guild_id = ? AND paper_id = ?"),
    insertThread: db.prepare<[string, string, string, string, string]>(
      `INSERT INTO paper_threads (guild_id, paper_id, channel_id, thread_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (guild_id, paper_id) DO NOTHING`,
    ),
    forgetThread: db.prepare<[string]>("DELETE FROM paper_threads WHERE thread_id = ?"),
    insertNotice: db.prepare<[string, string, string, string]>(
      "INSERT INTO discussion_notices (channel_id, permission, guild_id, notified_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    clearNotices: db.prepare<[string]>("DELETE FROM discussion_notices WHERE channel_id = ?"),
  };
  const write = <T>(run: () => T): T => withShortBusyTimeout(db, run);

  return {
    /** Turns discussion on or off for every follow of the channel. */
    setDiscuss: (channelId: string, discuss: boolean): void => write(() => void statements.setDiscuss.run(discuss ? 1 : 0, channelId)),
    /** The channel's discussion setting, with who set up its newest follow (the moderator told about problems). */
    discussion: (channelId: string): { discuss: boolean; guildId: string; moderatorId: string; locale: string } | null => {
      const row = statements.discussOf.get(channelId);
      return row ? { discuss: row.discuss === 1, guildId: row.guild_id, moderatorId: row.created_by, locale: row.locale } : null;
    },
    guildOfChannel: (channelId: string): string | null => statements.guildOf.get(channelId)?.guild_id ?? null,
    thread: (guildId: string, paperId: string): PaperThread | null => {
      const row = statements.thread.get(guildId, paperId);
      return row ? toThread(row) : null;
    },
    /** Remembers the paper's thread; false when the guild already has one (kept). */
    rememberThread: (thread: Omit<PaperThread, "createdAt">, now: Date): boolean =>
      write(
        () =>
          statements.insertThread.run(thread.guildId, thread.paperId, thread.channelId, thread.threadId, now.toISOString()).changes === 1,
      ),
    /** A thread Discord no longer has: the paper gets a new one next time. */
    forgetThread: (threadId: string): void => write(() => void statements.forgetThread.run(threadId)),
    /** True the first time: the moderator is told about this missing permission once per channel. */
    claimNotice: (channelId: string, guildId: string, permission: string, now: Date): boolean =>
      write(() => statements.insertNotice.run(channelId, permission, guildId, now.toISOString()).changes === 1),
    /** The moderator followed the channel again: problems are reported afresh. */
    clearNotices: (channelId: string): void => write(() => void statements.clearNotices.run(channelId)),
  };
}

export type ThreadStore = ReturnType<typeof threadStore>;
