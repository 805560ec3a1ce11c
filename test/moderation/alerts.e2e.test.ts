import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAlerts } from "../../src/moderation/alerts.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { createModeration } from "../../src/moderation/index.js";
import { followStore } from "../../src/db/follows.js";
import { startTestBot, TEST_TOKEN, type TestBot } from "../support/bot.js";
import { createTestApp, repoRoot, tempDir } from "../support/app.js";
import { DEFAULT_GUILD, dmChannelIdFor, startDiscordHarness, type DiscordHarness } from "../support/harness/index.js";
import { option } from "../support/interactions.js";
import { as, command, MOD_ROLE } from "../support/moderation.js";

const ALERT_ROLE = "1200000000000000088";
const PAPERS_CHANNEL = "1200000000000000011";
const READER = { id: "1300000000000000301", username: "reader-ja" };
const PAUSED = { id: "1300000000000000302", username: "paused-pat" };
const OTHER = { id: "1300000000000000303", username: "agents-only" };

interface MessageBody {
  content?: string;
  nonce?: string;
  enforce_nonce?: boolean;
  allowed_mentions?: { parse?: string[]; roles?: string[] };
  embeds?: { title?: string }[];
}

function record(arxivId: string, title: string, topicWords: string) {
  return {
    arxivId,
    version: 1,
    title,
    abstract: `We study ${topicWords}. A second sentence.`,
    authors: ["Ada Author"],
    categories: ["cs.CL"],
    primaryCategory: "cs.CL",
    published: "2024-03-01T00:00:00Z",
    updated: "2024-03-01T00:00:00Z",
    comment: null,
    absUrl: `https://arxiv.org/abs/${arxivId}`,
    pdfUrl: `https://arxiv.org/pdf/${arxivId}`,
  };
}

const messagePosts = (harness: DiscordHarness, since: number) =>
  harness.requests.slice(since).filter((request) => request.method === "POST" && /^\/channels\/\d+\/messages$/.test(request.path));

