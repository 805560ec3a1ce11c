/** /digest status after real digest runs posting to the loopback Discord (what the handlers answer from stored state: digest-settings.test.ts). */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PermissionFlagsBits, type APIEmbed } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { followStore } from "../../src/db/follows.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { addModeratorPapers, harnessDeps, moderatorEntry, runDigest } from "../support/digest.js";
import { DEFAULT_EVERYONE_PERMISSIONS, DEFAULT_GUILD } from "../support/harness/index.js";
import { chatInput, option } from "../support/interactions.js";
import { send } from "../support/e2e.js";

const DIGEST_CHANNEL = "1200000000000000011";
const MOD = { id: "1300000000000000201", username: "mod" };
const MODERATOR = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();
const SUNDAY = new Date("2026-11-29T11:00:00Z");

let t: TestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function seed(locale: "en" | "ja" = "en", setup: (app: ReturnType<typeof createTestApp>) => void = () => {}): string {
  const databasePath = join(tempDir("paperbot-digest-retest-"), "paperbot.db");
  const app = createTestApp({ DATABASE_PATH: databasePath });
  addModeratorPapers(app, [moderatorEntry(1)], new Date("2026-11-25T10:00:00Z"));
  digestStore(app.db).setGuild({
    guildId: DEFAULT_GUILD.id,
    channelId: DIGEST_CHANNEL,
    weekday: 1,
    time: "09:00",
    timeZone: "UTC",
    locale,
    updatedBy: "1",
    updatedAt: "2026-11-01T00:00:00Z",
  });
  setup(app);
  app.close();
  return databasePath;
}

const MONDAY_11 = new Date("2026-11-30T11:00:00Z");
type Clock = ReturnType<typeof fixedClock>;

async function start(databasePath: string, clock: Clock | Date = SUNDAY): Promise<TestBot> {
  t = await startTestBot({
    clock: clock instanceof Date ? fixedClock(clock) : clock,
    env: { DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example" },
  });
  return t;
}

type Options = Parameters<typeof option.subcommand>[1];
const digest = (bot: TestBot, sub: string, options: Options = [], locale: "en-US" | "ja" = "en-US") =>
  send(bot, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, locale, options: [option.subcommand(sub, options)] }));

