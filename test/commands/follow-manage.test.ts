/** Channel follows and long /following listings, driven through the handlers (no bot). */
import { describe, expect, it } from "vitest";
import { digestStore } from "../../src/db/digest.js";
import { DEFAULT_GUILD } from "../support/harness/ids.js";
import { embedsOf, textOf, tickingClock, useDirect } from "../support/direct.js";

const MOD = { userId: "1300000000000000201", username: "mod", canManageGuild: true };
const MEMBER = { userId: "1300000000000000202", username: "member" };
const READER = { userId: "1300000000000000203", username: "reader" };
const CHANNEL = "1200000000000000011";
const GONE = "1200000000000000012";
const ROLE = "1300000000000000001";

describe("channel follows for moderators", () => {
  it("/following shows a moderator the server's channel follows (paused ones with the reason) without a personal follow", async () => {
    const direct = useDirect({ clock: tickingClock() });
    await direct.run("follow", { channel: CHANNEL }, MOD);
    await direct.run("follow", { channel: GONE }, MOD);
    digestStore(direct.app.db).pauseDestination("channel", GONE, DEFAULT_GUILD.id, "404 10003 Unknown Channel", new Date());
    const listing = await direct.run("following", {}, MOD);
    const channels = embedsOf(listing)[0]?.fields?.find((field) => field.name === "Channels subscribed in this server");
    expect(channels?.value).toContain(`<#${CHANNEL}> · the digest`);
    expect(channels?.value).toContain(`<#${GONE}> · the digest · paused: the channel no longer exists (Discord 404 10003)`);
    expect(channels?.value).toContain("`/unfollow channel:` removes a channel");
    expect(textOf(await direct.run("following", {}, MEMBER))).toMatch(/don't follow paperbot yet/);

    // Subscribing the paused channel again resumes it.
    const again = await direct.run("follow", { channel: GONE }, MOD);
    expect(textOf(again)).toBe(
      `<#${GONE}> was paused after a failed digest; it is resumed, and a week it missed goes out at the next run if it is still due.`,
    );
    expect(digestStore(direct.app.db).guildPauses(DEFAULT_GUILD.id)).toEqual([]);
  });

  it("/follow channel: role: without a topic is refused with the way to do it; with a topic the role is kept", async () => {
    const direct = useDirect();
    const refused = await direct.run("follow", { channel: CHANNEL, role: ROLE }, MOD);
    expect(textOf(refused)).toMatch(/^A role is mentioned only by topic alerts; the digest mentions no one\. Add `topic:`/);
    expect(direct.ctx.follows.channelFollows(CHANNEL)).toEqual([]);
    const accepted = await direct.run("follow", { topic: "retrieval", channel: CHANNEL, role: ROLE }, MOD);
    expect(textOf(accepted)).toBe(`<#${CHANNEL}> now gets the weekly digest and alerts for **Retrieval**, mentioning <@&${ROLE}>.`);
  });

  it("/unfollow channel: by a member is refused with the /unfollow wording", async () => {
    const refused = await useDirect().run("unfollow", { channel: CHANNEL }, MEMBER);
    expect(textOf(refused)).toBe(
      "Only moderators (Manage Server, or the moderator role) can unsubscribe a channel. Use `/unfollow` without a channel to stop following yourself.",
    );
  });
});

describe("/following with many topics", () => {
  it("lists all 50 long topics across fields within Discord's limits, or says how many more", async () => {
    const direct = useDirect({ clock: tickingClock() });
    await direct.run("follow", {}, READER);
    const topics = Array.from({ length: 50 }, (_, index) => `k${String(index).padStart(2, "0")} ${"y".repeat(60)}`);
    for (const topic of topics) direct.ctx.follows.follow(READER.userId, "en", topic, new Date());
    const listing = await direct.run("following", {}, READER);
    const embed = embedsOf(listing)[0];
    const all = (embed?.fields ?? []).map((field) => field.value).join("\n");
    for (const field of embed?.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(1024);
    const total =
      (embed?.title?.length ?? 0) +
      (embed?.description?.length ?? 0) +
      (embed?.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    const shown = topics.filter((topic) => all.includes(`• ${topic}\n`) || all.endsWith(`• ${topic}`));
    const more = /…and (\d+) more topics/.exec(all);
    expect(shown.length + Number(more?.[1] ?? 0)).toBe(50);
    // No topic line is cut mid-word.
    for (const line of all.split("\n").filter((text) => text.startsWith("• k"))) expect(topics).toContain(line.slice(2));
    expect(textOf(listing)).toBe("…and 30 more (use `/unfollow topic:`)");
  });
});
