/** `/follow channel: discuss:` — a thread per paper: the setting, and the permissions the bot lacks for it, named. */
import { neededPermissions, type ChannelKind } from "../src/community/discussion.js";
import type { Reply, Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { formatList, t } from "../src/i18n/index.js";

/**
 * Stores `discuss` (when given) for the channel, and checks the channel's permissions for what its follow needs:
 * `changed` says what discussion now does there, `warnings` names each missing permission and what it costs.
 * Following again also means "tell me again": the permission notices already sent for the channel are forgotten.
 */
export async function discussionLines(
  ctx: BotContext,
  requester: Requester,
  channelId: string,
  discuss: boolean | undefined,
): Promise<{ changed: string; warnings: string }> {
  const { locale } = requester;
  const channel = `<#${channelId}>`;
  const before = ctx.threads.discussion(channelId);
  if (discuss !== undefined) ctx.threads.setDiscuss(channelId, discuss);
  ctx.threads.clearNotices(channelId);
  const discussing = discuss ?? before?.discuss ?? false;
  let kind: ChannelKind | null = null;
  if (ctx.discussion)
    kind = await ctx.discussion.channel(channelId).then(
      (found) => found.kind,
      () => null,
    );
  const changed =
    kind === "forum"
      ? t(locale, "follow.channelForumPart")
      : discuss === true
        ? t(locale, "follow.channelDiscussPart")
        : discuss === false && before?.discuss === true
          ? t(locale, "follow.channelDiscussOff")
          : "";
  if (!ctx.discussion || !requester.guildId) return { changed, warnings: "" };
  const missing = await ctx.discussion
    .missing(requester.guildId, channelId, neededPermissions(kind ?? "text", discussing))
    .catch(() => null);
  if (missing === null)
    return { changed, warnings: discussing || kind === "forum" ? `\n${t(locale, "follow.discussUnchecked", { channel })}` : "" };
  if (missing.length === 0) return { changed, warnings: "" };
  const permissions = formatList(
    locale,
    missing.map((name) => t(locale, `discussion.permission.${name}`)),
  );
  const consequence = missing.map((name) => t(locale, `discussion.consequence.${name}`)).join(" ");
  return { changed, warnings: `\n${t(locale, "follow.discussMissing", { permissions, channel, consequence })}` };
}

/** The digest cannot go to a forum (it takes posts, not messages): a forum follow needs a topic. */
export async function isForum(ctx: BotContext, channelId: string): Promise<boolean> {
  if (!ctx.discussion) return false;
  return ctx.discussion.channel(channelId).then(
    (found) => found.kind === "forum",
    () => false,
  );
}

/** The follow's reply with what discussion does in the channel and the permissions it lacks. */
export function withDiscussion(reply: Reply, lines: { changed: string; warnings: string }): Reply {
  return reply.kind === "reply" && lines.changed + lines.warnings !== ""
    ? { ...reply, content: `${reply.content ?? ""}${lines.changed}${lines.warnings}` }
    : reply;
}
