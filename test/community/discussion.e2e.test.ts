/** A thread per paper (issue 18) through the real bot and discord.js against the loopback Discord: threads, forum posts and tags, permissions. */
import { Events, PermissionFlagsBits } from "discord.js";
import { describe, expect, it, vi } from "vitest";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import type { Topic } from "../../src/catalog/schema.js";
import { paperThreadLinks } from "../../src/community/thread-links.js";
import { useTestBot, type TestBot } from "../support/bot.js";
import { DEFAULT_GUILD, dmChannelIdFor } from "../support/harness/index.js";
import { option } from "../support/interactions.js";
import { as, command, MOD_ROLE } from "../support/moderation.js";

const TEXT = "1200000000000000051";
const PLAIN = "1200000000000000052";
const FORUM = "1200000000000000053";
const P = PermissionFlagsBits;

function addPaper(t: TestBot, arxivId: string, title: string, topics: Topic[]): string {
  const record = {
    arxivId,
    version: 1,
    title,
    abstract: "We study dense retrieval for agents. A second sentence.",
    authors: ["Ada Author"],
    categories: ["cs.CL"],
    primaryCategory: "cs.CL",
    published: "2024-03-01T00:00:00Z",
    updated: "2024-03-01T00:00:00Z",
    comment: null,
    absUrl: `https://arxiv.org/abs/${arxivId}`,
    pdfUrl: `https://arxiv.org/pdf/${arxivId}`,
  };
  const added = t.bot.ctx.moderation.addPaper(
    entryFromArxiv(record, topics, () => false),
    addedFromAbstract("mod"),
    {
      id: as.moderator.user.id,
      name: "mod",
    },
  );
  if (!added.ok) throw new Error("paper not added");
  return added.value.id;
}

async function follow(t: TestBot, channelId: string, extra: ReturnType<typeof option.boolean>[] = []): Promise<string> {
  const reply = await command(t, {
    name: "follow",
    ...as.moderator,
    options: [option.channel("channel", channelId), option.string("topic", "retrieval"), ...extra],
  });
  return reply.body.data.content ?? "";
}

const dmsToModerator = (t: TestBot) =>
  t.harness.findRequests({ method: "POST", path: `/channels/${dmChannelIdFor(as.moderator.user.id)}/messages` });

const bodyOf = (request: { body: unknown }) => request.body as Record<string, unknown>;

