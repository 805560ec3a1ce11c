import { afterEach, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import type { Reply, Requester } from "../../src/discord/command.js";
import { t } from "../../src/i18n/index.js";
import { createTestApp, createTestContext } from "../support/app.js";

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

const manager = (locale: "en" | "ja" = "en"): Requester => ({ userId: "100000000000000001", username: "mod", locale, guildId: GUILD, channelId: CHANNEL, canManageGuild: true });

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
    ["a timezone over 64 characters", { set: "set", channel: CHANNEL, timezone: "Europe/".padEnd(65, "x") }, /timezone takes at most 64 characters/],
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
    const reply = await digest().run(ctx, { set: "set", channel: CHANNEL, day: "friday", time: "18:30", timezone: "Asia/Tokyo", language: "ja" }, manager());
    expect(textOf(reply)).toContain(`<#${CHANNEL}>`);
    expect(ctx.digest.guild(GUILD)).toMatchObject({ channelId: CHANNEL, weekday: 5, time: "18:30", timeZone: "Asia/Tokyo", locale: "ja", enabled: true });
    expect(textOf(await digest().run(ctx, { off: "off" }, manager()))).toBe(t("en", "digest.offDone"));
  });
});
