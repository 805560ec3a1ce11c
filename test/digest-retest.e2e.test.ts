import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PermissionFlagsBits } from "discord.js";
import { digestStore } from "../src/db/digest.js";
import { createTestApp, fixedClock, tempDir } from "./support/app.js";
import { startTestBot, type TestBot } from "./support/bot.js";
import { addModeratorPapers, moderatorEntry } from "./support/digest.js";
import { DEFAULT_EVERYONE_PERMISSIONS, DEFAULT_GUILD } from "./support/harness/index.js";
import { chatInput, option } from "./support/interactions.js";
import { send } from "./support/e2e.js";

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
  digestStore(app.db).setGuild({ guildId: DEFAULT_GUILD.id, channelId: DIGEST_CHANNEL, weekday: 1, time: "09:00", timeZone: "UTC", locale, updatedBy: "1", updatedAt: "2026-11-01T00:00:00Z" });
  setup(app);
  app.close();
  return databasePath;
}

async function start(databasePath: string, now: Date = SUNDAY): Promise<TestBot> {
  t = await startTestBot({ clock: fixedClock(now), env: { DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example" } });
  return t;
}

type Options = Parameters<typeof option.subcommand>[1];
const digest = (bot: TestBot, sub: string, options: Options = [], locale: "en-US" | "ja" = "en-US") =>
  send(bot, chatInput({ name: "digest", user: MOD, memberPermissions: MODERATOR, locale, options: [option.subcommand(sub, options)] }));

describe("/digest set timezone: IANA links", () => {
  it("accepts Japan (a ja moderator) as Asia/Tokyo and echoes Asia/Kolkata as typed", async () => {
    const bot = await start(seed());
    const japan = await digest(bot, "set", [option.channel("channel", DIGEST_CHANNEL), option.string("timezone", "Japan")], "ja");
    expect(japan.data.content).toMatch(/\(Asia\/Tokyo\)/);
    expect(japan.data.content).not.toMatch(/Europe\/Paris|略称/);
    expect(digestStore(bot.bot.app.db).guild(DEFAULT_GUILD.id)?.timeZone).toBe("Asia/Tokyo");
    const kolkata = await digest(bot, "set", [option.channel("channel", DIGEST_CHANNEL), option.string("timezone", "Asia/Kolkata")]);
    expect(kolkata.data.content).toMatch(/every Monday at 09:00 \(Asia\/Kolkata\)/);
    expect(kolkata.data.content).not.toMatch(/Calcutta/);
  });
});

describe("/digest set keeps the server's digest language", () => {
  it("a ja moderator resuming an English server's digest keeps it English, and the reply and status say so; language: changes it", async () => {
    const bot = await start(seed("en"));
    const resumed = await digest(bot, "set", [option.channel("channel", DIGEST_CHANNEL)], "ja");
    expect(digestStore(bot.bot.app.db).guild(DEFAULT_GUILD.id)?.locale).toBe("en");
    expect(resumed.data.content).toMatch(/\n言語: 英語 \(`\/digest set language:` で変更できます\)$/);
    const status = await digest(bot, "status", [], "ja");
    expect(status.data.embeds?.[0]?.fields).toContainEqual({ name: "言語", value: "英語" });
    const changed = await digest(bot, "set", [option.channel("channel", DIGEST_CHANNEL), option.string("language", "ja")]);
    expect(digestStore(bot.bot.app.db).guild(DEFAULT_GUILD.id)?.locale).toBe("ja");
    expect(changed.data.content).toMatch(/\nLanguage: Japanese \(`\/digest set language:` changes it\)\.$/);
  });

  it("the first /digest set takes the moderator's language, and says so", async () => {
    const databasePath = join(tempDir("paperbot-digest-retest-"), "paperbot.db");
    createTestApp({ DATABASE_PATH: databasePath }).close();
    const bot = await start(databasePath);
    const first = await digest(bot, "set", [option.channel("channel", DIGEST_CHANNEL)], "ja");
    expect(digestStore(bot.bot.app.db).guild(DEFAULT_GUILD.id)?.locale).toBe("ja");
    expect(first.data.content).toMatch(/言語: 日本語/);
  });
});

describe("/unfollow channel: on the server's own digest channel", () => {
  it("says the channel gets the digest through /digest set and points to /digest off (en and ja), followed or not", async () => {
    const bot = await start(seed("en"));
    const unfollow = (locale: "en-US" | "ja") =>
      send(bot, chatInput({ name: "unfollow", user: MOD, memberPermissions: MODERATOR, locale, options: [option.channel("channel", DIGEST_CHANNEL)] }));
    const en = await unfollow("en-US");
    expect(en.data.content).toBe(
      `<#${DIGEST_CHANNEL}> is this server's digest channel, set with \`/digest set\`, so it still gets the digest. \`/digest off\` stops the digest in this server; \`/digest set channel:\` moves it to another channel.`,
    );
    await send(bot, chatInput({ name: "follow", user: MOD, memberPermissions: MODERATOR, options: [option.channel("channel", DIGEST_CHANNEL)] }));
    const ja = await unfollow("ja");
    expect(ja.data.content).toMatch(/^<#1200000000000000011> は `\/digest set` で設定したこのサーバーのダイジェスト投稿先なので.*`\/digest off`/);
    expect(digestStore(bot.bot.app.db).guild(DEFAULT_GUILD.id)?.enabled).toBe(true);
  });
});
