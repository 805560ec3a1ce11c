import { describe, expect, it } from "vitest";
import { digestStore } from "../../src/db/digest.js";
import { followStore } from "../../src/db/follows.js";
import type { MessageBody } from "../../src/discord/command.js";
import { runDigest, type DigestTarget, type DigestTransport } from "../../src/digest/run.js";
import { databaseSources } from "../../src/digest/sources.js";
import {
  canonicalTimeZone,
  latestDue,
  nextPublication,
  parseWeekLabel,
  publicationTime,
  weekLabel,
  zonedInstant,
} from "../../src/digest/week.js";
import { createTestApp, fixedClock } from "../support/app.js";

const monday9 = (timeZone: string) => ({ weekday: 1, time: "09:00", timeZone });

/** Zones west and east of UTC, north and south, with whole-hour, half-hour and 45-minute offsets and DST. */
const DST_ZONES = [
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Halifax",
  "America/Santiago",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Athens",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Pacific/Auckland",
];

const wallFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall time Intl shows for `at` in `timeZone`, as a UTC timestamp of the same fields. */
function shownAs(timeZone: string, at: number): number {
  let format = wallFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    wallFormatters.set(timeZone, format);
  }
  const part = (type: string) => Number(format.formatToParts(at).find((entry) => entry.type === type)?.value);
  return Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"));
}

/** The earliest minute within 15 hours either side that Intl shows as `wall`. */
function firstShownAs(timeZone: string, wall: number): number {
  for (let at = wall - 15 * 3_600_000; at <= wall + 15 * 3_600_000; at += 60_000) if (shownAs(timeZone, at) === wall) return at;
  throw new Error(`${timeZone}: nothing shows as ${new Date(wall).toISOString()}`);
}

/** The minutes in `year` at which the zone's offset (wall minus UTC) changes, with the offsets before and after. */
function offsetChanges(timeZone: string, year: number): { at: number; before: number; after: number }[] {
  const offset = (at: number) => shownAs(timeZone, at) - at;
  const changes: { at: number; before: number; after: number }[] = [];
  for (let hour = Date.UTC(year, 0, 1); hour < Date.UTC(year + 1, 0, 1); hour += 3_600_000) {
    if (offset(hour) === offset(hour + 3_600_000)) continue;
    let at = hour;
    while (offset(at + 60_000) === offset(hour)) at += 60_000;
    changes.push({ at: at + 60_000, before: offset(hour), after: offset(at + 60_000) });
  }
  return changes;
}

