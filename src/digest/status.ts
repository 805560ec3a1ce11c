import type { Locale } from "../i18n/index.js";
import type { Delivery, DigestStore } from "../db/digest.js";
import { t, type PlainMessageKey } from "../i18n/index.js";
import { channelDestinations, defaultSchedule, type DigestSettings } from "./run.js";
import { formatLocal, nextPublication, type DigestSchedule } from "./week.js";
import { describeReason } from "./reasons.js";
import { guildSchedule, upcomingForGuild } from "./upcoming.js";

export interface StatusLine {
  label: string;
  value: string;
}

export const LANGUAGE_KEYS = { en: "digest.language.en", ja: "digest.language.ja" } as const satisfies Record<Locale, PlainMessageKey>;

const DAY_KEYS = ["digest.day.1", "digest.day.2", "digest.day.3", "digest.day.4", "digest.day.5", "digest.day.6", "digest.day.7"] as const;

export function dayName(locale: Locale, weekday: number): string {
  return t(locale, DAY_KEYS[Math.min(7, Math.max(1, weekday)) - 1] ?? "digest.day.1");
}

export function describeSchedule(locale: Locale, schedule: DigestSchedule): string {
  return `${dayName(locale, schedule.weekday)} ${schedule.time} (${schedule.timeZone})`;
}

function describeDelivery(locale: Locale, delivery: Delivery): string {
  const week = delivery.week;
  const date = delivery.updatedAt.slice(0, 16).replace("T", " ") + " UTC";
  const reason = describeReason(locale, delivery.reason);
  switch (delivery.status) {
    case "sent":
      return t(locale, "digest.deliverySent", { week, date, count: delivery.messagesTotal });
    case "partial":
      return t(locale, "digest.deliveryPartial", { week, date, sent: delivery.messagesSent, messages: delivery.messagesTotal });
    case "failed":
      return t(locale, "digest.deliveryFailed", { week, date, reason });
    case "skipped":
      return t(locale, "digest.deliverySkipped", { week, date, reason });
    case "sending":
      return t(locale, "digest.deliverySending", { week, sent: delivery.messagesSent, messages: delivery.messagesTotal });
  }
}

const stamp = (iso: string) => iso.slice(0, 16).replace("T", " ") + " UTC";

/**
 * /digest status for one guild: its channel(s), each paused destination on its own, schedule, next run, the last
 * week's deliveries per destination, the last failure (with its channel), and a run in progress.
 */
export function guildStatus(store: DigestStore, settings: DigestSettings, guildId: string, now: Date, locale: Locale): StatusLine[] {
  const guild = store.guild(guildId);
  const followed = channelDestinations(store, settings).filter((destination) => destination.guildId === guildId && destination.id !== guild?.channelId);
  const pauses = store.guildPauses(guildId).filter((pause) => pause.targetId !== guild?.channelId);
  const lines: StatusLine[] = [];
  const none = t(locale, "digest.statusNone");
  const hasFollows = followed.length > 0 || pauses.length > 0;
  const schedule: DigestSchedule | null = guild ? guildSchedule(guild) : hasFollows ? defaultSchedule(settings) : null;
  const label = t(locale, "digest.statusChannel");
  const followList = followed.map((destination) => `<#${destination.id}>`);
  if (!guild && !hasFollows) lines.push({ label, value: t(locale, "digest.statusNotSet") });
  else if (guild && !guild.enabled) lines.push({ label, value: t(locale, "digest.statusOff") });
  else if (guild?.pausedReason) lines.push({ label, value: [t(locale, "digest.statusPaused", { reason: `<#${guild.channelId}>: ${describeReason(locale, guild.pausedReason)}` }), followList.join(", ")].filter(Boolean).join("\n") });
  else lines.push({ label, value: [...(guild ? [`<#${guild.channelId}>`] : []), ...followList].join(", ") || none });
  if (pauses.length > 0 && (!guild || guild.enabled)) {
    lines.push({
      label: t(locale, "digest.statusPausedFollows"),
      value: [...pauses.map((pause) => `<#${pause.targetId}>: ${describeReason(locale, pause.reason)} (${stamp(pause.pausedAt)})`), t(locale, "digest.statusPausedFollowsHint")].join("\n"),
    });
  }
  if (schedule) {
    lines.push({ label: t(locale, "digest.statusSchedule"), value: describeSchedule(locale, schedule) });
    if (guild) lines.push({ label: t(locale, "digest.statusLanguage"), value: t(locale, LANGUAGE_KEYS[guild.locale === "ja" ? "ja" : "en"]) });
    let value = none;
    if (guild) {
      const next = upcomingForGuild(store, settings, guild, now);
      if (next) value = next.late ? t(locale, "digest.statusNextLate", { week: next.edition }) : `${formatLocal(next.at, schedule.timeZone, locale)} · ${next.edition}`;
    } else {
      const next = nextPublication(now, schedule);
      value = `${formatLocal(next.at, schedule.timeZone, locale)} · ${next.edition}`;
    }
    lines.push({ label: t(locale, "digest.statusNext"), value });
  }
  const history = store.guildDeliveries(guildId, 20);
  const channelsSeen = new Set(history.map((delivery) => delivery.targetId));
  const named = (delivery: Delivery) =>
    (channelsSeen.size > 1 || hasFollows || delivery.targetId !== guild?.channelId ? `<#${delivery.targetId}>: ` : "") + describeDelivery(locale, delivery);
  const lastWeek = history[0]?.week;
  const last = history.filter((delivery) => delivery.week === lastWeek);
  lines.push({ label: t(locale, "digest.statusLast"), value: last.length > 0 ? last.map(named).join("\n") : none });
  // A destination that got a later edition (or this one, again) no longer needs the moderator's attention.
  const superseded = (failure: Delivery) =>
    history.some((delivery) => delivery.status === "sent" && delivery.targetId === failure.targetId && delivery.week >= failure.week && delivery.updatedAt >= failure.updatedAt);
  const failure = history.find((delivery) => (delivery.status === "failed" || delivery.status === "partial" || delivery.status === "skipped") && !superseded(delivery));
  lines.push({ label: t(locale, "digest.statusFailure"), value: failure ? named(failure) : none });
  const run = store.activeRun();
  if (run) {
    lines.push({
      label: t(locale, "digest.statusRun"),
      value: t(locale, "digest.statusRunProgress", { sent: run.sent, remaining: Math.max(0, run.total - run.sent - run.failed), started: stamp(run.startedAt) }),
    });
  }
  return lines;
}

export function statusText(lines: readonly StatusLine[]): string {
  return lines.map((line) => `${line.label}: ${line.value}`).join("\n");
}
