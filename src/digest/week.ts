/** ISO weeks (UTC) and wall-clock schedules in IANA timezones, with Intl only. */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Monday 1970-01-05, the first ISO Monday after the epoch. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export type WeekLabel = `${number}-W${string}`;

export const WEEK_LABEL_PATTERN = /^(\d{4})-W(\d{2})$/;

/** Monday 00:00 UTC of the ISO week containing `date`. */
export function weekStart(date: Date): Date {
  const days = Math.floor((date.getTime() - FIRST_MONDAY_MS) / DAY_MS);
  const monday = days - (((days % 7) + 7) % 7);
  return new Date(FIRST_MONDAY_MS + monday * DAY_MS);
}

/** "2026-W48" for any instant of that ISO week (UTC). */
export function weekLabel(date: Date): WeekLabel {
  const monday = weekStart(date);
  const thursday = new Date(monday.getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / WEEK_MS) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Monday 00:00 UTC of a labelled week, or null for a label that is not a real ISO week. */
export function parseWeekLabel(label: string): Date | null {
  const match = WEEK_LABEL_PATTERN.exec(label);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (week < 1 || week > 53) return null;
  // The week containing January 4th is week 1.
  const monday = new Date(weekStart(new Date(Date.UTC(year, 0, 4))).getTime() + (week - 1) * WEEK_MS);
  return weekLabel(monday) === label ? monday : null;
}

export function addWeeks(label: WeekLabel, weeks: number): WeekLabel {
  const start = parseWeekLabel(label);
  if (!start) throw new RangeError(`not an ISO week: ${label}`);
  return weekLabel(new Date(start.getTime() + weeks * WEEK_MS));
}

/** A running count of weeks, for rotations that must not depend on the year. */
export function weekIndex(label: WeekLabel): number {
  const start = parseWeekLabel(label);
  if (!start) throw new RangeError(`not an ISO week: ${label}`);
  return Math.round((start.getTime() - FIRST_MONDAY_MS) / WEEK_MS);
}

export function weekRange(label: WeekLabel): { start: Date; end: Date } {
  const start = parseWeekLabel(label);
  if (!start) throw new RangeError(`not an ISO week: ${label}`);
  return { start, end: new Date(start.getTime() + WEEK_MS) };
}

/** The IANA name in canonical spelling, or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (name.trim() === "" || name.length > 64) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The zone people usually mean by an abbreviation (with its daylight saving time), for the refusal's hint. */
const ABBREVIATION_ZONES: Record<string, string> = {
  EST: "America/New_York",
  EDT: "America/New_York",
  CST: "America/Chicago",
  CDT: "America/Chicago",
  MST: "America/Denver",
  MDT: "America/Denver",
  PST: "America/Los_Angeles",
  PDT: "America/Los_Angeles",
  AKST: "America/Anchorage",
  AKDT: "America/Anchorage",
  HST: "Pacific/Honolulu",
  AST: "America/Halifax",
  BST: "Europe/London",
  IST: "Asia/Kolkata",
  CET: "Europe/Paris",
  CEST: "Europe/Paris",
  EET: "Europe/Athens",
  EEST: "Europe/Athens",
  WET: "Europe/Lisbon",
  WEST: "Europe/Lisbon",
  MSK: "Europe/Moscow",
  JST: "Asia/Tokyo",
  KST: "Asia/Seoul",
  AEST: "Australia/Sydney",
  AEDT: "Australia/Sydney",
  NZST: "Pacific/Auckland",
  NZDT: "Pacific/Auckland",
};

/**
 * Abbreviations such as EST or BST are ambiguous, and Intl maps some to a zone without daylight saving time
 * (EST is America/Panama, MST America/Phoenix, BST Asia/Dhaka): they are refused with the usual zone as a hint.
 * Returns null for a name that is not one of these abbreviations (UTC, GMT, UCT, Japan are IANA names).
 */
export function timeZoneAbbreviation(name: string): { abbreviation: string; suggestion: string } | null {
  const upper = name.trim().toUpperCase();
  const suggestion = ABBREVIATION_ZONES[upper];
  return suggestion === undefined ? null : { abbreviation: upper, suggestion };
}

export type TimeZoneResolution =
  { ok: true; timeZone: string } | { ok: false; abbreviation: string; suggestion: string } | { ok: false; unknown: string };

const capitalised = (segment: string) =>
  segment.replace(/(^|[_-])([a-z])/g, (_match, separator: string, letter: string) => separator + letter.toUpperCase());

/**
 * A timezone a moderator (or DIGEST_TZ) gave, checked with Intl: every IANA name, also tzdata's "backward" links
 * (Japan, Zulu, UCT, US/Eastern), in canonical spelling (Japan is Asia/Tokyo). ICU still calls some renamed zones
 * by their old name (Asia/Kolkata is Asia/Calcutta to Intl): a name in the same area as Intl's is kept as typed.
 */
export function resolveTimeZone(input: string): TimeZoneResolution {
  const typed = input.trim();
  const abbreviation = timeZoneAbbreviation(typed);
  if (abbreviation) return { ok: false, ...abbreviation };
  const canonical = canonicalTimeZone(typed);
  if (canonical === null) return { ok: false, unknown: typed };
  if (canonical.toLowerCase() === typed.toLowerCase()) return { ok: true, timeZone: canonical };
  const exact = Intl.supportedValuesOf("timeZone").find((zone) => zone.toLowerCase() === typed.toLowerCase());
  if (exact) return { ok: true, timeZone: exact };
  const [typedArea, ...typedPlace] = typed.split("/");
  const [area] = canonical.split("/");
  if (typedPlace.length > 0 && canonical.includes("/") && typedArea?.toLowerCase() === area?.toLowerCase()) {
    const place = typedPlace.join("/");
    return { ok: true, timeZone: `${area}/${place === place.toLowerCase() ? place.split("/").map(capitalised).join("/") : place}` };
  }
  return { ok: true, timeZone: canonical };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of the zone from UTC at `at`, in milliseconds (east positive). */
function zoneOffsetMs(timeZone: string, at: number): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(at))) if (part.type !== "literal") parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    parts["year"] ?? 1970,
    (parts["month"] ?? 1) - 1,
    parts["day"] ?? 1,
    parts["hour"] ?? 0,
    parts["minute"] ?? 0,
    parts["second"] ?? 0,
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in a zone. A time skipped by a DST change moves forward by the gap
 * (02:30 on a spring-forward night is 03:30); a repeated time takes its first occurrence (01:30 on London's
 * fall-back night is 00:30 UTC, in summer time), in zones east and west of UTC alike.
 */