describe("ISO weeks", () => {
  it("labels weeks by ISO 8601 (years with 53 weeks, January days in last year's week)", () => {
    expect(weekLabel(new Date("2026-11-29T23:59:59Z"))).toBe("2026-W48");
    expect(weekLabel(new Date("2026-11-30T00:00:00Z"))).toBe("2026-W49");
    expect(weekLabel(new Date("2027-01-01T00:00:00Z"))).toBe("2026-W53");
    expect(weekLabel(new Date("2021-01-03T12:00:00Z"))).toBe("2020-W53");
    expect(parseWeekLabel("2026-W48")?.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(parseWeekLabel("2025-W53")).toBeNull();
    expect(parseWeekLabel("2026-W00")).toBeNull();
  });

  it("validates IANA names with Intl and returns their canonical spelling", () => {
    expect(canonicalTimeZone("asia/tokyo")).toBe("Asia/Tokyo");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Mars/Olympus")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
  });
});

describe("publication times across timezones and DST changes", () => {
  it("keeps 09:00 local through the end of US daylight time (1 Nov 2026)", () => {
    expect(publicationTime("2026-W43", monday9("America/New_York")).toISOString()).toBe("2026-10-26T13:00:00.000Z");
    expect(publicationTime("2026-W44", monday9("America/New_York")).toISOString()).toBe("2026-11-02T14:00:00.000Z");
  });

  it("keeps 09:00 local through the end of British summer time (25 Oct 2026)", () => {
    expect(publicationTime("2026-W43", monday9("Europe/London")).toISOString()).toBe("2026-10-26T09:00:00.000Z");
    expect(publicationTime("2026-W42", monday9("Europe/London")).toISOString()).toBe("2026-10-19T08:00:00.000Z");
  });

  it("handles zones ahead of UTC (Monday 09:00 Tokyo is Monday 00:00 UTC; Kiritimati's Monday starts on Sunday UTC)", () => {
    expect(publicationTime("2026-W48", monday9("Asia/Tokyo")).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    const kiritimati = { weekday: 1, time: "05:00", timeZone: "Pacific/Kiritimati" };
    expect(publicationTime("2026-W48", kiritimati).toISOString()).toBe("2026-11-29T15:00:00.000Z");
    expect(latestDue(new Date("2026-11-29T15:00:00Z"), kiritimati).edition).toBe("2026-W48");
    expect(latestDue(new Date("2026-11-29T14:59:00Z"), kiritimati).edition).toBe("2026-W47");
  });

  it("moves a time skipped by spring-forward to just after the gap; takes the first of a repeated time", () => {
    expect(zonedInstant("America/New_York", 2026, 3, 8, 2, 30).toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(zonedInstant("America/New_York", 2026, 11, 1, 1, 30).toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });

  it("takes the first occurrence of a repeated time east of UTC too: Sunday 01:30 in London on 31 Oct 2027 is 00:30 UTC", () => {
    expect(zonedInstant("Europe/London", 2027, 10, 31, 1, 30).toISOString()).toBe("2027-10-31T00:30:00.000Z");
    const sunday = { weekday: 7, time: "01:30", timeZone: "Europe/London" };
    const edition = weekLabel(new Date("2027-10-20T12:00:00Z"));
    expect(publicationTime(edition, sunday).toISOString()).toBe("2027-10-31T00:30:00.000Z");
    expect(latestDue(new Date("2027-10-31T00:30:00Z"), sunday).edition).toBe(edition);
    expect(latestDue(new Date("2027-10-31T00:29:00Z"), sunday).edition).not.toBe(edition);
  });

  it.each(DST_ZONES)(
    "%s: every repeated and skipped wall time of 2027 resolves as Intl reads it (first occurrence; after a gap)",
    (timeZone) => {
      const transitions = offsetChanges(timeZone, 2027);
      expect(transitions.length, timeZone).toBeGreaterThan(0);
      for (const { at, before, after } of transitions) {
        // Inside the repeated (fall-back) or skipped (spring-forward) stretch of wall time.
        const wall = new Date(at + Math.min(before, after) + Math.abs(before - after) / 2);
        const fields = [
          wall.getUTCFullYear(),
          wall.getUTCMonth() + 1,
          wall.getUTCDate(),
          wall.getUTCHours(),
          wall.getUTCMinutes(),
        ] as const;
        const got = zonedInstant(timeZone, ...fields).getTime();
        if (after < before) {
          // Repeated: the earliest instant Intl shows as that wall time, found by scanning minutes.
          expect(new Date(got).toISOString(), `${timeZone} ${wall.toISOString()}`).toBe(
            new Date(firstShownAs(timeZone, wall.getTime())).toISOString(),
          );
        } else {
          // Skipped: as far past the gap as the time was into it.
          expect(got, `${timeZone} ${wall.toISOString()}`).toBe(wall.getTime() - before);
          expect(shownAs(timeZone, got)).toBe(wall.getTime() + (after - before));
        }
      }
    },
  );

  it("gives the next run after now", () => {
    expect(nextPublication(new Date("2026-11-30T09:00:00Z"), monday9("UTC"))).toEqual({
      edition: "2026-W49",
      at: new Date("2026-12-07T09:00:00Z"),
    });
    expect(nextPublication(new Date("2026-11-30T08:59:00Z"), monday9("UTC"))).toEqual({
      edition: "2026-W48",
      at: new Date("2026-11-30T09:00:00Z"),
    });
  });
});

/** Records what would be sent; the REST path is covered against the loopback harness in digest-run.test.ts. */
function recordingTransport(): DigestTransport & { sent: { target: DigestTarget; body: MessageBody }[] } {
  const sent: { target: DigestTarget; body: MessageBody }[] = [];
  return { sent, send: async (target, body) => void sent.push({ target, body }) };
}

describe("the runner on an injected clock, DIGEST_TZ=America/New_York", () => {
  it("sends on the local 09:00 after the DST change, not at the old UTC hour", async () => {
    const clock = fixedClock(new Date("2026-11-02T13:59:00Z"));
    const app = createTestApp({}, clock);
    try {
      followStore(app.db).follow("1400000000000000001", "en", undefined, new Date("2026-10-01T00:00:00Z"));
      const store = digestStore(app.db);
      const transport = recordingTransport();
      const deps = {
        store,
        follows: followStore(app.db),
        sources: databaseSources(store, () => app.catalog.papers),
        transport,
        clock,
        logger: app.logs,
        settings: { timeZone: "America/New_York", catchUpHours: 24, publicUrl: "https://paperbot.example" },
      };
      // 13:59 UTC is 08:59 EST: W44 is not due yet, and W43 (26 Oct, 13:00 UTC) is a week late, so skipped.
      expect(await runDigest(deps, { force: false })).toMatchObject({ due: 0, skipped: 1 });
      expect(store.delivery("2026-W43", "user", "1400000000000000001")?.status).toBe("skipped");
      clock.advance(60_000);
      expect(await runDigest(deps, { force: false })).toMatchObject({ editions: ["2026-W44"], sent: 1 });
      expect(transport.sent).toHaveLength(1);
    } finally {
      app.close();
    }
  });
});
