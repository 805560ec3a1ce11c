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

/** Discord's limit for one embed field's value. */
const FIELD_LIMIT = 1024;
/** Deliveries read for the last run and the last failure: every channel of a busy server, still bounded. */
const HISTORY_LIMIT = 1000;

/**
 * As many whole items as fit in one embed field, then "…and N more" for the rest, then `tail` (a hint that always
 * shows). Nothing is cut mid-item; the order given is kept, so what must show comes first.
 */
export function fitList(
  items: readonly string[],
  options: { separator: string; more: (count: number) => string; tail?: string; limit?: number },
): string {
  const limit = (options.limit ?? FIELD_LIMIT) - (options.tail === undefined ? 0 : options.tail.length + 1);
  const shown: string[] = [];
  let length = 0;
  for (const [index, item] of items.entries()) {
    const added = (shown.length > 0 ? options.separator.length : 0) + item.length;
    const left = items.length - index - 1;
    const note = left > 0 ? "\n".length + options.more(left).length : 0;
    if (length + added + note > limit) break;
    shown.push(item);
    length += added;
  }
  const hidden = items.length - shown.length;
  const parts = [shown.join(options.separator), hidden > 0 ? options.more(hidden) : "", options.tail ?? ""].filter((part) => part !== "");
  return parts.join("\n");
}

const stamp = (iso: string) => iso.slice(0, 16).replace("T", " ") + " UTC";

/**
 * /digest status for one guild: its channel(s), each paused destination on its own, schedule, next run, the last
 * week's deliveries per destination, the last failure (with its channel), and a run in progress.
 */
export function guildStatus(store: DigestStore, settings: DigestSettings, guildId: string, now: Date, locale: Locale): StatusLine[] {
  const guild = store.guild(guildId);
  const followed = channelDestinations(store, settings).filter(
    (destination) => destination.guildId === guildId && destination.id !== guild?.channelId,
  );
  const pauses = store.guildPauses(guildId).filter((pause) => pause.targetId !== guild?.channelId);
  const lines: StatusLine[] = [];
  const none = t(locale, "digest.statusNone");
  const hasFollows = followed.length > 0 || pauses.length > 0;
  const schedule: DigestSchedule | null = guild ? guildSchedule(guild) : hasFollows ? defaultSchedule(settings) : null;
  const label = t(locale, "digest.statusChannel");
  const followList = followed.map((destination) => `<#${destination.id}>`);
  const moreChannels = (count: number) => t(locale, "digest.statusMoreChannels", { count });
  if (!guild && !hasFollows) lines.push({ label, value: t(locale, "digest.statusNotSet") });
  else if (guild && !guild.enabled) lines.push({ label, value: t(locale, "digest.statusOff") });
  else if (guild?.pausedReason) {
    const paused = t(locale, "digest.statusPaused", { reason: `<#${guild.channelId}>: ${describeReason(locale, guild.pausedReason)}` });
    const others = fitList(followList, { separator: ", ", more: moreChannels, limit: FIELD_LIMIT - paused.length - 1 });
    lines.push({ label, value: [paused, others].filter(Boolean).join("\n") });
  } else
    lines.push({
      label,
      value: fitList([...(guild ? [`<#${guild.channelId}>`] : []), ...followList], { separator: ", ", more: moreChannels }) || none,
    });
  if (pauses.length > 0 && (!guild || guild.enabled)) {
    lines.push({
      label: t(locale, "digest.statusPausedFollows"),
      value: fitList(
        pauses.map((pause) => `<#${pause.targetId}>: ${describeReason(locale, pause.reason)} (${stamp(pause.pausedAt)})`),
        { separator: "\n", more: moreChannels, tail: t(locale, "digest.statusPausedFollowsHint") },
      ),
    });
  }
  if (schedule) {
    lines.push({ label: t(locale, "digest.statusSchedule"), value: describeSchedule(locale, schedule) });
    if (guild)
      lines.push({ label: t(locale, "digest.statusLanguage"), value: t(locale, LANGUAGE_KEYS[guild.locale === "ja" ? "ja" : "en"]) });
    let value = none;
    if (guild) {
      const next = upcomingForGuild(store, settings, guild, now);
      if (next)
        value = next.late
          ? t(locale, "digest.statusNextLate", { week: next.edition })
          : `${formatLocal(next.at, schedule.timeZone, locale)} · ${next.edition}`;
    } else {
      const next = nextPublication(now, schedule);
      value = `${formatLocal(next.at, schedule.timeZone, locale)} · ${next.edition}`;
    }
    lines.push({ label: t(locale, "digest.statusNext"), value });
  }
  const history = store.guildDeliveries(guildId, HISTORY_LIMIT);
  const channelsSeen = new Set(history.map((delivery) => delivery.targetId));
  const named = (delivery: Delivery) =>
    (channelsSeen.size > 1 || hasFollows || delivery.targetId !== guild?.channelId ? `<#${delivery.targetId}>: ` : "") +
    describeDelivery(locale, delivery);
  const lastWeek = history[0]?.week;
  // The server's own channel first: one failing channel never hides whether the digest channel got it.
  const last = history.filter((delivery) => delivery.week === lastWeek);
  const ordered = [
    ...last.filter((delivery) => delivery.targetId === guild?.channelId),
    ...last.filter((delivery) => delivery.targetId !== guild?.channelId),
  ];
  lines.push({
    label: t(locale, "digest.statusLast"),
    value: ordered.length > 0 ? fitList(ordered.map(named), { separator: "\n", more: moreChannels }) : none,
  });
  // A destination that got a later edition (or this one, again) no longer needs the moderator's attention, nor does
  // a former digest channel once the server's current one got that edition.
  const followedIds = new Set([...followed.map((destination) => destination.id), ...pauses.map((pause) => pause.targetId)]);
  const standsFor = (failure: Delivery, target: string) =>
    target === failure.targetId ||
    (target === guild?.channelId && failure.targetId !== guild.channelId && !followedIds.has(failure.targetId));
  const superseded = (failure: Delivery) =>
    history.some(
      (delivery) =>
        delivery.status === "sent" &&
        standsFor(failure, delivery.targetId) &&
        delivery.week >= failure.week &&
        delivery.updatedAt >= failure.updatedAt,
    );
  const failure = history.find(
    (delivery) => (delivery.status === "failed" || delivery.status === "partial" || delivery.status === "skipped") && !superseded(delivery),
  );
  lines.push({ label: t(locale, "digest.statusFailure"), value: failure ? named(failure) : none });
  const run = store.activeRun();
  if (run) {
    lines.push({
      label: t(locale, "digest.statusRun"),
      value: t(locale, "digest.statusRunProgress", {
        sent: run.sent,
        remaining: Math.max(0, run.total - run.sent - run.failed),
        started: stamp(run.startedAt),
      }),
    });
  }
  return lines;
}

export function statusText(lines: readonly StatusLine[]): string {
  return lines.map((line) => `${line.label}: ${line.value}`).join("\n");
}
