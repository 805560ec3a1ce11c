/** Where a paper is discussed in a guild: the link the digest puts beside each paper that has a thread there. */
import type { Db } from "../db/connection.js";
import { threadStore } from "../db/threads.js";
import { threadUrl } from "./discussion.js";

/** The paper's thread (or forum post) in the guild as a Discord link, or null when it has none. */
export type ThreadLinks = (guildId: string, paperId: string) => string | null;

export function paperThreadLinks(db: Db): ThreadLinks {
  const store = threadStore(db);
  return (guildId, paperId) => {
    const thread = store.thread(guildId, paperId);
    return thread ? threadUrl(guildId, thread.threadId) : null;
  };
}
