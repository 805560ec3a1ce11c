import { ApplicationCommandOptionType, ChannelType } from "discord.js";
import { ButtonStyle } from "../src/shared/reply.js";
import { truncate } from "../src/catalog/format.js";
import { closestTopics, keywordCanMatchEnglish, normalizeFollowTopic, MAX_TOPIC_LENGTH, type FollowTopic } from "../src/follows/topic.js";
import { TOPICS } from "../src/catalog/schema.js";
import { MAX_TOPICS_PER_USER } from "../src/db/follows.js";
import { commandHeader, defineCommand, describedBy, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { actionButton, notice, row } from "../src/shared/embeds.js";
import { message, t, type PlainMessageKey } from "../src/i18n/index.js";
import { isTopic, topicLabel, topicNames } from "../src/i18n/topics.js";
import { compactKey } from "../src/catalog/text.js";
import { actorOf, managesGuild } from "../src/moderation/permissions.js";
import { discussionLines, isForum, withDiscussion } from "./follow-discussion.js";

function topicOption(description: PlainMessageKey) {
  return {
    type: ApplicationCommandOptionType.String,
    name: "topic",
    ...describedBy(description),
    required: false,
    autocomplete: true,
    max_length: MAX_TOPIC_LENGTH,
  } as const;
}

function channelOption(description: PlainMessageKey) {
  return {
    type: ApplicationCommandOptionType.Channel,
    name: "channel",
    ...describedBy(description),
    required: false,
    channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum] as (
      ChannelType.GuildText | ChannelType.GuildAnnouncement | ChannelType.GuildForum
    )[],
  } as const;
}

/** Catalog topics first (localized), then the keywords this user already follows. */
function topicChoices(ctx: BotContext, value: string, requester: Requester) {
  const needle = compactKey(value);
  const matches = (names: readonly string[]) => needle === "" || names.some((name) => compactKey(name).includes(needle));
  // Catalog topics match on any of their names (either language, synonyms) but show the requester's label.
  const catalog = TOPICS.filter((topic) => matches(topicNames(topic))).map((topic) => ({
    name: topicLabel(requester.locale, topic),
    value: topic,
  }));
  const own = (ctx.follows.get(requester.userId)?.topics ?? [])
    .filter((entry) => !isTopic(entry.topic) && matches([entry.topic]))
    .map((entry) => ({ name: truncate(entry.display ?? entry.topic, 100), value: entry.topic }));
  return [...catalog, ...own].slice(0, 25);
}

/** A followed topic as the person sees it: a catalog topic by its label, a keyword as they typed it. */
export function followedName(locale: Requester["locale"], entry: { topic: string; display?: string }): string {
  return isTopic(entry.topic) ? topicLabel(locale, entry.topic) : (entry.display ?? entry.topic);
}

/** A keyword in Japanese (or any script without Latin letters) never matches English arXiv text: say so, with the closest topics. */
function untranslatableKeyword(locale: Requester["locale"], topic: FollowTopic): Reply | null {
  if (topic.catalogTopic || keywordCanMatchEnglish(topic.topic)) return null;
  const closest = closestTopics(topic.display);
  const topics = (closest.length > 0 ? closest : TOPICS).map((entry) => topicLabel(locale, entry)).join(", ");
  return notice(
    locale,
    message(closest.length > 0 ? "follow.keywordNotEnglish" : "follow.keywordNotEnglishNoTopic", { keyword: topic.display, topics }),
  );
}

function channelCommandGuard(
  ctx: BotContext,
  requester: Requester,
  refusal: "follow.notModerator" | "follow.notModeratorUnfollow",
): Reply | null {
  if (!requester.guildId) return notice(requester.locale, "follow.channelNotInGuild");
  if (!managesGuild(ctx, requester)) return notice(requester.locale, refusal);
  return null;
}

