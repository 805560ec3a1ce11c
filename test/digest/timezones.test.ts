import { describe, expect, it } from "vitest";
import { resolveTimeZone } from "../../src/digest/week.js";
import { configProblems, testEnv } from "../support/app.js";

describe("timezone names: IANA names (also tzdata 'backward' links) are accepted, abbreviations refused", () => {
  it("accepts Japan, Zulu, UCT, US/Eastern, GMT and Etc/… names, in the canonical IANA spelling", () => {
    expect(resolveTimeZone("Japan")).toEqual({ ok: true, timeZone: "Asia/Tokyo" });
    expect(resolveTimeZone("japan")).toEqual({ ok: true, timeZone: "Asia/Tokyo" });
    expect(resolveTimeZone("Zulu")).toEqual({ ok: true, timeZone: "UTC" });
    expect(resolveTimeZone("UCT")).toEqual({ ok: true, timeZone: "UTC" });
    expect(resolveTimeZone("US/Eastern")).toEqual({ ok: true, timeZone: "America/New_York" });
    expect(resolveTimeZone("GMT")).toEqual({ ok: true, timeZone: "UTC" });
    expect(resolveTimeZone("etc/gmt+5")).toEqual({ ok: true, timeZone: "Etc/GMT+5" });
    expect(resolveTimeZone(" asia/tokyo ")).toEqual({ ok: true, timeZone: "Asia/Tokyo" });
  });

  it("keeps a renamed zone as typed (Asia/Kolkata is not echoed as Asia/Calcutta)", () => {
    expect(resolveTimeZone("Asia/Kolkata")).toEqual({ ok: true, timeZone: "Asia/Kolkata" });
    expect(resolveTimeZone("asia/kolkata")).toEqual({ ok: true, timeZone: "Asia/Kolkata" });
    expect(resolveTimeZone("Europe/Kyiv")).toEqual({ ok: true, timeZone: "Europe/Kyiv" });
    expect(resolveTimeZone("asia/ho_chi_minh")).toEqual({ ok: true, timeZone: "Asia/Ho_Chi_Minh" });
    expect(resolveTimeZone("Asia/Calcutta")).toEqual({ ok: true, timeZone: "Asia/Calcutta" });
  });

  it("refuses abbreviations with the zone usually meant, and calls unknown words unknown (never Europe/Paris for Japan)", () => {
    const expected: Record<string, string> = {
      EST: "America/New_York",
      pst: "America/Los_Angeles",
      CST: "America/Chicago",
      MST: "America/Denver",
      BST: "Europe/London",
      IST: "Asia/Kolkata",
      JST: "Asia/Tokyo",
    };
    for (const [typed, suggestion] of Object.entries(expected)) {
      expect(resolveTimeZone(typed)).toEqual({ ok: false, abbreviation: typed.toUpperCase(), suggestion });
    }
    expect(resolveTimeZone("Local")).toEqual({ ok: false, unknown: "Local" });
    expect(resolveTimeZone("Mars/Olympus")).toEqual({ ok: false, unknown: "Mars/Olympus" });
    expect(resolveTimeZone("")).toEqual({ ok: false, unknown: "" });
  });

  it("DIGEST_TZ follows the same rules", () => {
    for (const zone of ["Japan", "Zulu", "UCT", "US/Eastern", "GMT", "Etc/GMT-9", "Asia/Kolkata"])
      expect(configProblems(testEnv({ DIGEST_TZ: zone }))).toEqual([]);
    const problems = configProblems(testEnv({ DIGEST_TZ: "IST" }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/ambiguous abbreviation; use an IANA name such as Asia\/Kolkata/);
    expect(configProblems(testEnv({ DIGEST_TZ: "Local" }))[0]).toMatch(/expected an IANA timezone/);
  });
});
