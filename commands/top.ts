import { ApplicationCommandOptionType } from "discord.js";
import { paperTitle, truncate } from "../src/catalog/format.js";
import type { Topic } from "../src/catalog/schema.js";
import { TOP_PERIODS, type TopEntry, type TopPeriod } from "../src/community/top.js";
import { commandHeader, defineCommand, describedBy, type Reply } from "../src/discord/command.js";
import { BRAND_COLOUR, fitEmbed } from "../src/shared/embeds.js";
import { t, type Locale } from "../src/i18n/index.js";
import { topicChoices, topicLabel } from "../src/i18n/topics.js";
import { inlineText } from "../src/shared/safe-text.js";

const PERIOD_KEYS = { week: "top.period.week", month: "top.period.month", all: "top.period.all" } as const;

export const topCommand = defineCommand({
  definition: {
    ...commandHeader("top", "command.top.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "period",
        ...describedBy("command.top.period"),
        required: false,
        choices: TOP_PERIODS.map((period) => ({
          name: t("en", PERIOD_KEYS[period]),
          name_localizations: { ja: t("ja", PERIOD_KEYS[period]) },
          value: period,
        })),
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "topic",
        ...describedBy("command.top.topic"),
        required: false,
        choices: topicChoices(),
      },
    ],
  } as const,

  execute(ctx, options, requester): Reply {
    const { locale } = requester;
    const period: TopPeriod = options.period ?? "week";
    const topic = options.topic as Topic | undefined;
    const entries = ctx.top({ period, topic, now: ctx.clock.now() });
    const periodText = t(locale, PERIOD_KEYS[period]);
    const title = topic
      ? t(locale, "top.titleTopic", { topic: topicLabel(locale, topic), period: periodText })
      : t(locale, "top.title", { period: periodText });
    return {
      kind: "reply",
      private: false,
      embeds: [
        fitEmbed({
          title,
          description: entries.length === 0 ? t(locale, "top.empty") : topLines(entries, locale).join("\n"),
          color: BRAND_COLOUR,
          ...(entries.length > 0 ? { footer: { text: t(locale, "top.footer", { count: entries.length }) } } : {}),
        }),
      ],
    };
  },
});

/** "1. [LoRA: …](url) · 👍 12 votes", a candidate marked as one. */
export function topLines(entries: readonly TopEntry[], locale: Locale): string[] {
  return entries.map((entry, at) => {
    const title = inlineText(truncate(entry.paper ? paperTitle(entry.paper, locale) : entry.title, 150));
    const candidate = entry.paper ? "" : ` · *${t(locale, "top.candidate")}*`;
    return `${at + 1}. [${title}](${entry.url}) · 👍 ${t(locale, "top.votes", { count: entry.votes })}${candidate}`;
  });
}
