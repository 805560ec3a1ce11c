import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import type { Reply, Requester } from "../../src/discord/command.js";
import { t } from "../../src/i18n/index.js";
import { digestStore } from "../../src/db/digest.js";
import { createTestApp, createTestContext, fixedClock } from "../support/app.js";
import { customIds, embedsOf, isPrivate, useDirect, who } from "../support/direct.js";
import { MOD_ROLE } from "../support/moderation.js";

const GUILD = "300000000000000001";
const CHANNEL = "400000000000000001";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const app of opened.splice(0)) app.close();
});

function setUp() {
  const app = createTestApp();
  opened.push(app);
  return { app, ...createTestContext(app) };
}

const manager = (locale: "en" | "ja" = "en"): Requester => ({
  userId: "100000000000000001",
  username: "mod",
  locale,
  guildId: GUILD,
  channelId: CHANNEL,
  canManageGuild: true,
});

function digest() {
  const command = commands.find((candidate) => candidate.name === "digest");
  if (!command) throw new Error("/digest is not registered");
  return command;
}

const textOf = (reply: Reply) => (reply.kind === "modal" ? "" : (reply.content ?? ""));

describe("/digest goes through the command registry", () => {
  // Values outside the definition (what a client skipping Discord's checks, or the console, can send): each gets the
  // registry's polite private refusal naming the problem, never the internal error.
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a time over 5 characters", { set: "set", channel: CHANNEL, time: "09:00:00" }, /time takes at most 5 characters/],
    [
      "a timezone over 64 characters",
      { set: "set", channel: CHANNEL, timezone: "Europe/".padEnd(65, "x") },
      /timezone takes at most 64 characters/,
    ],
    ["an unknown day", { set: "set", channel: CHANNEL, day: "someday" }, /`someday` isn.t a choice for day/],
    ["an unknown language", { set: "set", channel: CHANNEL, language: "fr" }, /`fr` isn.t a choice for language/],
    ["no channel", { set: "set" }, /\/digest needs channel/],
    ["a channel that is not an id", { set: "set", channel: "general" }, /Those options don't fit \/digest/],
    ["an option /digest does not have", { status: "status", verbose: "yes" }, /\/digest has no option `verbose`/],
    ["set's options with another subcommand", { off: "off", time: "09:00" }, /\/digest has no option `time`/],
    ["two subcommands at once", { status: "status", off: "off" }, /Those options don't fit \/digest/],
    ["no subcommand", {}, /Those options don't fit \/digest/],
  ];

  it.each(cases)("refuses %s politely and privately", async (_name, raw, expected) => {
    const { app, ctx } = setUp();
    const reply = await digest().run(ctx, raw, manager());
    expect(reply).toMatchObject({ kind: "reply", private: true });
    expect(textOf(reply)).toMatch(expected);
    expect(textOf(reply)).not.toContain(t("en", "errors.internal", { errorId: "" }).slice(0, 20));
    // Nothing was stored for a refused /digest set.
    expect(ctx.digest.guild(GUILD)).toBeUndefined();
    expect(app.logs.records.filter((record) => record["level"] === "error" || record["level"] === 50)).toEqual([]);
  });

  it("refuses in the requester's language", async () => {
    const { ctx } = setUp();
    const reply = await digest().run(ctx, { set: "set", channel: CHANNEL, time: "09:00:00" }, manager("ja"));
    expect(textOf(reply)).toBe(t("ja", "errors.optionTooLong", { option: "time", count: 5 }));
  });

  it("takes options that fit the definition, as before", async () => {
    const { ctx } = setUp();
    const reply = await digest().run(
      ctx,
      { set: "set", channel: CHANNEL, day: "friday", time: "18:30", timezone: "Asia/Tokyo", language: "ja" },
      manager(),
    );
    expect(textOf(reply)).toContain(`<#${CHANNEL}>`);
    expect(ctx.digest.guild(GUILD)).toMatchObject({
      channelId: CHANNEL,
      weekday: 5,
      time: "18:30",
      timeZone: "Asia/Tokyo",
      locale: "ja",
      enabled: true,
    });
    expect(textOf(await digest().run(ctx, { off: "off" }, manager()))).toBe(t("en", "digest.offDone"));
  });
});

describe("/digest set|preview|status|off", () => {
  const MOD = { userId: "1300000000000000201", username: "mod", canManageGuild: true };
  const MEMBER = { userId: "1300000000000000202", username: "member" };
  const HARNESS_GUILD = "1200000000000000001";
  const PAPERS = "1200000000000000011";
  const clock = () => fixedClock(new Date("2026-11-26T12:00:00Z"));
  const fieldsOf = (reply: Reply) => Object.fromEntries(embedsOf(reply)[0]?.fields?.map((field) => [field.name, field.value]) ?? []);

  it("refuses members, privately, and changes nothing; MODERATOR_ROLE_ID lets a role in", async () => {
    const direct = useDirect({ clock: clock(), env: { PUBLIC_URL: "https://paperbot.example", MODERATOR_ROLE_ID: MOD_ROLE } });
    const before = direct.ctx.digest.guild(HARNESS_GUILD);
    for (const sub of ["set", "preview", "status", "off"]) {
      const reply = await direct.run("digest", sub === "set" ? { set: "set", channel: PAPERS } : { [sub]: sub }, MEMBER);
      expect(isPrivate(reply)).toBe(true);
      expect(textOf(reply)).toMatch(/Only moderators/);
    }
    expect(direct.ctx.digest.guild(HARNESS_GUILD)).toEqual(before);
    const withRole = await direct.run("digest", { status: "status" }, who.roleModerator);
    expect(embedsOf(withRole)[0]?.title).toBe("Weekly digest");
  });

  it("validates the IANA timezone and the time with Intl, then sets the schedule and shows it in status", async () => {
    const direct = useDirect({ clock: clock(), env: { PUBLIC_URL: "https://paperbot.example" } });
    expect(textOf(await direct.run("digest", { set: "set", channel: PAPERS, timezone: "Mars/Olympus" }, MOD))).toMatch(
      /isn't an IANA timezone/,
    );
    expect(textOf(await direct.run("digest", { set: "set", channel: PAPERS, time: "25:00" }, MOD))).toMatch(/HH:MM/);
    const set = await direct.run("digest", { set: "set", channel: PAPERS, day: "friday", time: "18:30", timezone: "asia/tokyo" }, MOD);
    expect(textOf(set)).toBe(
      `The digest goes to <#${PAPERS}> every Friday at 18:30 (Asia/Tokyo). Next: Fri 2026-11-27 18:30 (Asia/Tokyo).\nLanguage: English (\`/digest set language:\` changes it).`,
    );
    expect(fieldsOf(await direct.run("digest", { status: "status" }, MOD))).toMatchObject({
      Channel: `<#${PAPERS}>`,
      Schedule: "Friday 18:30 (Asia/Tokyo)",
      "Next run": "Fri 2026-11-27 18:30 (Asia/Tokyo) · 2026-W47",
      "Last run": "none",
      "Last failure": "none",
    });
  });

  it("previews privately with the link buttons, and turns off", async () => {
    const direct = useDirect({ clock: clock(), env: { PUBLIC_URL: "https://paperbot.example" } });
    digestStore(direct.app.db).setGuild({
      guildId: HARNESS_GUILD,
      channelId: PAPERS,
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: MOD.userId,
      updatedAt: new Date().toISOString(),
    });
    const preview = await direct.run("digest", { preview: "preview" }, { ...MOD, locale: "ja" });
    expect(isPrivate(preview)).toBe(true);
    // The edition /digest status gives as the next run (Monday 2026-11-30 publishes 2026-W48).
    expect(embedsOf(preview)[0]?.title).toBe("LLM 論文ダイジェスト · 2026-W48");
    // A ja reader is sent to the Japanese page.
    expect(customIds(preview)).toEqual(["https://paperbot.example/digest/2026-W48/ja", "https://paperbot.example/", "digest-bundle"]);
    expect(textOf(await direct.run("digest", { off: "off" }, MOD))).toMatch(/off in this server/);
    expect(fieldsOf(await direct.run("digest", { status: "status" }, MOD))["Channel"]).toMatch(/^Off/);
  });
});