describe("/digest status: skip and failure reasons", () => {
  const LEGACY_SKIP = "not running at 2026-11-23T09:00:00.000Z; more than DIGEST_CATCHUP_HOURS (24 h) late";
  const statusFields = async (bot: TestBot, locale: "en-US" | "ja") =>
    Object.fromEntries(
      ((await digest(bot, "status", [], locale)).data.embeds?.[0]?.fields ?? []).map((field) => [field.name, field.value]),
    );

  it("a failure on the old digest channel that the same week's send to the new one superseded is no longer the last failure", async () => {
    const clock = fixedClock(SUNDAY);
    const bot = await start(seed("en"), clock);
    bot.harness.addChannel("1200000000000000014");
    bot.harness.respondWith(
      { method: "POST", path: `/channels/${DIGEST_CHANNEL}/messages` },
      { status: 403, body: { code: 50013, message: "Missing Permissions" } },
    );
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    const deps = harnessDeps(bot.bot.app, bot.harness.apiUrl, clock);
    expect(await runDigest(deps, { force: false })).toMatchObject({ failed: 1 });
    expect((await statusFields(bot, "en-US"))["Last failure"]).toMatch(/2026-W48: failed .*may not post/);
    await digest(bot, "set", [option.channel("channel", "1200000000000000014")]);
    clock.advance(60_000);
    expect(await runDigest(deps, { force: false })).toMatchObject({ sent: 1 });
    const after = await statusFields(bot, "en-US");
    expect(after["Last run"]).toMatch(/^<#1200000000000000014>: 2026-W48: sent/);
    expect(after["Last failure"]).toBe("none");
  });

  it("a skip that a later successful send to the same channel superseded no longer shows as the last failure", async () => {
    const databasePath = seed("en", (app) =>
      digestStore(app.db).skip("2026-W47", "channel", DIGEST_CHANNEL, DEFAULT_GUILD.id, LEGACY_SKIP, new Date("2026-11-29T11:00:00Z")),
    );
    const clock = fixedClock(SUNDAY);
    const bot = await start(databasePath, clock);
    expect((await statusFields(bot, "en-US"))["Last failure"]).toMatch(/^2026-W47: skipped/);
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    expect(await runDigest(harnessDeps(bot.bot.app, bot.harness.apiUrl, clock), { force: false })).toMatchObject({ sent: 1 });
    const after = await statusFields(bot, "en-US");
    expect(after["Last run"]).toMatch(/^2026-W48: sent/);
    expect(after["Last failure"]).toBe("none");
  });
});

describe("/digest status with many channels", () => {
  const FOLLOWED = Array.from({ length: 50 }, (_, i) => String(1200000000000000100n + BigInt(i)));
  const embedTotal = (embed: APIEmbed) =>
    [embed.title ?? "", ...(embed.fields ?? []).flatMap((field) => [field.name, field.value])].reduce(
      (sum, text) => sum + [...text].length,
      0,
    );
  const listed = (value: string) => value.split("\n").filter((line) => line.startsWith("<#")).length;
  const more = (value: string, pattern: RegExp) => Number(pattern.exec(value)?.[1] ?? 0);

  it("50 failing followed channels: every list fits Discord's limits, the server's own channel comes first, and '…and N more' counts the rest", async () => {
    const databasePath = seed("en", (app) => {
      const follows = followStore(app.db);
      for (const channelId of FOLLOWED)
        follows.followChannel(
          { channelId, guildId: DEFAULT_GUILD.id, topic: "", createdBy: MOD.id, roleId: null, locale: "en" },
          new Date("2026-11-01T00:00:00Z"),
        );
    });
    const clock = fixedClock(SUNDAY);
    const bot = await start(databasePath, clock);
    const before = (await digest(bot, "status")).data.embeds?.[0]?.fields?.[0]?.value ?? "";
    expect([...before].length).toBeLessThanOrEqual(1024);
    expect(before.startsWith(`<#${DIGEST_CHANNEL}>, `)).toBe(true);
    expect(before.split(", ").filter((item) => item.startsWith("<#")).length + more(before, /…and (\d+) more channels$/m)).toBe(51);
    bot.harness.respondWith((request) => request.method === "POST" && /^\/channels\/12000000000000001\d\d\/messages$/.test(request.path), {
      status: 403,
      body: { code: 50001, message: "Missing Access" },
    });
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    expect(await runDigest(harnessDeps(bot.bot.app, bot.harness.apiUrl, clock), { force: false })).toMatchObject({ sent: 1, failed: 50 });

    for (const [locale, pattern] of [
      ["en-US", /…and (\d+) more channels$/m],
      ["ja", /…ほか (\d+) チャンネル$/m],
    ] as const) {
      const embed = (await digest(bot, "status", [], locale)).data.embeds?.[0];
      if (!embed) throw new Error("no embed");
      const fields = embed.fields ?? [];
      expect(fields.length).toBeLessThanOrEqual(25);
      expect(embedTotal(embed)).toBeLessThanOrEqual(6000);
      for (const field of fields) expect([...field.value].length).toBeLessThanOrEqual(1024);
      const [channel, paused, , , , last] = fields;
      expect(channel?.value.startsWith(`<#${DIGEST_CHANNEL}>`)).toBe(true);
      expect(channel?.value).toBe(`<#${DIGEST_CHANNEL}>`);
      // Every paused channel is listed whole or counted, and the hint still ends the field.
      const pausedLines = (paused?.value ?? "").split("\n");
      expect(pausedLines.at(-1)).toMatch(/\/follow channel:/);
      expect(pausedLines.filter((line) => line.startsWith("<#")).every((line) => / \(2026-11-30 11:00 UTC\)$/.test(line))).toBe(true);
      expect(listed(paused?.value ?? "") + more(paused?.value ?? "", pattern)).toBe(50);
      expect(more(paused?.value ?? "", pattern)).toBeGreaterThan(0);
      expect(last?.value.split("\n")[0]).toMatch(new RegExp(`^<#${DIGEST_CHANNEL}>: 2026-W48: `));
      expect(listed(last?.value ?? "") + more(last?.value ?? "", pattern)).toBe(51);
      expect(more(last?.value ?? "", pattern)).toBeGreaterThan(0);
    }
  });
});
