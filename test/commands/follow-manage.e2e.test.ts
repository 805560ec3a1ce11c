import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIEmbed } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { DEFAULT_EVERYONE_PERMISSIONS, DEFAULT_GUILD, dmChannelIdFor } from "../support/harness/index.js";
import { button, chatInput, dmMessageCreate, option } from "../support/interactions.js";
import { useTestBot } from "../support/bot.js";
import { original, send, type CallbackBody } from "../support/e2e.js";
import { fixedClock, tempDir, testEnv } from "../support/app.js";
import { harnessDeps, runDigest } from "../support/digest.js";
import { runCli, type CliIo } from "../../src/cli/index.js";

const MOD = { id: "1300000000000000201", username: "mod" };
const MEMBER = { id: "1300000000000000202", username: "member" };
const READER = { id: "1300000000000000203", username: "reader" };
const MODERATOR = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();
const CHANNEL = "1200000000000000011";
const GONE = "1200000000000000012";
const ROLE = "1300000000000000001";

const role = (id: string) => ({ type: ApplicationCommandOptionType.Role as const, name: "role", value: id });
const fields = (body: CallbackBody) => (body.data.embeds?.[0] as APIEmbed | undefined)?.fields ?? [];
const customIds = (body: CallbackBody) => (body.data.components ?? []).flatMap((row) => row.components.map((component) => String(component["custom_id"])));

