import type { Locale } from "../i18n/index.js";
import type { Delivery, DigestStore } from "../db/digest.js";
import { t } from "../i18n/index.js";
import { channelDestinations, defaultSchedule, type DigestSettings } from "./run.js";
import { formatLocal, nextPublication, type DigestSchedule } from "./week.js";

export interface StatusLine {
  label: string;
  value: string;
}

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
  const reason = delivery.reason ?? "";
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

/** /digest status for one guild: channel, schedule, next run, last run, last failure, and a run in progress. */
export function guildStatus(store: DigestStore, settings: DigestSettings, guildId: string, now: Date, locale: Locale): StatusLine[] {
  const guild = store.guild(guildId);
  const followed = channelDestinations(store, settings).filter((destination) => destination.guildId === guildId);
  const lines: StatusLine[] = [];
  const none = t(locale, "digest.statusNone");
  const schedule: DigestSchedule | null = guild ? { weekday: guild.weekday, time: guild.time, timeZone: guild.timeZone } : followed.length > 0 ? defaultSchedule(settings) : null;
  const channels = guild && guild.enabled ? [guild.channelId, ...followed.map((f) => f.id).filter((id) => id !== guild.channelId)] : followed.map((f) => f.id);
  if (!guild && followed.length === 0) lines.push({ label: t(locale, "digest.statusChannel"), value: t(locale, "digest.statusNotSet") });
  else if (guild && !guild.enabled) lines.push({ label: t(locale, "digest.statusChannel"), value: t(locale, "digest.statusOff") });
  else if (guild?.pausedReason) lines.push({ label: t(locale, "digest.statusChannel"), value: t(locale, "digest.statusPaused", { reason: guild.pausedReason }) });
  else lines.push({ label: t(locale, "digest.statusChannel"), value: channels.map((id) => `<#${id}>`).join(", ") });
  if (schedule) {
    lines.push({ label: t(locale, "digest.statusSchedule"), value: describeSchedule(locale, schedule) });
    const active = (!guild || guild.enabled) && !guild?.pausedReason;
    const next = nextPublication(now, schedule);
    lines.push({ label: t(locale, "digest.statusNext"), value: active ? `${formatLocal(next.at, schedule.timeZone)} · ${next.edition}` : none });
  }
  const history = store.guildDeliveries(guildId, 20);
  const last = history[0];
  lines.push({ label: t(locale, "digest.statusLast"), value: last ? describeDelivery(locale, last) : none });
  const failure = history.find((delivery) => delivery.status === "failed" || delivery.status === "partial" || delivery.status === "skipped");
  lines.push({ label: t(locale, "digest.statusFailure"), value: failure ? describeDelivery(locale, failure) : none });
  const run = store.activeRun();
  if (run) {
    lines.push({
      label: t(locale, "digest.statusRun"),
      value: t(locale, "digest.statusRunProgress", { sent: run.sent, remaining: Math.max(0, run.total - run.sent - run.failed), started: run.startedAt.slice(0, 16).replace("T", " ") + " UTC" }),
    });
  }
  return lines;
}

export function statusText(lines: readonly StatusLine[]): string {
  return lines.map((line) => `${line.label}: ${line.value}`).join("\n");
}
