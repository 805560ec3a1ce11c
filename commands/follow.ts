import { ApplicationCommandOptionType, ChannelType } from "discord.js";
import { ButtonStyle } from "../src/shared/reply.js";
import { truncate } from "../src/catalog/format.js";
import { closestTopics, keywordCanMatchEnglish, normalizeFollowTopic, MAX_TOPIC_LENGTH, type FollowTopic } from "../src/follows/topic.js";
import { TOPICS } from "../src/catalog/schema.js";
import { DM_FAILURE_LIMIT, MAX_TOPICS_PER_USER } from "../src/db/follows.js";
import { exportUserData } from "../src/follows/export.js";
import { commandHeader, defineCommand, describedBy, type ComponentModule, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { actionButton, BRAND_COLOUR, fitEmbed, notice, row } from "../src/shared/embeds.js";
import { message, t, type PlainMessageKey } from "../src/i18n/index.js";
import { isTopic, topicLabel, topicNames } from "../src/i18n/topics.js";
import { compactKey } from "../src/catalog/text.js";
import { actorOf, managesGuild } from "../src/moderation/permissions.js";
import { describeReason } from "../src/digest/reasons.js";
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
function followedName(locale: Requester["locale"], entry: { topic: string; display?: string }): string {
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

function confirmUnfollowAll(requester: Requester): Reply {
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

const TOPIC_BUTTONS = 20;
/** Topic lines spread over fields of at most 1,024 characters, within this much of the embed's 6,000. */
const TOPICS_BUDGET = 4_000;

/** Lines packed into embed fields (each within 1,024); what does not fit is counted, never cut silently. */
function listFields(
  name: string,
  lines: readonly string[],
  budget: number,
  more: (hidden: readonly string[]) => string,
): { name: string; value: string }[] {
  const fields: { name: string; value: string }[] = [];
  let current: string[] = [];
  let used = 0;
  let shown = 0;
  const reserve = more(lines).length + 1;
  for (const line of lines) {
    const cost = line.length + 1;
    if (used + cost + reserve > budget) break;
    if (current.join("\n").length + cost > 1_024 - reserve) {
      fields.push({ name: fields.length === 0 ? name : "\u200b", value: current.join("\n") });
      current = [];
    }
    current.push(line);
    used += cost;
    shown += 1;
  }
  if (shown < lines.length) current.push(more(lines.slice(shown)));
  if (current.length > 0) fields.push({ name: fields.length === 0 ? name : "\u200b", value: current.join("\n") });
  return fields;
}

/** The server's channel subscriptions, for a moderator (paused ones with the reason). */
function channelFields(ctx: BotContext, requester: Requester): { name: string; value: string }[] {
  if (!requester.guildId || !managesGuild(ctx, requester)) return [];
  const { locale } = requester;
  const channels = ctx.follows.channelFollowsInGuild(requester.guildId);
  if (channels.length === 0) return [];
  const paused = new Map(ctx.digest.pausedChannels(requester.guildId).map((pause) => [pause.targetId, pause.reason]));
  const lines = channels.map((channel) => {
    const what = channel.topic ? topicLabel(locale, channel.topic) : t(locale, "follow.channelEverything");
    const reason = channel.topic ? undefined : paused.get(channel.channelId);
    return (
      `<#${channel.channelId}> · ${what}` +
      (reason ? ` · ${t(locale, "following.channelPaused", { reason: describeReason(locale, reason) })}` : "")
    );
  });
  // A channel with several subscriptions is one channel in "…and N more channels"; the hint always ends the list.
  const hint = t(locale, "following.channelsHint");
  const channelOf = (line: string) => line.slice(0, line.indexOf(">") + 1);
  const fields = listFields(t(locale, "following.channels"), lines, 1_500 - hint.length - 1, (hidden) => {
    const shownChannels = new Set(lines.slice(0, lines.length - hidden.length).map(channelOf));
    const unseen = new Set(hidden.map(channelOf).filter((channel) => !shownChannels.has(channel))).size;
    return t(locale, "following.moreChannels", { count: unseen > 0 ? unseen : new Set(hidden.map(channelOf)).size });
  });
  const last = fields.at(-1);
  if (last && last.value.length + hint.length + 1 <= 1_024) last.value += `\n${hint}`;
  else fields.push({ name: "\u200b", value: hint });
  return fields;
}

export function renderFollowing(ctx: BotContext, requester: Requester): Reply {
  const { locale, userId } = requester;
  const follow = ctx.follows.get(userId);
  const channels = channelFields(ctx, requester);
  if (!follow) {
    // A member who only suggested papers can still export what is stored about them.
    const exportRow =
      ctx.suggestions.byUser(userId).length > 0 ? [row(actionButton(t(locale, "following.export"), `export:${userId}`))] : [];
    if (channels.length === 0) return notice(locale, "following.none", { components: exportRow });
    const embed = fitEmbed({
      title: t(locale, "following.title"),
      description: t(locale, "following.none"),
      color: BRAND_COLOUR,
      fields: channels,
    });
    return { kind: "reply", private: true, embeds: [embed], components: exportRow };
  }
  const topics = follow.topics;
  const dmStatus = follow.dmPausedAt
    ? t(locale, "following.dmPaused", { count: Math.max(follow.dmFailures, DM_FAILURE_LIMIT), error: follow.lastDmError ?? "50007" })
    : follow.dmFailures > 0
      ? t(locale, "following.dmRefused", { count: follow.dmFailures, limit: DM_FAILURE_LIMIT })
      : t(locale, "following.dmOk");
  const topicFields =
    topics.length > 0
      ? listFields(
          t(locale, "following.topics"),
          topics.map((entry) => `• ${followedName(locale, entry)}`),
          TOPICS_BUDGET,
          (hidden) => t(locale, "following.moreTopicsListed", { count: hidden.length }),
        )
      : [{ name: t(locale, "following.topics"), value: t(locale, "following.noTopics") }];
  const embed = fitEmbed({
    title: t(locale, "following.title"),
    description: t(locale, "following.since", { date: follow.createdAt.slice(0, 10) }),
    color: BRAND_COLOUR,
    fields: [...topicFields, { name: t(locale, "following.dmStatus"), value: dmStatus }, ...channels],
  });
  const topicButtons = topics
    .slice(0, TOPIC_BUTTONS)
    .map((entry) =>
      actionButton(
        truncate(t(locale, "following.unfollowTopic", { topic: followedName(locale, entry) }), 80),
        `unfollow-topic:${userId}:${entry.topic}`,
      ),
    );
  const rows = [];
  for (let index = 0; index < topicButtons.length; index += 5) rows.push(row(...topicButtons.slice(index, index + 5)));
  rows.push(
    row(
      actionButton(t(locale, "following.unfollowAll"), `unfollow-all:${userId}:ask`, { style: ButtonStyle.Danger }),
      actionButton(t(locale, "following.export"), `export:${userId}`),
      ...(follow.dmPausedAt || follow.dmFailures > 0
        ? [actionButton(t(locale, "following.resume"), `resume-dm:${userId}`, { style: ButtonStyle.Success })]
        : []),
    ),
  );
  const more = topics.length > TOPIC_BUTTONS ? t(locale, "following.moreTopics", { count: topics.length - TOPIC_BUTTONS }) : undefined;
  return { kind: "reply", private: true, embeds: [embed], components: rows, ...(more ? { content: more } : {}) };
}

export const followingCommand = defineCommand({
  definition: commandHeader("following", "command.following.description"),
  privateReplies: true,
  execute: (ctx, _options, requester) => renderFollowing(ctx, requester),
});

/** Buttons that act on one user's data check that the presser is that user. */
function ownButton(
  prefix: string,
  handle: (ctx: BotContext, args: string[], requester: Requester) => Reply | Promise<Reply>,
): ComponentModule {
  return {
    prefix,
    handle(ctx, [ownerId, ...args], requester) {
      if (ownerId !== requester.userId) return notice(requester.locale, "errors.notYourButton");
      return handle(ctx, args, requester);
    },
  };
}

function asUpdate(reply: Reply): Reply {
  return reply.kind === "reply"
    ? { kind: "update", content: reply.content ?? "", embeds: reply.embeds ?? [], components: reply.components ?? [] }
    : reply;
}

export const followButtons: ComponentModule[] = [
  ownButton("unfollow-topic", (ctx, topicParts, requester) => {
    ctx.follows.removeTopic(requester.userId, topicParts.join(":"));
    return asUpdate(renderFollowing(ctx, requester));
  }),
  ownButton("unfollow-all", (ctx, [step], requester) => {
    if (step === "ask") return confirmUnfollowAll(requester);
    if (step !== "yes") return { kind: "update", content: t(requester.locale, "unfollow.cancelled"), embeds: [], components: [] };
    const removed = ctx.follows.unfollowAll(requester.userId);
    // Suggestions stay counted on the review queue, without what identifies the member (README: Privacy).
    const anonymised = ctx.suggestions.anonymise(requester.userId);
    // votes (issue 18): kept in the counts, with the member's id taken off them.
    const anonymized = ctx.votes.anonymize(requester.userId);
    const parts = [
      removed || anonymised === 0 ? t(requester.locale, removed ? "unfollow.all" : "unfollow.notFollowing") : "",
      anonymised > 0 ? t(requester.locale, "unfollow.suggestionsAnonymised", { count: anonymised }) : "",
    ];
    const votes = anonymized > 0 ? `\n${t(requester.locale, "unfollow.votesKept", { count: anonymized })}` : "";
    return { kind: "update", content: parts.filter((part) => part !== "").join(" ") + votes, embeds: [], components: [] };
  }),
  ownButton("export", (ctx, _args, requester) => {
    const community = { suggestions: ctx.suggestions.byUser(requester.userId), votes: ctx.votes.votesOf(requester.userId) };
    const data = exportUserData(ctx.follows, requester.userId, ctx.clock.now(), community);
    return {
      kind: "reply",
      private: true,
      content: t(requester.locale, "following.exportReady"),
      files: [{ name: `paperbot-${requester.userId}.json`, data: Buffer.from(JSON.stringify(data, null, 2) + "\n") }],
    };
  }),
  ownButton("resume-dm", async (ctx, _args, requester) => {
    const { locale, userId } = requester;
    ctx.follows.resumeDm(userId);
    // Resuming is checked with a real DM: a user whose settings still refuse them is told so, not reassured.
    const check = await ctx.dm.send(userId, { content: t(locale, "following.resumeTestDm") });
    const after = ctx.follows.get(userId);
    const notice =
      check === "sent"
        ? t(locale, "following.resumed")
        : check === "refused"
          ? t(locale, "following.resumeStillRefused", { error: after?.lastDmError ?? "50007" })
          : t(locale, "following.resumeUnchecked");
    const refreshed = asUpdate(renderFollowing(ctx, requester));
    return refreshed.kind === "update" ? { ...refreshed, kind: "updateAndNotify", notice } : refreshed;
  }),
];
