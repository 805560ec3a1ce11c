import { ApplicationCommandOptionType, ChannelType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import { z } from "zod";
import { defineCommand, moderatorCommandHeader, type ComponentModule, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { BRAND_COLOUR, fitEmbed, notice } from "../src/shared/embeds.js";
import type { Embed } from "../src/shared/reply.js";
import { DIGEST_BUNDLE_BUTTON } from "../src/digest/render.js";
import { defaultSchedule } from "../src/digest/run.js";
import { dayName, LANGUAGE_KEYS } from "../src/digest/status.js";
import { formatLocal, nextPublication, parseTime, resolveTimeZone, WEEKDAYS } from "../src/digest/week.js";
import { LOCALES, localized, message, t, type Locale, type PlainMessageKey } from "../src/i18n/index.js";
import { refuseUnlessGuildManager } from "../src/moderation/permissions.js";
import { bundleReply } from "./bundle.js";

const text = (key: PlainMessageKey) => {
  const value = localized(key);
  return { description: value.en, description_localizations: { ja: value.ja } };
};

const definition: RESTPostAPIChatInputApplicationCommandsJSONBody = {
  ...moderatorCommandHeader("digest", "command.digest.description"),
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: "set",
      ...text("command.digest.set"),
      options: [
        {
          type: ApplicationCommandOptionType.Channel,
          name: "channel",
          ...text("command.digest.channel"),
          required: true,
          channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "day",
          ...text("command.digest.day"),
          required: false,
          choices: WEEKDAYS.map((day, index) => ({
            name: dayName("en", index + 1),
            name_localizations: { ja: dayName("ja", index + 1) },
            value: day,
          })),
        },
        { type: ApplicationCommandOptionType.String, name: "time", ...text("command.digest.time"), required: false, max_length: 5 },
        {
          type: ApplicationCommandOptionType.String,
          name: "timezone",
          ...text("command.digest.timezone"),
          required: false,
          max_length: 64,
        },
        {
          type: ApplicationCommandOptionType.String,
          name: "language",
          ...text("command.digest.language"),
          required: false,
          choices: LOCALES.map((value) => ({
            name: t("en", LANGUAGE_KEYS[value]),
            name_localizations: { ja: t("ja", LANGUAGE_KEYS[value]) },
            value,
          })),
        },
      ],
    },
    { type: ApplicationCommandOptionType.Subcommand, name: "preview", ...text("command.digest.preview") },
    { type: ApplicationCommandOptionType.Subcommand, name: "status", ...text("command.digest.status") },
    { type: ApplicationCommandOptionType.Subcommand, name: "off", ...text("command.digest.off") },
  ],
};

const optionsSchema = z.union([
  z
    .object({
      set: z.literal("set"),
      channel: z.string().regex(/^\d{17,20}$/),
      day: z.enum(WEEKDAYS).optional(),
      time: z.string().max(5).optional(),
      timezone: z.string().max(64).optional(),
      language: z.enum(LOCALES).optional(),
    })
    .strict()
    .transform((options) => ({ ...options, subcommand: "set" as const })),
  z
    .object({ preview: z.literal("preview") })
    .strict()
    .transform(() => ({ subcommand: "preview" as const })),
  z
    .object({ status: z.literal("status") })
    .strict()
    .transform(() => ({ subcommand: "status" as const })),
  z
    .object({ off: z.literal("off") })
    .strict()
    .transform(() => ({ subcommand: "off" as const })),
]);

type SetOptions = {
  channel: string;
  day?: string | undefined;
  time?: string | undefined;
  timezone?: string | undefined;
  language?: Locale | undefined;
};

