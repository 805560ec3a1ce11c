/**
 * Alert posts with discussion: a channel that discusses gets a public thread on each new paper's alert, a forum gets
 * a forum post per paper tagged with its topics, and a paper the guild already discusses links to its thread. A
 * missing permission is told to the moderator who set up the follow, once per channel and permission.
 */
import { createHash } from "node:crypto";
import type { Paper } from "../catalog/types.js";
import type { ThreadStore } from "../db/threads.js";
import { localeFromDiscord, t, type Locale } from "../i18n/index.js";
import type { Clock, Logger } from "../logger.js";
import type { AlertTransport, DeliveryResult } from "../moderation/alerts.js";
import { linkButton, row } from "../shared/embeds.js";
import type { MessageBody } from "../shared/reply.js";
import type { MessageSender } from "../shared/sender.js";
import {
  appliedTagIds,
  planForumTags,
  stepFailureOf,
  tagName,
  threadName,
  threadUrl,
  type DiscussionPermission,
  type DiscussionPort,
  type StepFailure,
} from "./discussion.js";

/** The alert with a "Discussion" link button to the paper's thread (on its own row, after the paper's links). */
export function withThreadLink(body: MessageBody, locale: Locale, url: string | null): MessageBody {
  if (!url) return body;
  return { ...body, components: [...(body.components ?? []), row(linkButton(t(locale, "discussion.threadButton"), url))] };
}

export interface DiscussionDeps {
  port: DiscussionPort;
  store: ThreadStore;
  /** DMs the moderator (the notice); the nonce keeps a resend from posting twice. */
  sender: MessageSender;
  clock: Clock;
  logger: Logger;
}

/** One notice per (channel, permission): a resend after a crash is not posted twice, and notices never share a nonce. */
export function noticeNonce(channelId: string, permission: DiscussionPermission): string {
  return createHash("sha256").update(`discussion-notice\u0000${channelId}\u0000${permission}`).digest("base64url").slice(0, 25);
}

/** Tells the moderator who set up the channel's follow, once per (channel, permission). */
export function permissionNotifier(deps: Omit<DiscussionDeps, "port"> & { guildName: (guildId: string) => string }) {
  return async (channelId: string, permission: DiscussionPermission): Promise<void> => {
    const setting = deps.store.discussion(channelId);
    if (!setting) return;
    if (!deps.store.claimNotice(channelId, setting.guildId, permission, deps.clock.now())) return;
    const locale = localeFromDiscord(setting.locale);
    const content = t(locale, "discussion.notice", {
      channel: `<#${channelId}>`,
      guild: deps.guildName(setting.guildId),
      permission: t(locale, `discussion.permission.${permission}`),
      consequence: t(locale, `discussion.consequence.${permission}`),
    });
    deps.logger.warn("discussion permission missing", {
      channelId,
      guildId: setting.guildId,
      permission,
      moderatorId: setting.moderatorId,
    });
    try {
      await deps.sender.send({ kind: "user", id: setting.moderatorId }, { content }, noticeNonce(channelId, permission));
    } catch (error) {
      deps.logger.warn("discussion notice not delivered", { channelId, moderatorId: setting.moderatorId, error });
    }
  };
}

const asDelivery = (failure: StepFailure): DeliveryResult =>
  failure.kind === "transient"
    ? { retry: failure.reason, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}) }
    : "gone";

