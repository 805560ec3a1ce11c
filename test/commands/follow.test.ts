/** /follow, /unfollow, /following and their buttons, driven through the handlers (no bot): what they answer and store. */
import { describe, expect, it } from "vitest";
import { customIds, tickingClock, embedsOf, isPrivate, textOf, useDirect, type Direct } from "../support/direct.js";

const ALICE = { userId: "1300000000000000101", username: "alice" };
const BOB = { userId: "1300000000000000102", username: "bob" };
const CAROL = { userId: "1300000000000000103", username: "carol" };
const PAPERS_CHANNEL = "1200000000000000011";

/** Has `user` follow paperbot and each topic, as a test's starting point. */
async function follows(direct: Direct, user: typeof ALICE, topics: string[] = []): Promise<void> {
  await direct.run("follow", {}, user);
  for (const topic of topics) await direct.run("follow", { topic }, user);
}

describe("follow, unfollow, following", () => {
  it("/follow follows once, sends a welcome DM, and is idempotent", async () => {
    const direct = useDirect({ clock: tickingClock() });
    const first = await direct.run("follow", {}, ALICE);
    expect(isPrivate(first)).toBe(true);
    expect(textOf(first)).toMatch(/You're following paperbot/);
    expect(direct.sentDms).toEqual([{ userId: ALICE.userId, body: { content: expect.stringMatching(/Thanks for following paperbot/) } }]);
    const again = await direct.run("follow", {}, ALICE);
    expect(textOf(again)).toMatch(/already follow paperbot; nothing changed/);
    expect(direct.sentDms).toHaveLength(1);
    expect(direct.app.db.prepare("SELECT count(*) AS n FROM user_follows WHERE user_id = ?").get(ALICE.userId)).toEqual({ n: 1 });
  });

  it("/follow topic: catalog topics by label in either language, and free keywords, normalised", async () => {
    const direct = useDirect({ clock: tickingClock() });
    expect(textOf(await direct.run("follow", { topic: "Retrieval" }, ALICE))).toMatch(/alerts for new papers on \*\*Retrieval\*\*/);
    expect(textOf(await direct.run("follow", { topic: "ファインチューニング" }, { ...ALICE, locale: "ja" }))).toMatch(
      /\*\*ファインチューニング\*\*の新着論文も通知します/,
    );
    expect(textOf(await direct.run("follow", { topic: "  #Speculative   Decoding " }, ALICE))).toMatch(
      /\*\*Speculative Decoding\*\*[\s\S]*a keyword/,
    );
    expect(textOf(await direct.run("follow", { topic: "retrieval" }, ALICE))).toMatch(/already follow \*\*Retrieval\*\*/);
    expect(textOf(await direct.run("follow", { topic: "x".repeat(65) }, ALICE))).toMatch(/at most 64 characters/);
    expect(textOf(await direct.run("follow", { topic: "<@&123456789012345678>" }, ALICE))).toMatch(/plain words/);
    expect(direct.ctx.follows.get(ALICE.userId)?.topics.map((entry) => entry.topic)).toEqual([
      "retrieval",
      "fine-tuning",
      "speculative decoding",
    ]);
  });

  it("caps topics at 50 per user", async () => {
    const direct = useDirect({ clock: tickingClock() });
    for (let index = 0; index < 50; index += 1) direct.ctx.follows.follow(CAROL.userId, "en", `keyword ${index}`, new Date());
    expect(textOf(await direct.run("follow", { topic: "one more" }, CAROL))).toMatch(/You follow 50 topics already/);
  });

  it("/following lists topics with one-click unfollow buttons that only their owner can press", async () => {
    const direct = useDirect({ clock: tickingClock() });
    await follows(direct, ALICE, ["Retrieval", "ファインチューニング", "speculative decoding"]);
    const listing = await direct.run("following", {}, ALICE);
    expect(isPrivate(listing)).toBe(true);
    expect(embedsOf(listing)[0]?.fields?.[0]?.value).toMatch(/Retrieval[\s\S]*Fine-tuning[\s\S]*speculative decoding/);
    expect(customIds(listing)).toEqual(
      expect.arrayContaining([`unfollow-topic:${ALICE.userId}:retrieval`, `unfollow-all:${ALICE.userId}:ask`, `export:${ALICE.userId}`]),
    );
    const stranger = await direct.press(`unfollow-topic:${ALICE.userId}:retrieval`, BOB);
    expect(textOf(stranger)).toMatch(/belong to the person who ran the command/);
    const pressed = await direct.press(`unfollow-topic:${ALICE.userId}:retrieval`, ALICE);
    expect(pressed.kind).toBe("update");
    expect(embedsOf(pressed)[0]?.fields?.[0]?.value).not.toMatch(/Retrieval/);
    expect(direct.ctx.follows.get(ALICE.userId)?.topics.map((entry) => entry.topic)).toEqual(["fine-tuning", "speculative decoding"]);
  });

  it("the Export button hands over the user's data as a JSON file", async () => {
    const direct = useDirect({ clock: tickingClock() });
    await follows(direct, ALICE, ["fine-tuning", "speculative decoding"]);
    const reply = await direct.press(`export:${ALICE.userId}`, ALICE);
    const files = reply.kind === "modal" ? [] : (reply.files ?? []);
    expect(files).toHaveLength(1);
    const exported = JSON.parse(files[0]?.data.toString() ?? "{}") as { userId: string; following: boolean; topics: { topic: string }[] };
    expect(exported).toMatchObject({ userId: ALICE.userId, following: true });
    expect(exported.topics.map((entry) => entry.topic)).toEqual(["fine-tuning", "speculative decoding"]);
  });

  it("/unfollow topic removes one topic; /unfollow alone asks first, then deletes everything", async () => {
    const direct = useDirect({ clock: tickingClock() });
    await follows(direct, ALICE, ["fine-tuning", "speculative decoding"]);
    expect(textOf(await direct.run("unfollow", { topic: "speculative decoding" }, ALICE))).toMatch(
      /no longer follow \*\*speculative decoding\*\*/,
    );
    expect(textOf(await direct.run("unfollow", { topic: "agents" }, ALICE))).toMatch(/don't follow \*\*Agents\*\*/);

    const confirm = await direct.run("unfollow", {}, ALICE);
    expect(textOf(confirm)).toMatch(/Unfollow paperbot completely\?/);
    expect(customIds(confirm)).toEqual([`unfollow-all:${ALICE.userId}:yes`, `unfollow-all:${ALICE.userId}:no`]);
    expect(textOf(await direct.press(`unfollow-all:${ALICE.userId}:no`, ALICE))).toMatch(/Nothing changed/);
    expect(direct.ctx.follows.get(ALICE.userId)).toBeDefined();

    await direct.run("unfollow", {}, ALICE);
    const done = await direct.press(`unfollow-all:${ALICE.userId}:yes`, ALICE);
    expect(done.kind).toBe("update");
    expect(textOf(done)).toMatch(/data has been deleted/);
    expect(direct.app.db.prepare("SELECT count(*) AS n FROM user_topics WHERE user_id = ?").get(ALICE.userId)).toEqual({ n: 0 });
    expect(direct.ctx.follows.get(ALICE.userId)).toBeUndefined();
    expect(textOf(await direct.run("following", {}, ALICE))).toMatch(/don't follow paperbot yet/);
  });

  it("moderators subscribe a channel; others are told they can't", async () => {
    const direct = useDirect({ clock: tickingClock() });
    const moderator = { ...BOB, canManageGuild: true };
    expect(textOf(await direct.run("follow", { channel: PAPERS_CHANNEL }, BOB))).toMatch(
      /Only moderators \(Manage Server, or the moderator role\)/,
    );
    const accepted = await direct.run("follow", { channel: PAPERS_CHANNEL, topic: "agents" }, moderator);
    expect(textOf(accepted)).toBe(`<#${PAPERS_CHANNEL}> now gets the weekly digest and alerts for **Agents**.`);
    expect(
      textOf(await direct.run("follow", { channel: PAPERS_CHANNEL }, { ...BOB, guildId: null, channelId: "1100000000000000901" })),
    ).toMatch(/channel of this server/);
    await direct.run("follow", {}, moderator);
    const listing = await direct.run("following", {}, moderator);
    expect(
      embedsOf(listing)[0]
        ?.fields?.map((field) => field.value)
        .join("\n"),
    ).toContain(`<#${PAPERS_CHANNEL}> · Agents`);
    expect(textOf(await direct.run("unfollow", { channel: PAPERS_CHANNEL, topic: "agents" }, moderator))).toMatch(
      /no longer follows \*\*Agents\*\*/,
    );
  });

  it("keeps subscriptions in the database, as /following lists them", async () => {
    const direct = useDirect({ clock: tickingClock() });
    await direct.run("follow", { topic: "alignment" }, ALICE);
    expect(embedsOf(await direct.run("following", {}, ALICE))[0]?.fields?.[0]?.value).toMatch(/Alignment/);
  });
});
