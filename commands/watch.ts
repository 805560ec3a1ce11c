import { ApplicationCommandOptionType } from "discord.js";
import type { WatchStatus } from "../src/arxiv/status.js";
import { defineCommand, describedBy, moderatorCommandHeader, type Reply } from "../src/discord/command.js";
import { BRAND_COLOUR, fitEmbed, notice } from "../src/shared/embeds.js";
import { isModerationGuild, isModerator } from "../src/moderation/permissions.js";
import { t, type Locale } from "../src/i18n/index.js";
import { embedText } from "../src/shared/safe-text.js";

function when(locale: Locale, iso: string | Date | null): string {
  if (iso === null) return t(locale, "watch.never");
  const seconds = Math.floor((typeof iso === "string" ? Date.parse(iso) : iso.getTime()) / 1000);
  return `<t:${seconds}:f>`;
}

/** One embed field per feed (at most 20 feeds, within Discord's 25 fields), plus the pending count and next run. */
export function renderWatchStatus(status: WatchStatus, locale: Locale): Reply {
  const fields = status.feeds.map((feed) => {
    const lines = [t(locale, "watch.lastSuccess", { time: when(locale, feed.lastSuccessAt) })];
    if (feed.lastFailureAt)
      lines.push(t(locale, "watch.lastFailure", { time: when(locale, feed.lastFailureAt), reason: embedText(feed.lastError ?? "?") }));
    if (feed.lastStatus === "ok") lines.push(t(locale, "watch.lastPoll", { count: feed.lastItems, new: feed.lastNew }));
    if (feed.lastStatus === "not_modified") lines.push(t(locale, "watch.notModified"));
    if (feed.failures > 0) lines.push(t(locale, "watch.retrying", { failures: feed.failures, time: when(locale, feed.nextAttemptAt) }));
    if (feed.failing) lines.unshift(t(locale, "watch.failing"));
    return { name: feed.url, value: lines.join("\n") };
  });
  const summary = [
    t(locale, "watch.pending", { count: status.pending }),
    status.nextRun ? t(locale, "watch.nextRun", { time: when(locale, status.nextRun) }) : t(locale, "watch.noNextRun"),
  ];
  return {
    kind: "reply",
    private: true,
    embeds: [fitEmbed({ title: t(locale, "watch.title"), description: summary.join("\n"), color: BRAND_COLOUR, fields })],
  };
}

export const watchCommand = defineCommand({
  definition: {
    ...moderatorCommandHeader("watch", "command.watch.description"),
    options: [{ type: ApplicationCommandOptionType.Subcommand, name: "status", ...describedBy("command.watch.status") }],
  } as const,
  privateReplies: true,

  execute(ctx, _options, requester): Reply {
    // Discord hides the command from members without Manage Server, but the check is repeated here.
    if (!requester.guildId) return notice(requester.locale, "moderation.guildOnly");
    if (!isModerationGuild(ctx, requester.guildId)) return notice(requester.locale, "watch.otherGuild");
    if (!isModerator(ctx, requester)) return notice(requester.locale, "watch.notModerator");
    return renderWatchStatus(ctx.watch.status(ctx.clock.now()), requester.locale);
  },
});