describe("topic alerts through the bot", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ env: { MODERATOR_ROLE_ID: MOD_ROLE, BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("3 followers of retrieval (one paused, one a channel with a role) get exactly the right messages", async () => {
    await command(t, { name: "follow", user: READER, locale: "ja", options: [option.string("topic", "retrieval")] });
    await command(t, { name: "follow", user: PAUSED, options: [option.string("topic", "retrieval")] });
    for (let index = 0; index < 3; index += 1)
      t.bot.ctx.follows.recordDmFailure(PAUSED.id, "50007 Cannot send messages to this user", new Date());
    await command(t, { name: "follow", user: OTHER, options: [option.string("topic", "agents")] });
    const memberTries = await command(t, {
      name: "follow",
      ...as.member,
      options: [
        option.channel("channel", PAPERS_CHANNEL),
        option.string("topic", "retrieval"),
        { type: 8, name: "role", value: ALERT_ROLE },
      ],
    });
    expect(memberTries.body.data.content).toMatch(/Only moderators/);
    const subscribed = await command(t, {
      name: "follow",
      ...as.moderator,
      options: [
        option.channel("channel", PAPERS_CHANNEL),
        option.string("topic", "retrieval"),
        { type: 8, name: "role", value: ALERT_ROLE },
      ],
    });
    expect(subscribed.body.data.content).toBe(
      `<#${PAPERS_CHANNEL}> now gets the weekly digest and alerts for **Retrieval**, mentioning <@&${ALERT_ROLE}>.`,
    );

    const since = t.harness.requests.length;
    const entry = entryFromArxiv(record("2404.00001", "Dense retrieval for long documents", "dense retrieval"), ["retrieval"], () => false);
    const added = t.bot.ctx.moderation.addPaper(entry, addedFromAbstract("mod"), { id: as.moderator.user.id, name: "mod" });
    expect(added.ok).toBe(true);
    const dm = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(READER.id)}/messages` }, { since });
    const post = await t.harness.waitForRequest({ method: "POST", path: `/channels/${PAPERS_CHANNEL}/messages` }, { since });
    // Delivery is over (every intent sent or dropped), so any further message would already be in the log.
    await t.bot.alerts.deliver();

    const dmBody = dm.body as MessageBody;
    expect(dmBody.content).toBe("フォロー中のトピック (検索拡張) の論文がリストに追加されました: **Dense retrieval for long documents**");
    expect(dmBody.allowed_mentions).toEqual({ parse: [], roles: [] });
    expect(dmBody).toMatchObject({ enforce_nonce: true, nonce: expect.stringMatching(/^[\w-]{25}$/) });
    const postBody = post.body as MessageBody;
    expect(postBody.content).toBe(`<@&${ALERT_ROLE}> New on the LLM reading list (Retrieval): **Dense retrieval for long documents**`);
    expect(postBody.allowed_mentions).toEqual({ parse: [], roles: [ALERT_ROLE] });
    expect(postBody.embeds?.[0]?.title).toBe("Dense retrieval for long documents");
    // Nothing for the paused reader, nothing for the agents follower: exactly two messages.
    expect(
      messagePosts(t.harness, since)
        .map((request) => request.path)
        .sort(),
    ).toEqual([`/channels/${PAPERS_CHANNEL}/messages`, `/channels/${dmChannelIdFor(READER.id)}/messages`].sort());
    expect(
      t.bot.app.db
        .prepare("SELECT subscriber, outcome FROM alert_intents WHERE paper_id = ? ORDER BY subscriber")
        .all(added.ok ? added.value.id : ""),
    ).toEqual([
      { subscriber: `channel:${PAPERS_CHANNEL}`, outcome: "sent" },
      { subscriber: `user:${READER.id}`, outcome: "sent" },
    ]);
  });

  it("a 429 with retry_after and a 5xx are retried; a refusing destination does not hold up the others", async () => {
    const followers = ["1300000000000000311", "1300000000000000312", "1300000000000000313"];
    for (const id of followers) t.bot.ctx.follows.follow(id, "en", "speculative decoding", new Date());
    const [first, second, third] = followers.map((id) => dmChannelIdFor(id));
    t.harness.respondWith(
      { method: "POST", path: `/channels/${first}/messages` },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 0.2, global: false } },
      { times: 1 },
    );
    t.harness.respondWith(
      { method: "POST", path: `/channels/${second}/messages` },
      { status: 502, body: { message: "Bad Gateway", code: 0 } },
      { times: 1 },
    );
    t.harness.respondWith(
      { method: "POST", path: `/channels/${third}/messages` },
      { status: 403, body: { message: "Cannot send messages to this user", code: 50007 } },
      { times: 1 },
    );
    const since = t.harness.requests.length;
    const entry = entryFromArxiv(
      record("2404.00002", "Speculative decoding with many drafts", "speculative decoding"),
      ["efficiency"],
      () => false,
    );
    const added = t.bot.ctx.moderation.addPaper(entry, addedFromAbstract("mod"), { id: "1", name: "mod" });
    if (!added.ok) throw new Error(added.key);
    await t.harness.waitForRequest(
      (request) => request.method === "POST" && request.path === `/channels/${first}/messages` && request.response.status === 200,
      { since, timeoutMs: 8000 },
    );
    await t.harness.waitForRequest(
      (request) => request.method === "POST" && request.path === `/channels/${second}/messages` && request.response.status === 200,
      { since, timeoutMs: 8000 },
    );
    const created = (channel: string | undefined) =>
      t.harness.messagesIn(channel ?? "").filter((message) => message.embeds?.[0]?.title === "Speculative decoding with many drafts");
    expect(created(first)).toHaveLength(1);
    expect(created(second)).toHaveLength(1);
    // The refusing reader costs one request and a strike towards the DM pause; the others were not held up.
    await t.bot.alerts.deliver();
    expect(created(third)).toHaveLength(0);
    expect(t.bot.ctx.follows.get(followers[2] ?? "")?.dmFailures).toBe(1);
    expect(
      t.bot.app.db
        .prepare("SELECT outcome, count(*) AS n FROM alert_intents WHERE paper_id = ? GROUP BY outcome ORDER BY outcome")
        .all(added.value.id),
    ).toEqual([
      { outcome: "refused", n: 1 },
      { outcome: "sent", n: 2 },
    ]);
  });
});

const mainJs = join(repoRoot, "dist", "src", "main.js");

describe.skipIf(!existsSync(mainJs))("alerts survive kill -9 of the bot between sends", () => {
  let harness: DiscordHarness | undefined;
  let child: ChildProcess | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    child?.kill("SIGKILL");
    await harness?.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("none is sent twice, and none inside ALERT_MAX_DELAY_HOURS is lost", async () => {
    harness = await startDiscordHarness();
    const dataDir = tempDir("paperbot-alerts-");
    dirs.push(dataDir);
    const databasePath = join(dataDir, "paperbot.db");
    // Eight readers and a channel follow retrieval; a paper is added and its nine intents recorded (no bot running).
    const readers = Array.from({ length: 8 }, (_, index) => `13000000000000004${String(index).padStart(2, "0")}`);
    const app = createTestApp({ DATABASE_PATH: databasePath, BUNDLE_DIR: join(dataDir, "bundle") }, { now: () => new Date() });
    const follows = followStore(app.db);
    for (const id of readers) follows.follow(id, "en", "retrieval", new Date());
    follows.followChannel(
      { channelId: PAPERS_CHANNEL, guildId: DEFAULT_GUILD.id, topic: "retrieval", createdBy: "1", roleId: ALERT_ROLE, locale: "en" },
      new Date(),
    );
    const entry = entryFromArxiv(record("2404.00003", "Retrieval that survives crashes", "retrieval"), ["retrieval"], () => false);
    const added = createModeration(app).addPaper(entry, addedFromAbstract("mod"), { id: "1", name: "mod" });
    if (!added.ok) throw new Error(added.key);
    expect(
      createAlerts({
        db: app.db,
        clock: app.clock,
        logger: app.logger,
        maxDelayMs: 86_400_000,
        paper: () => undefined,
        transport: null,
      }).fanout(added.value),
    ).toEqual({ users: 8, channels: 1 });
    app.close();

    const env = {
      PATH: process.env["PATH"] ?? "",
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: harness.apiUrl,
      DATABASE_PATH: databasePath,
      BUNDLE_DIR: join(dataDir, "bundle"),
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    };
    const start = () => spawn(process.execPath, [mainJs], { env, stdio: ["ignore", "ignore", "pipe"], cwd: dataDir });
    // kill -9 the moment the fourth message reaches Discord: it is created, but the bot never hears back.
    let seen = 0;
    const first = start();
    child = first;
    const killed = new Promise<void>((resolve) => first.on("exit", () => resolve()));
    harness.respondWith(
      (request) => {
        if (request.method !== "POST" || !/^\/channels\/\d+\/messages$/.test(request.path)) return false;
        seen += 1;
        if (seen === 4) first.kill("SIGKILL");
        return false;
      },
      { status: 500 },
    );
    await killed;
    // Destinations are sent to several at once: others may have reached Discord with the fourth.
    expect(seen).toBeGreaterThanOrEqual(4);

    const second = start();
    child = second;
    const created = () =>
      [...readers.map((id) => dmChannelIdFor(id)), PAPERS_CHANNEL].map(
        (channel) =>
          harness?.messagesIn(channel).filter((message) => message.embeds?.[0]?.title === "Retrieval that survives crashes").length ?? 0,
      );
    const deadline = Date.now() + 20_000;
    while (created().reduce((sum, n) => sum + n, 0) < 9 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // A graceful stop finishes the delivery pass in flight; once the process is gone nothing more can reach Discord.
    const exited = new Promise<void>((resolve) => second.on("exit", () => resolve()));
    second.kill("SIGTERM");
    await exited;
    // Every intent is sent (none left open to send again), every destination has exactly one message, and the resend
    // of the fourth (at least a tenth request) was answered from its nonce.
    const check = createTestApp({ DATABASE_PATH: databasePath, BUNDLE_DIR: join(dataDir, "bundle") });
    expect(check.db.prepare("SELECT outcome, count(*) AS n FROM alert_intents GROUP BY outcome").all()).toEqual([
      { outcome: "sent", n: 9 },
    ]);
    check.close();
    expect(created()).toEqual(Array.from({ length: 9 }, () => 1));
    expect(seen).toBeGreaterThanOrEqual(10);
  }, 90_000);
});
