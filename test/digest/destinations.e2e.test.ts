/** Digest runs posting to the loopback Discord: failing destinations, missed weeks, moved channels, languages (the /digest replies alone: test/commands/digest-settings.test.ts). */
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
const FOLLOWED_GONE = "1200000000000000012";
const MOVED_TO = "1200000000000000014";
const MOD = { id: "1300000000000000201", username: "mod" };
const MODERATOR = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();
/** Sunday of 2026-W48: nothing is due when the bot starts (W47's publication is long past the window). */
const SUNDAY = new Date("2026-11-29T11:00:00Z");
const MONDAY_11 = new Date("2026-11-30T11:00:00Z");

type Clock = ReturnType<typeof fixedClock>;

let t: TestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A database with a guild digest in #11 (Monday 09:00 UTC) since November, and one moderator paper in W48. */
function seed(setup: (app: ReturnType<typeof createTestApp>) => void = () => {}): string {
  const dir = tempDir("paperbot-digest-dest-");
  const databasePath = join(dir, "paperbot.db");
  const app = createTestApp({ DATABASE_PATH: databasePath });
  addModeratorPapers(app, [moderatorEntry(1)], new Date("2026-11-25T10:00:00Z"));
  digestStore(app.db).setGuild({
    guildId: DEFAULT_GUILD.id,
    channelId: DIGEST_CHANNEL,
    weekday: 1,
    time: "09:00",
    timeZone: "UTC",
    locale: "en",
    updatedBy: "1",
    updatedAt: "2026-11-01T00:00:00Z",
  });
  setup(app);
  app.close();
  return databasePath;
}