describe("a discussion follow of a text channel", () => {
  it("opens one public thread per alert, named after the paper; a later post of the paper links to it", async () => {
    const t = await useTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE } });
    t.harness.addChannel(TEXT);
    t.harness.addChannel(PLAIN);
    const reply = await follow(t, TEXT, [option.boolean("discuss", true)]);
    expect(reply).toContain("Each new paper alert opens a public thread named after the paper.");
    expect(reply).not.toContain("⚠️");

    const threadEvents: string[] = [];
    t.bot.client.on(Events.ThreadCreate, (thread, newlyCreated) => {
      if (newlyCreated) threadEvents.push(thread.id);
    });
    const long = `Dense retrieval ${"with very long titles ".repeat(6)}end`;
    const first = addPaper(t, "2404.00011", "Dense retrieval for long documents", ["retrieval"]);
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${TEXT}/messages/:message/threads` });
    addPaper(t, "2404.00012", long, ["retrieval"]);
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${TEXT}/messages/:message/threads` });
    await t.bot.alerts.deliver();

    const threads = t.harness.threadsIn(TEXT);
    expect(threads.map((thread) => thread["name"])).toEqual([
      "Dense retrieval for long documents",
      expect.stringMatching(/^Dense retrieval with very long titles .*…$/),
    ]);
    expect([...String(threads[1]?.["name"])].length).toBeLessThanOrEqual(100);
    // Each thread is on its alert post (a thread opened on a message has the message's id).
    const posts = t.harness.messagesIn(TEXT);
    expect(threads.map((thread) => thread["id"])).toEqual(posts.map((post) => post.id));
    // discord.js heard of both threads (THREAD_CREATE, Guilds intent), yet the lean caches keep no guild channel or thread, whatever THREAD_CREATE brought, and discord.js took it quietly.
    await vi.waitFor(() => expect(threadEvents).toEqual(threads.map((thread) => thread["id"])));
    expect(t.bot.client.channels.cache.filter((channel) => !channel.isDMBased()).size).toBe(0);
    expect(t.harness.requests.filter((request) => request.route === null)).toEqual([]);
    // (The arXiv watch has no feed server in these tests: its warnings are not ours.)
    expect(
      t.logs.records.filter(
        (record) => (record["level"] === "error" || record["level"] === "warn") && !String(record["msg"]).startsWith("arxiv"),
      ),
    ).toEqual([]);

    // The same paper posted again in the guild (another channel's alert): a link to its thread, no second thread.
    const url = `https://discord.com/channels/${DEFAULT_GUILD.id}/${String(threads[0]?.["id"])}`;
    expect(paperThreadLinks(t.bot.app.db)(DEFAULT_GUILD.id, first)).toBe(url);
    t.bot.app.db
      .prepare("INSERT INTO channel_follows (channel_id, guild_id, topic, created_by, created_at, locale) VALUES (?, ?, '', ?, ?, 'en')")
      .run(PLAIN, DEFAULT_GUILD.id, as.moderator.user.id, new Date().toISOString());
    t.bot.app.db
      .prepare("INSERT INTO alert_intents (paper_id, subscriber, locale, role_id, created_at) VALUES (?, ?, 'en', NULL, ?)")
      .run(first, `channel:${PLAIN}`, new Date().toISOString());
    await t.bot.alerts.deliver();
    const linked = t.harness.messagesIn(PLAIN)[0];
    expect(JSON.parse(JSON.stringify(linked?.components ?? [])).flatMap((row: { components: unknown[] }) => row.components)).toContainEqual(
      expect.objectContaining({ label: "Discussion", url }),
    );
    expect(t.harness.threadsIn(PLAIN)).toEqual([]);
  });

  it("without Create Public Threads: /follow names it, alerts still go out, the moderator is told once by DM", async () => {
    const t = await useTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE } });
    t.harness.addChannel(TEXT);
    t.harness.setBotPermissions(TEXT, { deny: P.CreatePublicThreads });
    const reply = await follow(t, TEXT, [option.boolean("discuss", true)]);
    expect(reply).toContain("⚠️ The bot lacks **Create Public Threads** in");
    expect(reply).toContain("alerts are posted without a discussion thread.");

    addPaper(t, "2404.00021", "Retrieval one", ["retrieval"]);
    addPaper(t, "2404.00022", "Retrieval two", ["retrieval"]);
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(as.moderator.user.id)}/messages` });
    await t.bot.alerts.deliver();
    const refusals = t.harness.findRequests({ method: "POST", path: `/channels/${TEXT}/messages/:message/threads` });
    expect(refusals.map((request) => request.response.status)).toEqual([403, 403]);
    expect(refusals.map((request) => request.response.body)).toEqual([
      expect.objectContaining({ code: 50013 }),
      expect.objectContaining({ code: 50013 }),
    ]);
    expect(t.harness.messagesIn(TEXT)).toHaveLength(2);
    const dms = dmsToModerator(t).filter((request) => String(bodyOf(request)["content"]).includes("Create Public Threads"));
    expect(dms).toHaveLength(1);
    expect(String(bodyOf(dms[0] ?? { body: {} })["content"])).toContain(`<#${TEXT}>`);
    expect(t.harness.threadsIn(TEXT)).toEqual([]);
  });
});