describe("channel follows for moderators", () => {
  it("/following shows a moderator the server's channel follows (paused ones with the reason) without a personal follow", async () => {
    const t = await useTestBot();
    await send(t, chatInput({ name: "follow", user: MOD, memberPermissions: MODERATOR, options: [option.channel("channel", CHANNEL)] }));
    await send(t, chatInput({ name: "follow", user: MOD, memberPermissions: MODERATOR, options: [option.channel("channel", GONE)] }));
    digestStore(t.bot.app.db).pauseDestination("channel", GONE, DEFAULT_GUILD.id, "404 10003 Unknown Channel", new Date());
    const listing = await send(t, chatInput({ name: "following", user: MOD, memberPermissions: MODERATOR }));
    const channels = fields(listing).find((field) => field.name === "Channels subscribed in this server");
    expect(channels?.value).toContain(`<#${CHANNEL}> · the digest`);
    expect(channels?.value).toContain(`<#${GONE}> · the digest · paused: the channel no longer exists (Discord 404 10003)`);
    expect(channels?.value).toContain("`/unfollow channel:` removes a channel");
    const member = await send(t, chatInput({ name: "following", user: MEMBER }));
    expect(member.data.content).toMatch(/don't follow paperbot yet/);

    // Subscribing the paused channel again resumes it.
    const again = await send(t, chatInput({ name: "follow", user: MOD, memberPermissions: MODERATOR, options: [option.channel("channel", GONE)] }));
    expect(again.data.content).toBe(`<#${GONE}> was paused after a failed digest; it is resumed, and a week it missed goes out at the next run if it is still due.`);
    expect(digestStore(t.bot.app.db).guildPauses(DEFAULT_GUILD.id)).toEqual([]);
  });

  it("/follow channel: role: without a topic is refused with the way to do it; with a topic the role is kept", async () => {
    const t = await useTestBot();
    const refused = await send(t, chatInput({ name: "follow", user: MOD, memberPermissions: MODERATOR, options: [option.channel("channel", CHANNEL), role(ROLE)] }));
    expect(refused.data.content).toMatch(/^A role is mentioned only by topic alerts; the digest mentions no one\. Add `topic:`/);
    expect(t.bot.ctx.follows.channelFollows(CHANNEL)).toEqual([]);
    const accepted = await send(t, chatInput({ name: "follow", user: MOD, memberPermissions: MODERATOR, options: [option.string("topic", "retrieval"), option.channel("channel", CHANNEL), role(ROLE)] }));
    expect(accepted.data.content).toBe(`<#${CHANNEL}> now gets the weekly digest and alerts for **Retrieval**, mentioning <@&${ROLE}>.`);
  });

  it("/unfollow channel: by a member is refused with the /unfollow wording", async () => {
    const t = await useTestBot();
    const refused = await send(t, chatInput({ name: "unfollow", user: MEMBER, options: [option.channel("channel", CHANNEL)] }));
    expect(refused.data.content).toBe("Only moderators (Manage Server, or the moderator role) can unsubscribe a channel. Use `/unfollow` without a channel to stop following yourself.");
  });
});

describe("/following with many topics", () => {
  it("lists all 50 long topics across fields within Discord's limits, or says how many more", async () => {
    const t = await useTestBot();
    await send(t, chatInput({ name: "follow", user: READER }));
    const topics = Array.from({ length: 50 }, (_, index) => `k${String(index).padStart(2, "0")} ${"y".repeat(60)}`);
    for (const topic of topics) t.bot.ctx.follows.follow(READER.id, "en", topic, new Date());
    const listing = await send(t, chatInput({ name: "following", user: READER }));
    const embed = listing.data.embeds?.[0] as APIEmbed;
    const all = (embed.fields ?? []).map((field) => field.value).join("\n");
    for (const field of embed.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(1024);
    const total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    const shown = topics.filter((topic) => all.includes(`• ${topic}\n`) || all.endsWith(`• ${topic}`));
    const more = /…and (\d+) more topics/.exec(all);
    expect(shown.length + Number(more?.[1] ?? 0)).toBe(50);
    // No topic line is cut mid-word.
    for (const line of all.split("\n").filter((text) => text.startsWith("• k"))) expect(topics).toContain(line.slice(2));
    expect(listing.data.content).toBe("…and 30 more (use `/unfollow topic:`)");
  });
});

describe("resuming DMs", () => {
  it("after one refusal /following offers Resume DMs; pressing it tries a DM and tells the truth", async () => {
    const t = await useTestBot();
    const refusal = t.harness.respondWith(
      { method: "POST", path: `/channels/${dmChannelIdFor(READER.id)}/messages` },
      { status: 403, body: { message: "Cannot send messages to this user", code: 50007 } },
    );
    const followed = await send(t, chatInput({ name: "follow", user: READER }));
    expect(followed.data.content).toMatch(/run `\/following` to resume/);
    const command = chatInput({ name: "following", user: READER });
    const listing = await send(t, command);
    expect(fields(listing)[1]?.value).toMatch(/Discord refused the last DM/);
    expect(customIds(listing)).toContain(`resume-dm:${READER.id}`);

    const press = (payload: ReturnType<typeof button>) => {
      const followUp = t.harness.waitForRequest({ method: "POST", path: `/webhooks/:app/${payload.token}` });
      t.harness.dispatchInteraction(payload);
      return followUp.then((request) => request.body as { content?: string; flags?: number });
    };
    const stillNotice = await press(button({ customId: `resume-dm:${READER.id}`, message: original(t, command), user: READER }));
    expect(stillNotice.content).toMatch(/^Discord still refuses my DMs \(50007/);
    expect(refusal.hits).toBe(2);

    refusal.remove();
    const notice = await press(button({ customId: `resume-dm:${READER.id}`, message: original(t, command), user: READER }));
    expect(notice.content).toBe("DMs work again: I sent you a test message. The next digest comes to your DMs.");
    expect(t.harness.messagesIn(dmChannelIdFor(READER.id)).map((message) => message.content)).toContain("paperbot: a test message. Your weekly digest will arrive here.");
    expect(t.bot.ctx.follows.get(READER.id)).toMatchObject({ dmFailures: 0, dmPausedAt: null });
  });
});

describe("a user's data: export and deletion", () => {
  it("Export and `paperbot export --user` include the digest and alert history; /unfollow deletes it", async () => {
    const dataDir = tempDir("paperbot-export-");
    const databasePath = join(dataDir, "paperbot.db");
    const clock = fixedClock(new Date("2026-11-30T09:30:00Z"));
    const t = await useTestBot({ clock, dataDir, env: { DATABASE_PATH: databasePath } });
    await send(t, chatInput({ name: "follow", user: READER, options: [option.string("topic", "retrieval")] }));
    t.bot.app.db.prepare("UPDATE user_follows SET created_at = '2026-11-01T00:00:00.000Z' WHERE user_id = ?").run(READER.id);
    await runDigest(harnessDeps(t.bot.app, t.harness.apiUrl, clock), { force: false });
    t.bot.app.db
      .prepare("INSERT INTO alert_intents (paper_id, subscriber, locale, created_at, sent_at, outcome) VALUES ('added-1', ?, 'en', ?, ?, 'sent')")
      .run(`user:${READER.id}`, clock.now().toISOString(), clock.now().toISOString());

    const command = chatInput({ name: "following", user: READER });
    await send(t, command);
    const press = button({ customId: `export:${READER.id}`, message: original(t, command), user: READER });
    const upload = t.harness.waitForRequest({ method: "POST", path: `/interactions/${press.id}/${press.token}/callback` });
    t.harness.dispatchInteraction(press);
    const exported = JSON.parse((await upload).files[0]?.data.toString() ?? "{}") as Record<string, unknown>;
    expect(exported["digestDeliveries"]).toEqual([expect.objectContaining({ week: "2026-W48", status: "sent", messagesSent: 1 })]);
    expect(exported["alerts"]).toEqual([expect.objectContaining({ paperId: "added-1", outcome: "sent" })]);
    const out: string[] = [];
    const cli: CliIo = { stdout: (text) => void out.push(text), stderr: () => undefined, stdin: async function* () {}, env: testEnv({ DATABASE_PATH: databasePath }) };
    expect(await runCli(["export", "--user", READER.id], cli)).toBe(0);
    const fromCli = JSON.parse(out.join("")) as Record<string, unknown>;
    expect({ ...fromCli, exportedAt: null }).toEqual({ ...exported, exportedAt: null });

    const ask = chatInput({ name: "unfollow", user: READER });
    await send(t, ask);
    const done = await send(t, button({ customId: `unfollow-all:${READER.id}:yes`, message: original(t, ask), user: READER }));
    expect(done.data.content).toMatch(/history of digests and alerts sent to you/);
    for (const [table, column, value] of [
      ["digest_deliveries", "target_id", READER.id],
      ["alert_intents", "subscriber", `user:${READER.id}`],
      ["user_follows", "user_id", READER.id],
      ["user_topics", "user_id", READER.id],
    ] as const) {
      expect(t.bot.app.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).get(value)).toEqual({ n: 0 });
    }
  });
});

describe("the DM keyword", () => {
  it("full-width ＬＬＭ　Ｐａｐｅｒｓ (NFKC) gets the bundle answer like LLM Papers", async () => {
    const t = await useTestBot();
    await send(t, chatInput({ name: "follow", user: READER }));
    for (const content of ["ＬＬＭ　Ｐａｐｅｒｓ", "ｌｌｍ ｐａｐｅｒｓ！"]) {
      const since = t.harness.requests.length;
      t.harness.dispatch("MESSAGE_CREATE", dmMessageCreate({ content, user: READER }));
      const reply = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(READER.id)}/messages` }, { since });
      expect((reply.body as { embeds?: APIEmbed[] }).embeds?.[0]?.url).toMatch(/\/bundle\/paperbot-llm-reading-list\.zip\?exp=/);
    }
  });
});