export const followCommand = defineCommand({
  definition: {
    ...commandHeader("follow", "command.follow.description"),
    options: [
      topicOption("command.follow.topic"),
      channelOption("command.follow.channel"),
      { type: ApplicationCommandOptionType.Role, name: "role", ...describedBy("command.follow.role"), required: false },
      { type: ApplicationCommandOptionType.Boolean, name: "discuss", ...describedBy("command.follow.discuss"), required: false },
    ],
  },
  privateReplies: true,

  async execute(ctx, options, requester): Promise<Reply> {
    const { locale } = requester;
    const topic = options.topic === undefined ? undefined : normalizeFollowTopic(options.topic);
    if (topic && !topic.ok) return notice(locale, topic);
    const untranslatable = topic ? untranslatableKeyword(locale, topic.value) : null;
    if (untranslatable) return untranslatable;
    const now = ctx.clock.now();

    if (options.role !== undefined && options.channel === undefined) return notice(locale, "follow.roleNeedsChannel");
    if (options.discuss !== undefined && options.channel === undefined) return notice(locale, "follow.discussNeedsChannel");
    if (options.channel !== undefined) {
      const refused = channelCommandGuard(ctx, requester, "follow.notModerator");
      if (refused) return refused;
      // Only topic alerts mention a role; the digest mentions no one.
      if (options.role !== undefined && !topic) return notice(locale, "follow.roleNeedsTopic");
      if (!topic && (await isForum(ctx, options.channel))) return notice(locale, "follow.forumNeedsTopic");
      const follow = {
        channelId: options.channel,
        guildId: requester.guildId ?? "",
        topic: topic?.value.topic ?? "",
        createdBy: requester.userId,
        roleId: options.role ?? null,
        locale,
      };
      const created = ctx.moderation.audited(actorOf(requester), "channel.follow", `channel:${options.channel}`, () => {
        const changed = ctx.follows.followChannel(follow, now);
        return { result: changed, changed, after: follow };
      });
      const channel = `<#${options.channel}>`;
      // Subscribing a paused channel again is the moderator saying it works now.
      const resumed = !topic && ctx.digest.resumeChannel(options.channel);
      const topicPart =
        (topic ? t(locale, "follow.channelTopicPart", { topic: followedName(locale, topic.value) }) : "") +
        (options.role ? t(locale, "follow.channelRolePart", { role: `<@&${options.role}>` }) : "");
      const discussion = await discussionLines(ctx, requester, options.channel, options.discuss);
      const key = resumed ? "follow.channelResumed" : !created && discussion.changed === "" ? "follow.channelAlready" : null;
      const reply = notice(locale, key ? message(key, { channel }) : message("follow.channelFollowed", { channel, topicPart }));
      return withDiscussion(reply, discussion);
    }

    const result = ctx.follows.follow(requester.userId, locale, topic?.value.topic, now, topic?.value.display);
    const lines: string[] = [];
    if (result.created) lines.push(t(locale, "follow.followed"));
    else if (!topic) lines.push(t(locale, "follow.alreadyFollowing"));
    if (topic) {
      // Already followed: named as it was first typed, the form /following shows.
      const stored =
        result.topic === "already"
          ? ctx.follows.get(requester.userId)?.topics.find((entry) => entry.topic === topic.value.topic)
          : undefined;
      const label = followedName(locale, stored ?? topic.value);
      if (result.topic === "limit") lines.push(t(locale, "follow.topicLimit", { count: MAX_TOPICS_PER_USER }));
      else if (result.topic === "already") lines.push(t(locale, "follow.topicAlready", { topic: label }));
      else lines.push(t(locale, topic.value.catalogTopic ? "follow.topicAdded" : "follow.keywordAdded", { topic: label }));
    }
    if (result.created) {
      const delivery = await ctx.dm.send(requester.userId, { content: t(locale, "follow.welcomeDm") });
      if (delivery === "refused") lines.push(t(locale, "follow.dmHint"));
    }
    return { kind: "reply", private: true, content: lines.join("\n") };
  },

  autocomplete: (ctx, focused, requester) => topicChoices(ctx, focused.value, requester),
});

export const unfollowCommand = defineCommand({
  definition: {
    ...commandHeader("unfollow", "command.unfollow.description"),
    options: [topicOption("command.unfollow.topic"), channelOption("command.unfollow.channel")],
  },
  privateReplies: true,

  execute(ctx, options, requester): Reply {
    const { locale } = requester;
    const topic = options.topic === undefined ? undefined : normalizeFollowTopic(options.topic);
    if (topic && !topic.ok) return notice(locale, topic);

    if (options.channel !== undefined) {
      const refused = channelCommandGuard(ctx, requester, "follow.notModeratorUnfollow");
      if (refused) return refused;
      const what = topic ? `**${followedName(locale, topic.value)}**` : t(locale, "follow.channelEverything");
      const channelId = options.channel;
      const removed = ctx.moderation.audited(actorOf(requester), "channel.unfollow", `channel:${channelId}`, () => {
        const changed = ctx.follows.unfollowChannel(channelId, topic?.value.topic ?? "");
        if (!topic) ctx.digest.resumeChannel(channelId);
        return { result: changed, changed, before: { channelId, topic: topic?.value.topic ?? "" } };
      });
      const guildDigest = requester.guildId ? ctx.digest.guild(requester.guildId) : undefined;
      // The server's own digest channel gets the digest from /digest set, not from a follow.
      if (!topic && guildDigest?.enabled && guildDigest.channelId === channelId)
        return notice(locale, message("follow.channelIsDigestChannel", { channel: `<#${channelId}>` }));
      return notice(
        locale,
        message(removed ? "follow.channelUnfollowed" : "follow.channelNotFollowing", { channel: `<#${options.channel}>`, what }),
      );
    }

    // A member who only suggested papers may still ask for their suggestions to be made anonymous.
    if (!ctx.follows.get(requester.userId))
      return !topic && ctx.suggestions.byUser(requester.userId).length > 0
        ? confirmUnfollowAll(requester)
        : notice(locale, "unfollow.notFollowing");
    if (topic) {
      const stored = ctx.follows.get(requester.userId)?.topics.find((entry) => entry.topic === topic.value.topic);
      const label = followedName(locale, stored ?? topic.value);
      const removed = ctx.follows.removeTopic(requester.userId, topic.value.topic);
      return notice(locale, message(removed ? "unfollow.topicRemoved" : "unfollow.topicNotFollowed", { topic: label }));
    }
    return confirmUnfollowAll(requester);
  },

  autocomplete(ctx, focused, requester) {
    const needle = focused.value.trim().toLowerCase();
    return (ctx.follows.get(requester.userId)?.topics ?? [])
      .map((entry) => ({ name: truncate(followedName(requester.locale, entry), 100), value: entry.topic }))
      .filter((choice) => needle === "" || choice.name.toLowerCase().includes(needle) || choice.value.includes(needle))
      .slice(0, 25);
  },
});

export function confirmUnfollowAll(requester: Requester): Reply {
  const { locale, userId } = requester;
  return {
    kind: "reply",
    private: true,
    content: `${t(locale, "unfollow.confirmAll")}\n${t(locale, "unfollow.confirmVotes")}`,
    components: [
      row(
        actionButton(t(locale, "unfollow.confirmButton"), `unfollow-all:${userId}:yes`, { style: ButtonStyle.Danger }),
        actionButton(t(locale, "unfollow.cancelButton"), `unfollow-all:${userId}:no`),
      ),
    ],
  };
}
