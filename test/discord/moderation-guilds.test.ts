/** MODERATION_GUILD_IDS: Manage Server in someone else's server must not moderate the one shared reading list (handlers driven directly). */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { DEFAULT_GUILD } from "../support/harness/ids.js";
import { testEnv } from "../support/app.js";
import { textOf, useDirect, who } from "../support/direct.js";

const OTHER_GUILD = "1100000000000000555";
const OTHER_CHANNEL = "1200000000000000550";
/** An admin (Manage Server) of a second server the bot is in. */
const STRANGER = {
  userId: "1300000000000000777",
  username: "other-server-owner",
  canManageGuild: true,
  guildId: OTHER_GUILD,
  channelId: OTHER_CHANNEL,
};

describe("where moderation works", () => {
  it("MODERATION_GUILD_IDS is validated with the rest of the config", () => {
    expect(parseConfig(testEnv({ MODERATION_GUILD_IDS: ` ${DEFAULT_GUILD.id} , 1100000000000000556` })).moderation.guildIds).toEqual([
      DEFAULT_GUILD.id,
      "1100000000000000556",
    ]);
    expect(parseConfig(testEnv()).moderation.guildIds).toEqual([]);
    expect(() => parseConfig(testEnv({ MODERATION_GUILD_IDS: "my-server", MODERATOR_ROLE_ID: "mods" }))).toThrow(
      /MODERATION_GUILD_IDS \("my-server"\): expected server \(guild\) ids[\s\S]*MODERATOR_ROLE_ID|MODERATOR_ROLE_ID[\s\S]*MODERATION_GUILD_IDS \("my-server"\): expected server \(guild\) ids/,
    );
  });

  it("with MODERATION_GUILD_IDS set, another server's admin is refused privately (en, ja) and nothing changes; the home server still moderates", async () => {
    const t = useDirect({ env: { MODERATION_GUILD_IDS: DEFAULT_GUILD.id } });
    const lora = t.ctx.catalog.get("lora")?.summary.en;
    for (const name of ["paper-add", "paper-edit", "paper-remove", "review"]) {
      const options = name === "paper-add" ? { arxiv: "1207.7214" } : name === "review" ? {} : { paper: "lora" };
      const refused = await t.run(name, options, STRANGER);
      expect(refused).toMatchObject({
        kind: "reply",
        private: true,
        content:
          "The shared reading list is moderated only from its home server (MODERATION_GUILD_IDS), and this server is not one of them. Nothing was changed.",
      });
    }
    const ja = await t.run("review", {}, { ...STRANGER, locale: "ja" });
    expect(textOf(ja)).toBe(
      "共有の論文リストは管理用サーバー (MODERATION_GUILD_IDS) からのみ管理できます。このサーバーはそれに含まれていません。何も変更していません。",
    );
    // A server the bot has not even cached is refused the same way.
    const uncached = await t.run(
      "review",
      {},
      { userId: "1300000000000000778", username: "x", canManageGuild: true, guildId: "1100000000000000666", channelId: null },
    );
    expect(textOf(uncached)).toMatch(/moderated only from its home server/);
    expect(t.ctx.catalog.get("lora")?.summary.en).toBe(lora);
    expect(t.ctx.moderation.audit.latest(5)).toEqual([]);

    const home = await t.run("review", {}, who.moderator);
    expect(textOf(home)).toBe("No candidates are waiting for review.");
  });

  it("with MODERATION_GUILD_IDS set, another server's admin still runs that server's own settings: /digest, /follow channel:, /unfollow channel:", async () => {
    const t = useDirect({ env: { MODERATION_GUILD_IDS: DEFAULT_GUILD.id } });
    const follow = await t.run("follow", { channel: OTHER_CHANNEL, topic: "retrieval" }, STRANGER);
    expect(textOf(follow)).toMatch(/<#1200000000000000550> now gets .*Retrieval/);
    const set = await t.run("digest", { set: "set", channel: OTHER_CHANNEL }, STRANGER);
    expect(textOf(set)).not.toMatch(/MODERATION_GUILD_IDS|Only moderators/);
    expect(t.ctx.digest.guild(OTHER_GUILD)?.channelId).toBe(OTHER_CHANNEL);
    for (const sub of ["status", "preview"]) {
      const answer = await t.run("digest", { [sub]: sub }, STRANGER);
      expect(JSON.stringify(answer)).not.toMatch(/MODERATION_GUILD_IDS|Only moderators/);
    }
    const unfollow = await t.run("unfollow", { channel: OTHER_CHANNEL, topic: "retrieval" }, { ...STRANGER, locale: "ja" });
    expect(textOf(unfollow)).not.toMatch(/モデレーター/);
    expect(t.ctx.follows.channelFollowsInGuild(OTHER_GUILD).filter((follow) => follow.topic === "retrieval")).toEqual([]);
    // A member without Manage Server there is still refused, for the reason that applies.
    const member = await t.run(
      "follow",
      { channel: OTHER_CHANNEL },
      { ...STRANGER, userId: "1300000000000000779", username: "member", canManageGuild: false },
    );
    expect(textOf(member)).toMatch(/^Only moderators/);
    // The shared list's /watch is refused there with the real reason, in en and ja.
    const watch = await t.run("watch", { status: "status" }, STRANGER);
    expect(textOf(watch)).toBe(
      "The arXiv watch feeds the shared reading list, which is moderated only from its home server (MODERATION_GUILD_IDS); this server is not one of them.",
    );
    const watchJa = await t.run("watch", { status: "status" }, { ...STRANGER, locale: "ja" });
    expect(textOf(watchJa)).toMatch(/^arXiv ウォッチは共有の論文リスト/);
  });
});