function set(ctx: BotContext, options: SetOptions, requester: Requester, guildId: string): Reply {
  const { locale } = requester;
  const settings = ctx.digest.settings;
  const resolved =
    options.timezone === undefined ? ({ ok: true, timeZone: settings.timeZone } as const) : resolveTimeZone(options.timezone);
  if (!resolved.ok) {
    return "abbreviation" in resolved
      ? notice(locale, message("digest.abbreviatedTimeZone", { timeZone: resolved.abbreviation, suggestion: resolved.suggestion }))
      : notice(locale, message("digest.badTimeZone", { timeZone: resolved.unknown }));
  }
  const { timeZone } = resolved;
  const time = options.time === undefined ? { hour: 9, minute: 0 } : parseTime(options.time);
  if (!time) return notice(locale, "digest.badTime");
  const weekday =
    options.day === undefined ? defaultSchedule(settings).weekday : WEEKDAYS.indexOf(options.day as (typeof WEEKDAYS)[number]) + 1;
  const schedule = { weekday, time: `${String(time.hour).padStart(2, "0")}:${String(time.minute).padStart(2, "0")}`, timeZone };
  const now = ctx.clock.now();
  // The server's language changes only when asked: resuming or moving the digest keeps it.
  const stored = ctx.digest.guild(guildId)?.locale;
  const language: Locale = options.language ?? (stored === undefined ? locale : stored === "ja" ? "ja" : "en");
  const { upcoming, after } = ctx.digest.setGuild(
    { guildId, channelId: options.channel, ...schedule, locale: language, updatedBy: requester.userId },
    now,
  );
  const languageLine = t(locale, "digest.setLanguage", { language: t(locale, LANGUAGE_KEYS[language]) });
  const args = { channel: `<#${options.channel}>`, day: dayName(locale, weekday), time: schedule.time, timeZone };
  if (upcoming?.late) {
    const done = t(locale, "digest.setDoneLate", {
      ...args,
      week: upcoming.edition,
      next: after ? `${formatLocal(after.at, timeZone, locale)} · ${after.edition}` : "",
    });
    return { kind: "reply", private: true, content: `${done}\n${languageLine}` };
  }
  const next = upcoming ?? nextPublication(now, schedule);
  return {
    kind: "reply",
    private: true,
    content: `${t(locale, "digest.setDone", { ...args, next: formatLocal(next.at, timeZone, locale) })}\n${languageLine}`,
  };
}

function status(ctx: BotContext, requester: Requester, guildId: string): Reply {
  const lines = ctx.digest.status(guildId, ctx.clock.now(), requester.locale);
  const embed: Embed = {
    title: t(requester.locale, "digest.statusTitle"),
    color: BRAND_COLOUR,
    fields: lines.map((line) => ({ name: line.label, value: line.value })),
  };
  return { kind: "reply", private: true, embeds: [fitEmbed(embed)] };
}

function preview(ctx: BotContext, requester: Requester, guildId: string): Reply {
  const { locale } = requester;
  const { week, at, timeZone, messages } = ctx.digest.preview({ now: ctx.clock.now(), locale, guildId });
  const first = messages[0] ?? { embeds: [] };
  const more = messages.length > 1 ? ` (1/${messages.length})` : "";
  const content = t(locale, "digest.previewOf", { week, next: formatLocal(at, timeZone, locale) }) + more;
  return { kind: "reply", private: true, content, embeds: first.embeds ?? [], components: messages.at(-1)?.components ?? [] };
}

/**
 * `/digest set|preview|status|off`, for the server's managers (Manage Server or MODERATOR_ROLE_ID), in any guild: a
 * server setting, not the shared list. Options outside the definition get the registry's polite refusal.
 */
export const digestCommand = defineCommand({
  definition,
  optionsSchema,
  privateReplies: true,
  execute(ctx, options, requester): Reply {
    const refused = refuseUnlessGuildManager(ctx, requester);
    if (refused || !requester.guildId) return refused ?? notice(requester.locale, "moderation.guildOnly");
    switch (options.subcommand) {
      case "set":
        return set(ctx, options, requester, requester.guildId);
      case "preview":
        return preview(ctx, requester, requester.guildId);
      case "status":
        return status(ctx, requester, requester.guildId);
      case "off": {
        const turnedOff = ctx.digest.turnOff(requester.guildId, requester.userId, ctx.clock.now());
        return notice(requester.locale, turnedOff ? "digest.offDone" : "digest.offAlready");
      }
    }
  },
});

/** The digest's "Get the bundle" button answers like /bundle, privately. */
export const digestBundleButton: ComponentModule = {
  prefix: DIGEST_BUNDLE_BUTTON,
  handle: (ctx, _args, requester) => bundleReply(ctx, requester),
};
