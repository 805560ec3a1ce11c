/** MODERATION_GUILD_IDS: Manage Server in someone else's server must not moderate the one shared reading list. */
import { afterEach, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { parseConfig } from "../../src/config.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { DEFAULT_GUILD } from "../support/harness/index.js";
import { option } from "../support/interactions.js";
import { as, command, MANAGE_GUILD } from "../support/moderation.js";
import { testEnv } from "../support/app.js";

const OTHER_GUILD = "1100000000000000555";
const OTHER_CHANNEL = "1200000000000000550";
const STRANGER = { user: { id: "1300000000000000777", username: "other-server-owner" }, memberPermissions: MANAGE_GUILD, guildId: OTHER_GUILD, channelId: OTHER_CHANNEL };

/** The bot is invited to a second server: Discord sends GUILD_CREATE; resolves once discord.js has cached it. */
async function joinSecondGuild(t: TestBot): Promise<void> {
  t.harness.dispatch("GUILD_CREATE", {
    ...structuredClone(DEFAULT_GUILD),
    id: OTHER_GUILD,
    name: "someone else's server",
    owner_id: STRANGER.user.id,
    channels: [{ id: OTHER_CHANNEL, type: 0, name: "general", guild_id: OTHER_GUILD, position: 0, permission_overwrites: [] }],
    roles: [{ id: OTHER_GUILD, name: "@everyone", permissions: "0", position: 0, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, managed: false, mentionable: false, flags: 0, icon: null, unicode_emoji: null }],
  });
  await expect.poll(() => t.bot.client.guilds.cache.has(OTHER_GUILD), { timeout: 5000 }).toBe(true);
}

describe("where moderation works", () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("MODERATION_GUILD_IDS is validated with the rest of the config", () => {
    expect(parseConfig(testEnv({ MODERATION_GUILD_IDS: ` ${DEFAULT_GUILD.id} , 1100000000000000556` })).moderation.guildIds).toEqual([DEFAULT_GUILD.id, "1100000000000000556"]);
    expect(parseConfig(testEnv()).moderation.guildIds).toEqual([]);
    expect(() => parseConfig(testEnv({ MODERATION_GUILD_IDS: "my-server", MODERATOR_ROLE_ID: "mods" }))).toThrow(/MODERATION_GUILD_IDS \("my-server"\): expected server \(guild\) ids[\s\S]*MODERATOR_ROLE_ID|MODERATOR_ROLE_ID[\s\S]*MODERATION_GUILD_IDS \("my-server"\): expected server \(guild\) ids/);
  });

  it("with MODERATION_GUILD_IDS set, another server's admin is refused privately (en, ja) and nothing changes; the home server still moderates", async () => {
    t = await startTestBot({ env: { MODERATION_GUILD_IDS: DEFAULT_GUILD.id } });
    await joinSecondGuild(t);
    const lora = t.bot.ctx.catalog.get("lora")?.summary.en;
    for (const name of ["paper-add", "paper-edit", "paper-remove", "review"]) {
      const options = name === "paper-add" ? [option.string("arxiv", "1207.7214")] : name === "review" ? [] : [option.string("paper", "lora")];
      const refused = await command(t, { name, ...STRANGER, options });
      expect(refused.body.data).toMatchObject({ flags: MessageFlags.Ephemeral, content: "The shared reading list is moderated only from its home server (MODERATION_GUILD_IDS), and this server is not one of them. Nothing was changed." });
    }
    const ja = await command(t, { name: "review", ...STRANGER, locale: "ja" });
    expect(ja.body.data.content).toBe("共有の論文リストは管理用サーバー (MODERATION_GUILD_IDS) からのみ管理できます。このサーバーはそれに含まれていません。何も変更していません。");
    // A server the bot has not even cached is refused the same way.
    const uncached = await command(t, { name: "review", user: { id: "1300000000000000778", username: "x" }, memberPermissions: MANAGE_GUILD, guildId: "1100000000000000666" });
    expect(uncached.body.data.content).toMatch(/moderated only from its home server/);
    expect(t.bot.ctx.catalog.get("lora")?.summary.en).toBe(lora);
    expect(t.bot.ctx.moderation.audit.latest(5)).toEqual([]);

    const home = await command(t, { name: "review", ...as.moderator });
    expect(home.body.data.content).toBe("No candidates are waiting for review.");
  });

  it("with MODERATION_GUILD_IDS set, another server's admin still runs that server's own settings: /digest, /follow channel:, /unfollow channel:", async () => {
    t = await startTestBot({ env: { MODERATION_GUILD_IDS: DEFAULT_GUILD.id } });
    await joinSecondGuild(t);
    const follow = await command(t, { name: "follow", ...STRANGER, options: [option.channel("channel", OTHER_CHANNEL), option.string("topic", "retrieval")] });
    expect(follow.body.data.content).toMatch(/<#1200000000000000550> now gets .*Retrieval/);
    const set = await command(t, { name: "digest", ...STRANGER, options: [option.subcommand("set", [option.channel("channel", OTHER_CHANNEL)])] });
    expect(set.body.data.content).not.toMatch(/MODERATION_GUILD_IDS|Only moderators/);
    expect(t.bot.ctx.digest.guild(OTHER_GUILD)?.channelId).toBe(OTHER_CHANNEL);
    for (const sub of ["status", "preview"]) {
      const answer = await command(t, { name: "digest", ...STRANGER, options: [option.subcommand(sub)] });
      expect(JSON.stringify(answer.body.data)).not.toMatch(/MODERATION_GUILD_IDS|Only moderators/);
    }
    const unfollow = await command(t, { name: "unfollow", ...STRANGER, locale: "ja", options: [option.channel("channel", OTHER_CHANNEL), option.string("topic", "retrieval")] });
    expect(unfollow.body.data.content).not.toMatch(/モデレーター/);
    expect(t.bot.ctx.follows.channelFollowsInGuild(OTHER_GUILD).filter((follow) => follow.topic === "retrieval")).toEqual([]);
    // A member without Manage Server there is still refused, for the reason that applies.
    const member = await command(t, { name: "follow", ...STRANGER, user: { id: "1300000000000000779", username: "member" }, memberPermissions: "0", options: [option.channel("channel", OTHER_CHANNEL)] });
    expect(member.body.data.content).toMatch(/^Only moderators/);
    // The shared list's /watch is refused there with the real reason, in en and ja.
    const watch = await command(t, { name: "watch", ...STRANGER, options: [option.subcommand("status")] });
    expect(watch.body.data.content).toBe("The arXiv watch feeds the shared reading list, which is moderated only from its home server (MODERATION_GUILD_IDS); this server is not one of them.");
    const watchJa = await command(t, { name: "watch", ...STRANGER, locale: "ja", options: [option.subcommand("status")] });
    expect(watchJa.body.data.content).toMatch(/^arXiv ウォッチは共有の論文リスト/);
  });

  it("MODERATION_GUILD_IDS naming no server the bot is in is warned about once the guild list is known, and again when that changes", async () => {
    t = await startTestBot({ env: { MODERATION_GUILD_IDS: OTHER_GUILD } });
    const logs = (start: string) => t?.logs.records.filter((record) => String(record["msg"]).startsWith(start)) ?? [];
    const noServer = () => logs("MODERATION_GUILD_IDS names no server the bot is in");
    await expect.poll(() => noServer().length, { timeout: 5000 }).toBe(1);
    expect(noServer()[0]).toMatchObject({ level: "warn", moderationGuildIds: [OTHER_GUILD], guilds: 1 });
    expect(String(noServer()[0]?.["msg"])).toMatch(/nobody can add, edit, remove or review papers/);
    await joinSecondGuild(t);
    await expect.poll(() => logs("MODERATION_GUILD_IDS: the bot is now in a moderation server").length, { timeout: 5000 }).toBe(1);
    t.harness.dispatch("GUILD_DELETE", { id: OTHER_GUILD });
    await expect.poll(() => noServer().length, { timeout: 5000 }).toBe(2);
  });

  it("MODERATION_GUILD_IDS naming a server the bot is in gives no such warning", async () => {
    t = await startTestBot({ env: { MODERATION_GUILD_IDS: `${OTHER_GUILD},${DEFAULT_GUILD.id}` } });
    await joinSecondGuild(t);
    expect(t.logs.records.filter((record) => String(record["msg"]).startsWith("MODERATION_GUILD_IDS")).map((record) => record["msg"])).toEqual([]);
  });

  it("unset, a bot in more than one server warns once in the log, and today's behaviour is kept", async () => {
    t = await startTestBot();
    const warnings = () => t?.logs.records.filter((record) => String(record["msg"]).startsWith("MODERATION_GUILD_IDS is not set")) ?? [];
    expect(warnings()).toHaveLength(0);
    await joinSecondGuild(t);
    await expect.poll(() => warnings().length, { timeout: 5000 }).toBe(1);
    expect(warnings()[0]).toMatchObject({ level: "warn", guilds: 2 });
    const allowed = await command(t, { name: "review", ...STRANGER });
    expect(allowed.body.data.content).toBe("No candidates are waiting for review.");
  });
});