export function discussionTransport(base: AlertTransport, deps: DiscussionDeps): AlertTransport {
  const { port, store, clock, logger } = deps;
  const notify = permissionNotifier({ ...deps, guildName: (guildId) => port.guildName(guildId) });
  /** A refusal of `permission` at a step: the moderator is told (once); the caller decides what follows. */
  const refused = async (channelId: string, failure: StepFailure, permission: DiscussionPermission): Promise<boolean> => {
    if (failure.kind !== "permission") return false;
    await notify(channelId, failure.code === 50001 ? "ViewChannel" : permission);
    return true;
  };

  async function textWithThread(
    channelId: string,
    guildId: string,
    locale: Locale,
    paper: Paper,
    body: MessageBody,
    roleIds: readonly string[],
    nonce: string,
    signal?: AbortSignal,
  ): Promise<DeliveryResult> {
    let messageId: string;
    try {
      messageId = await port.post(channelId, body, roleIds, nonce, signal);
    } catch (error) {
      const failure = stepFailureOf(error);
      await refused(channelId, failure, "SendMessages");
      if (failure.kind !== "transient") logger.warn("discussion alert not posted", { channelId, reason: failure.reason });
      return asDelivery(failure);
    }
    try {
      const threadId = await port.startThread(channelId, messageId, threadName(paper, locale), signal);
      store.rememberThread({ guildId, paperId: paper.id, channelId, threadId }, clock.now());
    } catch (error) {
      const failure = stepFailureOf(error);
      // A resend of a post that went out (same nonce) already has its thread, which has the message's id.
      if (failure.kind === "thread-exists")
        store.rememberThread({ guildId, paperId: paper.id, channelId, threadId: messageId }, clock.now());
      else if (!(await refused(channelId, failure, "CreatePublicThreads")))
        logger.warn("discussion thread not opened", { channelId, paperId: paper.id, reason: failure.reason });
    }
    // The alert is out either way; a missing thread is the moderator's to fix, not a reason to post again.
    return "sent";
  }

  async function forumPost(
    channelId: string,
    guildId: string,
    locale: Locale,
    paper: Paper,
    body: MessageBody,
    roleIds: readonly string[],
    nonce: string,
    available: { id: string; name: string }[],
    signal?: AbortSignal,
  ): Promise<DeliveryResult> {
    const existing = store.thread(guildId, paper.id);
    if (existing && existing.channelId === channelId) {
      try {
        await port.post(existing.threadId, body, roleIds, nonce, signal);
        return "sent";
      } catch (error) {
        const failure = stepFailureOf(error);
        if (failure.kind === "gone") store.forgetThread(existing.threadId);
        else {
          await refused(channelId, failure, "SendMessagesInThreads");
          return failure.kind === "transient" ? asDelivery(failure) : "gone";
        }
      }
    }
    const wanted = paper.topics.map((topic) => tagName(topic, locale));
    let tags = available;
    const { create } = planForumTags(tags, wanted);
    if (create.length > 0) {
      try {
        tags = await port.addForumTags(channelId, create, signal);
      } catch (error) {
        const failure = stepFailureOf(error);
        if (!(await refused(channelId, failure, "ManageTags")))
          logger.warn("forum tags not created", { channelId, reason: failure.reason });
      }
    }
    try {
      const threadId = await port.forumPost(channelId, threadName(paper, locale), body, appliedTagIds(tags, wanted), roleIds, signal);
      store.rememberThread({ guildId, paperId: paper.id, channelId, threadId }, clock.now());
      return "sent";
    } catch (error) {
      const failure = stepFailureOf(error);
      await refused(channelId, failure, "CreatePosts");
      if (failure.kind !== "transient") logger.warn("forum post not created", { channelId, paperId: paper.id, reason: failure.reason });
      return asDelivery(failure);
    }
  }

  return {
    dm: (userId, body, nonce, signal) => base.dm(userId, body, nonce, signal),
    async post(channelId, body, roleIds, nonce, signal, paper) {
      const setting = store.discussion(channelId);
      if (!paper || !setting) return base.post(channelId, body, roleIds, nonce, signal);
      const { guildId } = setting;
      const locale = localeFromDiscord(setting.locale);
      let channel;
      try {
        channel = await port.channel(channelId, signal);
      } catch (error) {
        const failure = stepFailureOf(error);
        await refused(channelId, failure, "ViewChannel");
        return asDelivery(failure);
      }
      if (channel.kind === "forum") return forumPost(channelId, guildId, locale, paper, body, roleIds, nonce, channel.tags, signal);
      const existing = store.thread(guildId, paper.id);
      if (channel.kind === "text" && setting.discuss && !existing)
        return textWithThread(channelId, guildId, locale, paper, body, roleIds, nonce, signal);
      const linked = withThreadLink(body, locale, existing ? threadUrl(guildId, existing.threadId) : null);
      const result = await base.post(channelId, linked, roleIds, nonce, signal);
      if (result === "gone") {
        // Why: the moderator hears which permission is missing instead of a silent stop.
        const missing = await port.missing(guildId, channelId, ["ViewChannel", "SendMessages"]).catch(() => null);
        const first = missing?.[0];
        if (first) await notify(channelId, first);
      }
      return result;
    },
  };
}
