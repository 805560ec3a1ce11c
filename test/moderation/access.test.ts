import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { parseConfig } from "../../src/config.js";
import { isModerator } from "../../src/moderation/permissions.js";
import { MEMBER, MOD_ROLE, MODERATOR, ROLE_MODERATOR } from "../support/moderation.js";
import { tempDir, testEnv } from "../support/app.js";
import { textOf, useDirect, who } from "../support/direct.js";

const PAPERS_CHANNEL = "1200000000000000011";

describe("who is a moderator", () => {
  const config = parseConfig(testEnv({ MODERATOR_ROLE_ID: `${MOD_ROLE}, 1200000000000000078` }));
  const ctx = { settings: { bundleRequiresFollow: true, buttonTtlMs: 1, moderatorRoleIds: config.moderation.roleIds } };
  const base = {
    userId: MEMBER.id,
    username: MEMBER.username,
    locale: "en" as const,
    guildId: "1200000000000000001",
    channelId: null,
    canManageGuild: false,
  };

  it("reads MODERATOR_ROLE_ID as a comma-separated list and rejects anything else", () => {
    expect(config.moderation.roleIds).toEqual([MOD_ROLE, "1200000000000000078"]);
    expect(parseConfig(testEnv()).moderation.roleIds).toEqual([]);
    expect(() => parseConfig(testEnv({ MODERATOR_ROLE_ID: "moderators" }))).toThrow(
      /MODERATOR_ROLE_ID \("moderators"\): expected role ids/,
    );
  });

  it("is Manage Server or one of the roles, and never outside a guild", () => {
    expect(isModerator(ctx, base)).toBe(false);
    expect(isModerator(ctx, { ...base, canManageGuild: true })).toBe(true);
    expect(isModerator(ctx, { ...base, roleIds: ["1200000000000000078"] })).toBe(true);
    expect(isModerator(ctx, { ...base, roleIds: [MOD_ROLE], guildId: null })).toBe(false);
  });
});

describe("channel subscriptions are moderator actions, audited", () => {
  // The handlers driven directly, on a database file the CLI can open too.
  const setUp = () => {
    const dataDir = tempDir("paperbot-access-");
    return { dataDir, bot: useDirect({ env: { MODERATOR_ROLE_ID: MOD_ROLE, DATABASE_PATH: join(dataDir, "paperbot.db") } }) };
  };

  it("a member is refused and nothing changes; Manage Server and the moderator role may; the audit log lists both", async () => {
    const t = setUp();
    const since = t.bot.ctx.moderation.audit.latest(1)[0]?.id ?? 0;
    const newEntries = () => t.bot.ctx.moderation.audit.latest(50).filter((entry) => entry.id > since);
    t.bot.ctx.follows.unfollowChannel(PAPERS_CHANNEL, "retrieval");
    const refused = await t.bot.run("follow", { channel: PAPERS_CHANNEL, topic: "retrieval" }, who.member);
    expect(textOf(refused)).toMatch(/Only moderators/);
    expect(t.bot.ctx.follows.channelFollows(PAPERS_CHANNEL)).toEqual([]);
    expect(newEntries()).toEqual([]);

    const byRole = await t.bot.run("follow", { channel: PAPERS_CHANNEL, topic: "retrieval" }, who.roleModerator);
    expect(textOf(byRole)).toMatch(/now gets the weekly digest and alerts for \*\*Retrieval\*\*/);
    const byManager = await t.bot.run("unfollow", { channel: PAPERS_CHANNEL, topic: "retrieval" }, who.moderator);
    expect(textOf(byManager)).toMatch(/no longer follows/);
    const entries = newEntries();
    expect(entries.map((entry) => [entry.action, entry.actor.id, entry.target])).toEqual([
      ["channel.unfollow", MODERATOR.id, `channel:${PAPERS_CHANNEL}`],
      ["channel.follow", ROLE_MODERATOR.id, `channel:${PAPERS_CHANNEL}`],
    ]);
    expect(entries[1]?.after).toMatchObject({ channelId: PAPERS_CHANNEL, topic: "retrieval", createdBy: ROLE_MODERATOR.id });
  });

  it("`paperbot audit` lists the log as text and as JSON", async () => {
    const t = setUp();
    const record = (
      actor: { id: string; username: string },
      action: "channel.follow" | "channel.unfollow",
      change: { before?: unknown; after?: unknown },
    ) =>
      t.bot.ctx.moderation.audited({ id: actor.id, name: actor.username }, action, `channel:${PAPERS_CHANNEL}`, () => ({
        result: null,
        changed: true,
        ...change,
      }));
    record(ROLE_MODERATOR, "channel.follow", { after: { channelId: PAPERS_CHANNEL, topic: "retrieval" } });
    record(MODERATOR, "channel.unfollow", { before: { channelId: PAPERS_CHANNEL, topic: "retrieval" } });
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      stdin: async function* () {},
      env: testEnv({ DATABASE_PATH: `${t.dataDir}/paperbot.db` }),
    };
    expect(await runCli(["audit", "--json", "--limit", "1"], io)).toBe(0);
    const json = JSON.parse(out.join("")) as {
      entries: { action: string; actor: { name: string }; at: string; before: unknown; after: unknown }[];
    };
    expect(json.entries).toHaveLength(1);
    expect(json.entries[0]).toMatchObject({
      action: "channel.unfollow",
      actor: { name: MODERATOR.username },
      before: { topic: "retrieval" },
      after: null,
    });
    out.length = 0;
    expect(await runCli(["audit"], io)).toBe(0);
    expect(out.join("")).toMatch(
      /channel\.unfollow[\s\S]*\n.*mod-by-role \(1300000000000000202\) {2}channel\.follow {2}channel:1200000000000000011\n {4}channelId: 1200000000000000011\n {4}topic: retrieval\n$/,
    );
    expect(await runCli(["audit", "--limit", "0"], io)).toBe(2);
  });
});
