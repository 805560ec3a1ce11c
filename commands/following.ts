/** `/following`: what a member (and, for moderators, the server's channels) follows, with buttons to change it. */
import { ButtonStyle } from "../src/shared/reply.js";
import { truncate } from "../src/catalog/format.js";
import { DM_FAILURE_LIMIT } from "../src/db/follows.js";
import { exportUserData } from "../src/follows/export.js";
import { commandHeader, defineCommand, type ComponentModule, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { actionButton, BRAND_COLOUR, fitEmbed, notice, row } from "../src/shared/embeds.js";
import { t } from "../src/i18n/index.js";
import { topicLabel } from "../src/i18n/topics.js";
import { managesGuild } from "../src/moderation/permissions.js";
import { describeReason } from "../src/digest/reasons.js";
import { confirmUnfollowAll, followedName } from "./follow.js";

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
