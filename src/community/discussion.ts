/**
 * A thread per paper: what a paper's thread is called, which forum tags it gets, the permissions each step needs,
 * and the port the Discord adapter implements. No Discord here (features never import the adapters).
 */
import type { Paper } from "../catalog/types.js";
import type { Locale } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import type { MessageBody } from "../shared/reply.js";
import { clipText, stripUnsafe } from "../shared/safe-text.js";

/** Discord's limits: a thread name 1–100 characters, a tag name 1–20, 20 tags on a forum, 5 on a post. */
export const THREAD_NAME_MAX = 100;
export const TAG_NAME_MAX = 20;
export const MAX_FORUM_TAGS = 20;
export const MAX_APPLIED_TAGS = 5;

/**
 * What the bot needs, by step: posting an alert (Send Messages; in a forum, Create Posts), opening its thread
 * (Create Public Threads), adding a paper posted again to its forum post (Send Messages in Threads), creating
 * missing forum tags (Manage Channels, or Manage Threads for the tags alone).
 */
export type DiscussionPermission =
  "ViewChannel" | "SendMessages" | "CreatePosts" | "CreatePublicThreads" | "SendMessagesInThreads" | "ManageTags";

export type ChannelKind = "text" | "forum" | "other";

export interface ForumTag {
  id: string;
  name: string;
}

/** What a channel's follow needs the bot to be allowed, by the channel's kind and whether it discusses. */
export function neededPermissions(kind: ChannelKind, discuss: boolean): DiscussionPermission[] {
  if (kind === "forum") return ["ViewChannel", "CreatePosts", "SendMessagesInThreads", "ManageTags"];
  return discuss ? ["ViewChannel", "SendMessages", "CreatePublicThreads"] : ["ViewChannel", "SendMessages"];
}

/** The paper's title in the channel's language, made a safe thread name (one line, no controls, ≤ 100 characters). */
export function threadName(paper: Pick<Paper, "title" | "titleJa" | "id" | "arxivId">, locale: Locale): string {
  // Blanks (tabs, line breaks) become spaces first: stripUnsafe drops tabs, which would join the words around them.
  const title = stripUnsafe((locale === "ja" && paper.titleJa.trim() !== "" ? paper.titleJa : paper.title).replace(/\s+/g, " "))
    .replace(/\s+/g, " ")
    .trim();
  return clipText(title !== "" ? title : (paper.arxivId ?? paper.id), THREAD_NAME_MAX);
}

/** A forum tag's name for a catalog topic: its label in the channel's language (the locale files), ≤ 20 characters. */
export function tagName(topic: string, locale: Locale): string {
  return clipText(stripUnsafe(topicLabel(locale, topic).replace(/\s+/g, " ")).trim(), TAG_NAME_MAX);
}

const sameTag = (a: string, b: string) => a.normalize("NFKC").toLowerCase() === b.normalize("NFKC").toLowerCase();

/**
 * Which of the paper's topic tags the forum lacks and may still get (it holds at most 20), and, once they exist, which
 * tag ids the post carries (at most 5, in the paper's topic order). Tags are matched by name, in any case.
 */
export function planForumTags(available: readonly ForumTag[], wanted: readonly string[]): { create: string[] } {
  const names = [...new Set(wanted.filter((name) => name !== ""))];
  const missing = names.filter((name) => !available.some((tag) => sameTag(tag.name, name)));
  const room = Math.max(0, MAX_FORUM_TAGS - available.length);
  return { create: missing.slice(0, Math.min(room, MAX_APPLIED_TAGS)) };
}

export function appliedTagIds(available: readonly ForumTag[], wanted: readonly string[]): string[] {
  const ids: string[] = [];
  for (const name of wanted) {
    const tag = available.find((candidate) => sameTag(candidate.name, name));
    if (tag && !ids.includes(tag.id)) ids.push(tag.id);
  }
  return ids.slice(0, MAX_APPLIED_TAGS);
}

/** A failed Discord step, read by the feature: a permission refusal (50013 / 50001), gone, or passing. */
export type StepFailure =
  | { kind: "permission"; code: number | string | null; reason: string }
  | { kind: "gone"; reason: string }
  | { kind: "thread-exists"; reason: string }
  | { kind: "transient"; reason: string; retryAfterMs?: number }
  | { kind: "failed"; reason: string };

/** What the Discord adapter does for discussions (src/discord/threads.ts); each call rejects with a DiscussionError. */
export interface DiscussionPort {
  /** The channel's kind and, for a forum, its tags. */
  channel(channelId: string, signal?: AbortSignal): Promise<{ kind: ChannelKind; tags: ForumTag[] }>;
  /** Posts a message (nonce, enforce_nonce; only `roleIds` mentioned); its id. */
  post(channelId: string, body: MessageBody, roleIds: readonly string[], nonce: string, signal?: AbortSignal): Promise<string>;
  /** Opens a public thread on a message; the thread's id. */
  startThread(channelId: string, messageId: string, name: string, signal?: AbortSignal): Promise<string>;
  /** A forum post with this first message and tags; the post's (thread's) id. */
  forumPost(
    channelId: string,
    name: string,
    body: MessageBody,
    tagIds: readonly string[],
    roleIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<string>;
  /** Adds tags to a forum (keeping its others); the forum's tags after. */
  addForumTags(channelId: string, names: readonly string[], signal?: AbortSignal): Promise<ForumTag[]>;
  /** Which of `needed` the bot lacks in the channel (computed from roles and overwrites); null when it cannot tell. */
  missing(guildId: string, channelId: string, needed: readonly DiscussionPermission[]): Promise<DiscussionPermission[] | null>;
  /** The guild's name, for the moderator's notice (its id when unknown). */
  guildName(guildId: string): string;
}

export class DiscussionError extends Error {
  constructor(readonly failure: StepFailure) {
    super(failure.reason);
    this.name = "DiscussionError";
  }
}

export function stepFailureOf(error: unknown): StepFailure {
  if (error instanceof DiscussionError) return error.failure;
  return { kind: "transient", reason: error instanceof Error ? error.message : String(error) };
}

/** The link to a thread (or forum post) in Discord. */
export function threadUrl(guildId: string, threadId: string): string {
  return `https://discord.com/channels/${guildId}/${threadId}`;
}