describe("a plain channel follow", () => {
  it("without Send Messages: /follow names it, and the moderator hears it once instead of a silent stop", async () => {
    const t = await useTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE } });
    t.harness.addChannel(PLAIN);
    t.harness.setBotPermissions(PLAIN, { deny: P.SendMessages });
    expect(await follow(t, PLAIN)).toContain("⚠️ The bot lacks **Send Messages** in");
    addPaper(t, "2404.00061", "Retrieval one", ["retrieval"]);
    addPaper(t, "2404.00062", "Retrieval two", ["retrieval"]);
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(as.moderator.user.id)}/messages` });
    await t.bot.alerts.deliver();
    const posts = t.harness.findRequests({ method: "POST", path: `/channels/${PLAIN}/messages` });
    expect(posts.map((request) => request.response.status)).toEqual([403, 403]);
    const dms = dmsToModerator(t).filter((request) => String(bodyOf(request)["content"]).includes("**Send Messages**"));
    expect(dms).toHaveLength(1);
  });
});

describe("a forum channel follow", () => {
  it("makes each paper a forum post tagged with its topics, creating the missing tags and keeping the others", async () => {
    const t = await useTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE } });
    t.harness.addForumChannel(FORUM, { tags: ["Retrieval", "Off topic"] });
    t.harness.setBotPermissions(FORUM, { allow: P.ManageChannels });
    const kept = (t.harness.channel(FORUM)?.["available_tags"] as { id: string; name: string }[]).map((tag) => tag.id);
    const digestOnly = await command(t, { name: "follow", ...as.moderator, options: [option.channel("channel", FORUM)] });
    expect(digestOnly.body.data.content).toContain("A forum channel gets each new paper as a post, so it needs a topic");
    expect(t.bot.ctx.follows.channelFollows(FORUM)).toEqual([]);
    const reply = await follow(t, FORUM);
    expect(reply).toContain("Each new paper becomes a forum post tagged with its topics");
    expect(reply).not.toContain("⚠️");

    addPaper(t, "2404.00031", "Agents that retrieve", ["retrieval", "agents"]);
    const created = await t.harness.waitForRequest({ method: "POST", path: `/channels/${FORUM}/threads` });
    await t.bot.alerts.deliver();
    expect(created.response.status).toBe(200);
    const tags = t.harness.channel(FORUM)?.["available_tags"] as { id: string; name: string }[];
    expect(tags.map((tag) => tag.name)).toEqual(["Retrieval", "Off topic", "Agents"]);
    expect(tags.slice(0, 2).map((tag) => tag.id)).toEqual(kept);
    const [post] = t.harness.threadsIn(FORUM);
    expect(post?.["name"]).toBe("Agents that retrieve");
    expect(post?.["applied_tags"]).toEqual([tags[0]?.id, tags[2]?.id]);
    expect(t.harness.messagesIn(String(post?.["id"]))[0]?.embeds[0]?.title).toBe("Agents that retrieve");
    expect(t.bot.client.channels.cache.filter((channel) => !channel.isDMBased()).size).toBe(0);
  });

  it("keeps to Discord's 20 tags: a forum with 19 gets one more, the post carries the tags that exist", async () => {
    const t = await useTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE } });
    const existing = ["Retrieval", ...Array.from({ length: 18 }, (_, index) => `Tag ${index + 1}`)];
    t.harness.addForumChannel(FORUM, { tags: existing });
    t.harness.setBotPermissions(FORUM, { allow: P.ManageChannels });
    await follow(t, FORUM);
    addPaper(t, "2404.00041", "Efficient agents that retrieve", ["retrieval", "agents", "efficiency"]);
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${FORUM}/threads` });
    await t.bot.alerts.deliver();
    const patches = t.harness.findRequests({ method: "PATCH", path: `/channels/${FORUM}` });
    expect(patches.map((request) => request.response.status)).toEqual([200]);
    const tags = t.harness.channel(FORUM)?.["available_tags"] as { id: string; name: string }[];
    expect(tags).toHaveLength(20);
    expect(tags.at(-1)?.name).toBe("Agents");
    expect(t.harness.threadsIn(FORUM)[0]?.["applied_tags"]).toEqual([tags[0]?.id, tags[19]?.id]);
  });

  it("without Manage Channels the post gets the tags the forum has, and the moderator is told once", async () => {
    const t = await useTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE } });
    t.harness.addForumChannel(FORUM, { tags: ["Retrieval"] });
    const reply = await follow(t, FORUM);
    expect(reply).toContain("⚠️ The bot lacks **Manage Channels (or Manage Threads)**");
    addPaper(t, "2404.00051", "Agents that retrieve", ["retrieval", "agents"]);
    addPaper(t, "2404.00052", "Agents that retrieve again", ["retrieval", "agents"]);
    await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(as.moderator.user.id)}/messages` });
    await t.bot.alerts.deliver();
    const patches = t.harness.findRequests({ method: "PATCH", path: `/channels/${FORUM}` });
    expect(patches.map((request) => [request.response.status, bodyOf({ body: request.response.body })["code"]])).toEqual([
      [403, 50013],
      [403, 50013],
    ]);
    const tagId = (t.harness.channel(FORUM)?.["available_tags"] as { id: string }[])[0]?.id;
    expect(t.harness.threadsIn(FORUM).map((post) => post["applied_tags"])).toEqual([[tagId], [tagId]]);
    const dms = dmsToModerator(t).filter((request) => String(bodyOf(request)["content"]).includes("Manage Channels"));
    expect(dms).toHaveLength(1);
  });
});
