/** The loopback Discord's threads, forums, tags and permission checks, as discord.js's REST client meets them. */
import { DiscordAPIError, PermissionFlagsBits as P, REST, Routes } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { startDiscordHarness, type DiscordHarness } from "./harness/index.js";

const TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.harness.fake-token";
const TEXT = "1200000000000000061";
const FORUM = "1200000000000000062";

let harness: DiscordHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setUp(): Promise<{ h: DiscordHarness; rest: REST }> {
  harness = await startDiscordHarness();
  harness.addChannel(TEXT);
  harness.addForumChannel(FORUM, { tags: ["Retrieval"] });
  const rest = new REST({ api: harness.apiUrl, version: "10", retries: 0 }).setToken(TOKEN);
  return { h: harness, rest };
}

async function refusal(request: Promise<unknown>): Promise<{ status: number; code: number | string; raw: unknown }> {
  try {
    await request;
  } catch (error) {
    if (error instanceof DiscordAPIError) return { status: error.status, code: error.code, raw: error.rawError };
    throw error;
  }
  throw new Error("Discord accepted it");
}

describe("threads on messages", () => {
  it("opens one thread per message, with the message's id, and refuses a second (160004) and a bad name", async () => {
    const { h, rest } = await setUp();
    const message = (await rest.post(Routes.channelMessages(TEXT), { body: { content: "paper" } })) as { id: string };
    expect(await refusal(rest.post(Routes.threads(TEXT, message.id), { body: { name: "x".repeat(101) } }))).toMatchObject({
      status: 400,
      code: 50035,
      raw: { errors: { name: { _errors: [{ code: "BASE_TYPE_BAD_LENGTH" }] } } },
    });
    const thread = (await rest.post(Routes.threads(TEXT, message.id), { body: { name: "Paper", auto_archive_duration: 10080 } })) as {
      id: string;
      parent_id: string;
    };
    expect(thread).toMatchObject({ id: message.id, parent_id: TEXT });
    expect(h.messagesIn(TEXT)[0]?.thread?.id).toBe(message.id);
    expect(await refusal(rest.post(Routes.threads(TEXT, message.id), { body: { name: "Again" } }))).toMatchObject({ code: 160004 });
    await rest.post(Routes.channelMessages(thread.id), { body: { content: "in the thread" } });
    expect(h.messagesIn(thread.id).map((m) => m.content)).toEqual(["in the thread"]);
  });

  it("answers 403 50013 without Create Public Threads or Send Messages (in Threads), 50001 without View Channel", async () => {
    const { h, rest } = await setUp();
    const message = (await rest.post(Routes.channelMessages(TEXT), { body: { content: "paper" } })) as { id: string };
    h.setBotPermissions(TEXT, { deny: P.CreatePublicThreads });
    expect(await refusal(rest.post(Routes.threads(TEXT, message.id), { body: { name: "Paper" } }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    h.setBotPermissions(TEXT, {});
    await rest.post(Routes.threads(TEXT, message.id), { body: { name: "Paper" } });
    h.setBotPermissions(TEXT, { deny: P.SendMessagesInThreads });
    expect(await refusal(rest.post(Routes.channelMessages(message.id), { body: { content: "x" } }))).toMatchObject({ code: 50013 });
    h.setBotPermissions(TEXT, { deny: P.SendMessages });
    expect(await refusal(rest.post(Routes.channelMessages(TEXT), { body: { content: "x" } }))).toMatchObject({ code: 50013 });
    h.setBotPermissions(TEXT, { deny: P.ViewChannel });
    expect(await refusal(rest.post(Routes.channelMessages(TEXT), { body: { content: "x" } }))).toMatchObject({ status: 403, code: 50001 });
  });
});

describe("forum channels", () => {
  it("take posts with a message and known tags (at most 5), not plain messages", async () => {
    const { h, rest } = await setUp();
    const tagId = (h.channel(FORUM)?.["available_tags"] as { id: string }[])[0]?.id ?? "";
    expect(await refusal(rest.post(Routes.channelMessages(FORUM), { body: { content: "x" } }))).toMatchObject({ code: 50008 });
    expect(await refusal(rest.post(Routes.threads(FORUM), { body: { name: "No message" } }))).toMatchObject({
      raw: { errors: { message: { _errors: [{ code: "BASE_TYPE_REQUIRED" }] } } },
    });
    expect(
      await refusal(rest.post(Routes.threads(FORUM), { body: { name: "Bad tag", message: { content: "x" }, applied_tags: ["1"] } })),
    ).toMatchObject({ code: 50035 });
    expect(
      await refusal(
        rest.post(Routes.threads(FORUM), { body: { name: "Many", message: { content: "x" }, applied_tags: Array(6).fill(tagId) } }),
      ),
    ).toMatchObject({ raw: { errors: { applied_tags: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } });
    const post = (await rest.post(Routes.threads(FORUM), {
      body: { name: "Paper", message: { content: "the paper" }, applied_tags: [tagId] },
    })) as { id: string; applied_tags: string[]; message: { id: string } };
    expect(post.applied_tags).toEqual([tagId]);
    expect(post.message.id).toBe(post.id);
    expect(h.threadsIn(FORUM)).toHaveLength(1);
  });

  it("hold at most 20 tags, edited with Manage Channels (or Manage Threads for the tags alone)", async () => {
    const { h, rest } = await setUp();
    const tags = (n: number) => Array.from({ length: n }, (_, index) => ({ name: `tag ${index}` }));
    expect(await refusal(rest.patch(Routes.channel(FORUM), { body: { available_tags: tags(2) } }))).toMatchObject({
      status: 403,
      code: 50013,
    });
    h.setBotPermissions(FORUM, { allow: P.ManageThreads });
    expect(await refusal(rest.patch(Routes.channel(FORUM), { body: { name: "renamed" } }))).toMatchObject({ code: 50013 });
    expect(await refusal(rest.patch(Routes.channel(FORUM), { body: { available_tags: tags(21) } }))).toMatchObject({
      raw: { errors: { available_tags: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } },
    });
    expect(await refusal(rest.patch(Routes.channel(FORUM), { body: { available_tags: [{ name: "x".repeat(21) }] } }))).toMatchObject({
      code: 50035,
    });
    const updated = (await rest.patch(Routes.channel(FORUM), { body: { available_tags: tags(20) } })) as { available_tags: unknown[] };
    expect(updated.available_tags).toHaveLength(20);
  });
});