export function zonedInstant(timeZone: string, year: number, month: number, day: number, hour: number, minute: number): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets in force a day before and a day after (no zone changes twice within two days), and at the wall time.
  const offsets = new Set([zoneOffsetMs(timeZone, wall - DAY_MS), zoneOffsetMs(timeZone, wall), zoneOffsetMs(timeZone, wall + DAY_MS)]);
  const candidates = [...offsets].map((offset) => wall - offset);
  const matching = candidates.filter((instant) => instant + zoneOffsetMs(timeZone, instant) === wall);
  if (matching.length > 0) return new Date(Math.min(...matching));
  // In a gap: the offset from before the change applies, which puts the time as far past the gap as it was into it.
  return new Date(wall - zoneOffsetMs(timeZone, wall - DAY_MS));
}

/** When and where a destination's digest is posted: ISO weekday (1 = Monday) and HH:MM in an IANA zone. */
export interface DigestSchedule {
  weekday: number;
  time: string;
  timeZone: string;
}

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function parseTime(value: string): { hour: number; minute: number } | null {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

/**
 * The edition for ISO week W (its papers were added during W, UTC) is posted in the following week, on the
 * schedule's weekday and local time.
 */
export function publicationTime(edition: WeekLabel, schedule: DigestSchedule): Date {
  const { start } = weekRange(edition);
  const day = new Date(start.getTime() + WEEK_MS + (schedule.weekday - 1) * DAY_MS);
  const time = parseTime(schedule.time) ?? { hour: 9, minute: 0 };
  return zonedInstant(schedule.timeZone, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), time.hour, time.minute);
}

/** The most recent edition whose publication time is at or before `now`, with that time. */
export function latestDue(now: Date, schedule: DigestSchedule): { edition: WeekLabel; at: Date } {
  const current = weekLabel(now);
  for (const offset of [0, -1, -2, -3]) {
    const edition = addWeeks(current, offset);
    const at = publicationTime(edition, schedule);
    if (at.getTime() <= now.getTime()) return { edition, at };
  }
  const edition = addWeeks(current, -3);
  return { edition, at: publicationTime(edition, schedule) };
}

/** The first publication strictly after `now`. */
export function nextPublication(now: Date, schedule: DigestSchedule): { edition: WeekLabel; at: Date } {
  const current = weekLabel(now);
  for (const offset of [-2, -1, 0, 1]) {
    const edition = addWeeks(current, offset);
    const at = publicationTime(edition, schedule);
    if (at.getTime() > now.getTime()) return { edition, at };
  }
  const edition = addWeeks(current, 1);
  return { edition, at: publicationTime(edition, schedule) };
}

const localFormatters = new Map<string, { numbers: Intl.DateTimeFormat; weekday: Intl.DateTimeFormat }>();

/** "Mon 2026-11-30 09:00 (Asia/Tokyo)" in the schedule's zone; in Japanese "2026-11-30 (月) 09:00 (Asia/Tokyo)". */
export function formatLocal(at: Date, timeZone: string, locale: "en" | "ja" = "en"): string {
  const key = `${locale}|${timeZone}`;
  let formatters = localFormatters.get(key);
  if (!formatters) {
    formatters = {
      numbers: new Intl.DateTimeFormat("en-CA", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
      }),
      weekday: new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : "en-US", { timeZone, weekday: "short" }),
    };
    localFormatters.set(key, formatters);
  }
  const parts: Record<string, string> = {};
  for (const part of formatters.numbers.formatToParts(at)) parts[part.type] = part.value;
  const date = `${parts["year"]}-${parts["month"]}-${parts["day"]}`;
  const time = `${parts["hour"]}:${parts["minute"]}`;
  const weekday = formatters.weekday.format(at);
  return locale === "ja" ? `${date} (${weekday}) ${time} (${timeZone})` : `${weekday} ${date} ${time} (${timeZone})`;
}
