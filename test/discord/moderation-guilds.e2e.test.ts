/** MODERATION_GUILD_IDS and the servers the gateway says the bot is in (the refusals themselves: moderation-guilds.test.ts). */
import { afterEach, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/bot.js";
import { DEFAULT_GUILD } from "../support/harness/index.js";
import { command, MANAGE_GUILD } from "../support/moderation.js";

const OTHER_GUILD = "1100000000000000555";
const OTHER_CHANNEL = "1200000000000000550";
const STRANGER = {
  user: { id: "1300000000000000777", username: "other-server-owner" },
  memberPermissions: MANAGE_GUILD,
  guildId: OTHER_GUILD,
  channelId: OTHER_CHANNEL,
};

/** The bot is invited to a second server: Discord sends GUILD_CREATE; resolves once discord.js has cached it. */
async function joinSecondGuild(t: TestBot): Promise<void> {
  t.harness.dispatch("GUILD_CREATE", {
    ...structuredClone(DEFAULT_GUILD),
    id: OTHER_GUILD,
    name: "someone else's server",
    owner_id: STRANGER.user.id,
    channels: [{ id: OTHER_CHANNEL, type: 0, name: "general", guild_id: OTHER_GUILD, position: 0, permission_overwrites: [] }],
    roles: [
      {
        id: OTHER_GUILD,
        name: "@everyone",
        permissions: "0",
        position: 0,
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
        icon: null,
        unicode_emoji: null,
      },
    ],
  });
  await expect.poll(() => t.bot.client.guilds.cache.has(OTHER_GUILD), { timeout: 5000 }).toBe(true);
}

describe("where moderation works", () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
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
    expect(
      t.logs.records.filter((record) => String(record["msg"]).startsWith("MODERATION_GUILD_IDS")).map((record) => record["msg"]),
    ).toEqual([]);
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