async function start(databasePath: string, clock: Clock): Promise<TestBot> {
  t = await startTestBot({ clock, env: { DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example" } });
  return t;
}

async function digest(bot: TestBot, sub: string, options: ReturnType<typeof option.channel>[] = []) {
  return send(bot, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, options: [option.subcommand(sub, options)] }));
}

async function status(bot: TestBot): Promise<Record<string, string>> {
  const body = await digest(bot, "status");
  return Object.fromEntries((body.data.embeds?.[0]?.fields ?? []).map((field) => [field.name, field.value]));
}

const titles = (bot: TestBot, channel: string) =>
  bot.harness.messagesIn(channel).map((message) => (message.embeds as APIEmbed[])[0]?.title);
const run = (bot: TestBot, clock: Clock, force = false) => runDigest(harnessDeps(bot.bot.app, bot.harness.apiUrl, clock), { force });

describe("a failing destination never stops the guild's own digest channel", () => {
  it("a deleted /follow channel is paused on its own: #11 gets W48 and W49, status shows both channels apart", async () => {
    const databasePath = seed((app) =>
      followStore(app.db).followChannel(
        { channelId: FOLLOWED_GONE, guildId: DEFAULT_GUILD.id, topic: "", createdBy: MOD.id, roleId: null, locale: "en" },
        new Date("2026-11-01T00:00:00Z"),
      ),
    );
    const clock = fixedClock(SUNDAY);
    const bot = await start(databasePath, clock);
    bot.harness.respondWith(
      { method: "POST", path: `/channels/${FOLLOWED_GONE}/messages` },
      { status: 404, body: { code: 10003, message: "Unknown Channel" } },
    );
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    expect(await run(bot, clock)).toMatchObject({ sent: 1, failed: 1 });
    expect(titles(bot, DIGEST_CHANNEL)).toEqual(["LLM papers digest · 2026-W48"]);

    const fields = await status(bot);
    expect(fields["Channel"]).toBe(`<#${DIGEST_CHANNEL}>`);
    expect(fields["Paused channels"]).toMatch(new RegExp(`^<#${FOLLOWED_GONE}>: the channel no longer exists \\(Discord 404 10003\\)`));
    expect(fields["Paused channels"]).toContain("/follow channel:");
    expect(fields["Next run"]).toBe("Mon 2026-12-07 09:00 (UTC) · 2026-W49");
    expect(fields["Last run"]).toContain(`<#${DIGEST_CHANNEL}>: 2026-W48: sent (1 message)`);
    expect(fields["Last run"]).toContain(`<#${FOLLOWED_GONE}>: 2026-W48: failed`);
    expect(fields["Last failure"]).toMatch(new RegExp(`^<#${FOLLOWED_GONE}>: 2026-W48: failed`));

    clock.advance(7 * 86_400_000 - 3_600_000); // Monday 2026-12-07 10:00
    expect(await run(bot, clock)).toMatchObject({ sent: 1, failed: 0 });
    expect(titles(bot, DIGEST_CHANNEL)).toEqual(["LLM papers digest · 2026-W48", "LLM papers digest · 2026-W49"]);
    expect(bot.harness.requests.filter((request) => request.path === `/channels/${FOLLOWED_GONE}/messages`)).toHaveLength(1);
  });
});

describe("a missed week goes out once the moderator fixes the cause", () => {
  it("after /digest set, the failed W48 goes out (the reply and status say so); --now covers it too; never twice", async () => {
    const databasePath = seed();
    const clock = fixedClock(SUNDAY);
    const bot = await start(databasePath, clock);
    bot.harness.respondWith(
      { method: "POST", path: `/channels/${DIGEST_CHANNEL}/messages` },
      { status: 403, body: { code: 50013, message: "Missing Permissions" } },
      { times: 1 },
    );
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    expect(await run(bot, clock)).toMatchObject({ failed: 1 });
    expect((await status(bot))["Channel"]).toMatch(/^Paused: .*50013/);

    const set = await digest(bot, "set", [option.channel("channel", DIGEST_CHANNEL)]);
    expect(set.data.content).toBe(
      `The digest goes to <#${DIGEST_CHANNEL}> every Monday at 09:00 (UTC). 2026-W48, which this server has not had yet, goes out within a minute; after that: Mon 2026-12-07 09:00 (UTC) · 2026-W49.\nLanguage: English (\`/digest set language:\` changes it).`,
    );
    expect((await status(bot))["Next run"]).toBe("2026-W48, missed by this server, goes out within a minute");
    clock.advance(60_000);
    expect(await run(bot, clock)).toMatchObject({ sent: 1 });
    expect(titles(bot, DIGEST_CHANNEL)).toEqual(["LLM papers digest · 2026-W48"]);
    expect((await status(bot))["Next run"]).toBe("Mon 2026-12-07 09:00 (UTC) · 2026-W49");
    clock.advance(60_000);
    expect(await run(bot, clock, true)).toMatchObject({ due: 0 });
    expect(await run(bot, clock)).toMatchObject({ due: 0 });
    expect(titles(bot, DIGEST_CHANNEL)).toHaveLength(1);
  });

  it("`digest run --now` sends last week's edition to a destination whose earlier try failed for good", async () => {
    const databasePath = seed();
    const clock = fixedClock(SUNDAY);
    const bot = await start(databasePath, clock);
    // A rejected post that pauses nothing (400) and is not retried by scheduled runs.
    bot.harness.respondWith(
      { method: "POST", path: `/channels/${DIGEST_CHANNEL}/messages` },
      { status: 400, body: { code: 50035, message: "Invalid Form Body" } },
      { times: 1 },
    );
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    expect(await run(bot, clock)).toMatchObject({ failed: 1 });
    clock.advance(60_000);
    expect(await run(bot, clock)).toMatchObject({ due: 0 });
    expect(await run(bot, clock, true)).toMatchObject({ due: 1, sent: 1 });
    expect(await run(bot, clock, true)).toMatchObject({ due: 0 });
    expect(titles(bot, DIGEST_CHANNEL)).toEqual(["LLM papers digest · 2026-W48"]);
  });
});

describe("moving the digest to another channel", () => {
  it("posts each edition to the server once: W48 sent to #11 is not posted again to #14; status agrees", async () => {
    const databasePath = seed();
    const clock = fixedClock(SUNDAY);
    const bot = await start(databasePath, clock);
    bot.harness.addChannel(MOVED_TO);
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    expect(await run(bot, clock)).toMatchObject({ sent: 1 });
    const set = await digest(bot, "set", [
      option.channel("channel", MOVED_TO),
      option.string("day", "tuesday"),
      option.string("time", "08:00"),
    ]);
    expect(set.data.content).toBe(
      `The digest goes to <#${MOVED_TO}> every Tuesday at 08:00 (UTC). Next: Tue 2026-12-08 08:00 (UTC).\nLanguage: English (\`/digest set language:\` changes it).`,
    );
    const fields = await status(bot);
    expect(fields["Next run"]).toBe("Tue 2026-12-08 08:00 (UTC) · 2026-W49");
    expect(fields["Last run"]).toContain("2026-W48: sent");

    clock.advance(21.5 * 3_600_000); // Tuesday 08:30
    expect(await run(bot, clock)).toMatchObject({ due: 0 });
    clock.advance(7 * 86_400_000); // Tuesday 2026-12-08 08:30
    expect(await run(bot, clock)).toMatchObject({ sent: 1 });
    expect(titles(bot, DIGEST_CHANNEL)).toEqual(["LLM papers digest · 2026-W48"]);
    expect(titles(bot, MOVED_TO)).toEqual(["LLM papers digest · 2026-W49"]);
  });
});

describe("languages", () => {
  it("a channel followed in Japanese gets the digest in Japanese, like its alerts, beside the guild's English channel", async () => {
    const JA_CHANNEL = "1200000000000000013";
    const databasePath = seed((app) =>
      followStore(app.db).followChannel(
        { channelId: JA_CHANNEL, guildId: DEFAULT_GUILD.id, topic: "", createdBy: MOD.id, roleId: null, locale: "ja" },
        new Date("2026-11-01T00:00:00Z"),
      ),
    );
    const clock = fixedClock(SUNDAY);
    const bot = await start(databasePath, clock);
    bot.harness.addChannel(JA_CHANNEL);
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    expect(await run(bot, clock)).toMatchObject({ sent: 2 });
    expect(titles(bot, DIGEST_CHANNEL)).toEqual(["LLM papers digest · 2026-W48"]);
    expect(titles(bot, JA_CHANNEL)).toEqual(["LLM 論文ダイジェスト · 2026-W48"]);
    const urls = JSON.stringify(bot.harness.messagesIn(JA_CHANNEL).map((message) => message.components));
    expect(urls).toContain('"url":"https://paperbot.example/digest/2026-W48/ja"');
  });
});
