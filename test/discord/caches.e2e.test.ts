/** src/discord/caches.ts: with the lean caches every feature still works, and the caches keep what the bot reads only. */
import { describe, expect, it } from "vitest";
import { ChannelType, PermissionFlagsBits, type APIChatInputApplicationCommandInteraction } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { DEFAULT_EVERYONE_PERMISSIONS, DEFAULT_GUILD, snowflake } from "../support/harness/index.js";
import { chatInput, option, type ChatInputInit } from "../support/interactions.js";
import { useTestBot, type TestBot } from "../support/bot.js";
import { send } from "../support/e2e.js";
import { MOD_ROLE } from "../support/moderation.js";

const PAPERS = "1200000000000000011";
const MANAGER = { id: "1300000000000000301", username: "manager" };
const ROLE_MOD = { id: "1300000000000000302", username: "role-mod" };
const MEMBER = { id: "1300000000000000303", username: "member" };
const MANAGE_GUILD = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();

/** A command run inside a thread (of #papers, or a post of a forum channel) instead of a text channel. */
function inThread(init: ChatInputInit, parent: { id: string; forum: boolean }): APIChatInputApplicationCommandInteraction {
  const threadId = snowflake();
  const payload = chatInput({ ...init, channelId: threadId, channelName: parent.forum ? "a forum post" : "reading group" });
  return {
    ...payload,
    channel: {
      ...payload.channel,
      type: ChannelType.PublicThread,
      parent_id: parent.id,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: "2026-01-01T00:00:00.000000+00:00",
        locked: false,
      },
      ...(parent.forum ? { applied_tags: [] } : {}),
    },
  } as APIChatInputApplicationCommandInteraction;
}

const FORUM = { id: "1200000000000000020", forum: true };
const THREAD_OF_PAPERS = { id: PAPERS, forum: false };

function expectLean(t: TestBot): void {
  const client = t.bot.client;
  const guild = client.guilds.cache.get(DEFAULT_GUILD.id);
  expect(guild).toBeDefined();
  expect([...client.channels.cache.values()].filter((channel) => !channel.isDMBased())).toEqual([]);
  expect(guild?.channels.cache.size).toBe(0);
  expect(guild?.roles.cache.size).toBe(0);
  expect(guild?.emojis.cache.size).toBe(0);
  expect(guild?.stickers.cache.size).toBe(0);
  expect(guild?.presences.cache.size).toBe(0);
  expect([...(guild?.members.cache.keys() ?? [])]).toEqual([client.user?.id]);
  expect([...client.users.cache.keys()]).toEqual([client.user?.id]);
}

describe("lean caches", () => {
  it("moderators by Manage Server or by role (never cached) subscribe channels and set the digest from threads and forum posts", async () => {
    const t = await useTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE } });

    // The moderator role was never announced to the bot: the member's role ids come with the interaction.
    const byRole = await send(
      t,
      inThread(
        {
          name: "follow",
          user: ROLE_MOD,
          memberRoles: [MOD_ROLE],
          options: [option.string("topic", "retrieval"), option.channel("channel", PAPERS)],
        },
        THREAD_OF_PAPERS,
      ),
    );
    expect(byRole.data.content ?? JSON.stringify(byRole.data.embeds)).not.toMatch(/Only moderators/);
    expect(t.bot.ctx.follows.channelFollows(PAPERS)).toHaveLength(1);

    const refused = await send(t, inThread({ name: "follow", user: MEMBER, options: [option.channel("channel", PAPERS)] }, FORUM));
    expect(refused.data.content).toMatch(/^Only moderators/);

    const digest = await send(
      t,
      inThread(
        {
          name: "digest",
          user: MANAGER,
          memberPermissions: MANAGE_GUILD,
          options: [option.subcommand("set", [option.channel("channel", PAPERS), option.string("timezone", "Asia/Tokyo")])],
        },
        FORUM,
      ),
    );
    expect(digest.data.flags).toBeDefined();
    expect(digestStore(t.bot.app.db).guild(DEFAULT_GUILD.id)?.channelId).toBe(PAPERS);

    expectLean(t);
  });

  it("answers in the member's locale in threads and forum posts, and a DM conversation still gets its reply", async () => {
    const t = await useTestBot();
    const ja = await send(t, inThread({ name: "paper", locale: "ja", options: [option.string("query", "lora")] }, FORUM));
    expect(JSON.stringify(ja.data.embeds)).toMatch(/[\u3040-\u30ff]/);
    const en = await send(t, inThread({ name: "paper", locale: "en-US", options: [option.string("query", "lora")] }, THREAD_OF_PAPERS));
    expect(en.data.embeds?.[0]?.title).toMatch(/LoRA/);
    expect(JSON.stringify(en.data.embeds)).not.toMatch(/[\u3040-\u30ff]/);
    expectLean(t);
  });
});
