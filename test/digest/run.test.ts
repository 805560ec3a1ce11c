import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { APIEmbed } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { followStore } from "../../src/db/follows.js";
import { guildStatus, statusText } from "../../src/digest/status.js";
import { createTestApp, fixedClock } from "../support/app.js";
import { addModeratorPapers, harnessDeps, moderatorEntry, runDigest } from "../support/digest.js";
import { dmChannelIdFor, startDiscordHarness, type DiscordHarness } from "../support/harness/index.js";

const GUILDS = ["1300000000000000001", "1300000000000000002", "1300000000000000003"] as const;
const CHANNELS = ["1300000000000000011", "1300000000000000012", "1300000000000000013"] as const;
const GONE_CHANNEL = "1300000000000000099";
const READERS = {
  en: "1400000000000000001",
  ja: "1400000000000000002",
  paused: "1400000000000000003",
  refusing: "1400000000000000004",
} as const;
const BEFORE = new Date("2026-11-20T00:00:00Z");
/** Monday of 2026-W49, 30 minutes after the default 09:00 UTC publication of edition 2026-W48. */
const MONDAY = new Date("2026-11-30T09:30:00Z");

let harness: DiscordHarness;
let app: ReturnType<typeof createTestApp>;
let clock: ReturnType<typeof fixedClock>;

function texts(channelId: string): string[] {
  return harness
    .messagesIn(channelId)
    .map((message) => (message.embeds as APIEmbed[]).map((embed) => `${embed.title}\n${embed.description}`).join("\n"));
}

beforeEach(async () => {
  harness = await startDiscordHarness();
  for (const [index, guildId] of GUILDS.entries()) harness.addChannel(CHANNELS[index] ?? "", guildId);
  clock = fixedClock(MONDAY);
  app = createTestApp({}, clock);
  addModeratorPapers(app, [moderatorEntry(1), moderatorEntry(2)], new Date("2026-11-25T10:00:00Z"));
  const store = digestStore(app.db);
  for (const [index, guildId] of GUILDS.entries()) {
    store.setGuild({
      guildId,
      channelId: CHANNELS[index] ?? "",
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: BEFORE.toISOString(),
    });
  }
  const follows = followStore(app.db);
  follows.follow(READERS.en, "en", "retrieval", BEFORE);
  follows.follow(READERS.ja, "ja", undefined, BEFORE);
  follows.follow(READERS.paused, "en", undefined, BEFORE);
  for (let i = 0; i < 3; i++) follows.recordDmFailure(READERS.paused, "50007 Cannot send messages to this user", BEFORE);
});

afterEach(async () => {
  app.close();
  await harness.close();
});

describe("digest run through Discord's REST API (loopback harness)", () => {
  it("posts once to every channel and unpaused reader, in their language; a second run sends nothing", async () => {
    const first = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(first).toMatchObject({ editions: ["2026-W48"], due: 5, sent: 5, failed: 0, partial: 0 });
    for (const channel of CHANNELS) expect(harness.messagesIn(channel)).toHaveLength(1);
    const en = texts(dmChannelIdFor(READERS.en)).join("\n");
    const ja = texts(dmChannelIdFor(READERS.ja)).join("\n");
    expect(en).toContain("LLM papers digest · 2026-W48");
    // The reader's topic matches are marked where the DM lists them, never listed a second time.
    expect(en).toContain("★ marks what matches your topics (Retrieval).");
    expect(en).toContain("★ **[Added paper number 2");
    expect(en).not.toContain("For your topics");
    expect(en.split("(https://arxiv.org/abs/2611.00002)")).toHaveLength(2);
    expect(en).toContain("Found by the arXiv watch, not yet reviewed");
    expect(ja).toContain("LLM 論文ダイジェスト · 2026-W48");
    expect(ja).toContain("追加論文 1");
    expect(harness.messagesIn(dmChannelIdFor(READERS.paused))).toEqual([]);
    const posts = harness.requests.filter((request) => request.method === "POST" && request.route === "POST /channels/:channel/messages");
    for (const post of posts) expect(post.body).toMatchObject({ allowed_mentions: { parse: [] }, enforce_nonce: true });

    clock.advance(60_000);
    const second = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(second.due).toBe(0);
    const forced = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: true });
    expect(forced.due).toBe(0);
    for (const channel of CHANNELS) expect(harness.messagesIn(channel)).toHaveLength(1);
  });

  it("one deleted channel among several: recorded, its guild paused until /digest set, the others sent", async () => {
    const store = digestStore(app.db);
    store.setGuild({
      guildId: GUILDS[1],
      channelId: GONE_CHANNEL,
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: BEFORE.toISOString(),
    });
    const report = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(report).toMatchObject({ sent: 4, failed: 1 });
    expect(harness.messagesIn(CHANNELS[0])).toHaveLength(1);
    expect(harness.messagesIn(CHANNELS[2])).toHaveLength(1);
    expect(store.delivery("2026-W48", "channel", GONE_CHANNEL)).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("10003"),
    });
    expect(store.guild(GUILDS[1])?.pausedReason).toContain("Unknown Channel");
    // Paused: the next week's run leaves that guild alone.
    clock.advance(7 * 86_400_000);
    const next = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(next.due).toBe(4);
    store.setGuild({
      guildId: GUILDS[1],
      channelId: CHANNELS[1],
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: clock.now().toISOString(),
    });
    expect(store.guild(GUILDS[1])?.pausedReason).toBeNull();
  });

  it("a missing permission (50013) also pauses the guild; a refused DM (50007) counts toward the reader's DM pause", async () => {
    harness.respondWith(
      { method: "POST", path: `/channels/${CHANNELS[2]}/messages` },
      { status: 403, body: { code: 50013, message: "Missing Permissions" } },
    );
    const refusing = followStore(app.db);
    refusing.follow(READERS.refusing, "en", undefined, BEFORE);
    harness.respondWith(
      { method: "POST", path: `/channels/${dmChannelIdFor(READERS.refusing)}/messages` },
      { status: 403, body: { code: 50007, message: "Cannot send messages to this user" } },
    );
    const report = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(report).toMatchObject({ sent: 4, failed: 2 });
    expect(digestStore(app.db).guild(GUILDS[2])?.pausedReason).toContain("50013");
    expect(refusing.get(READERS.refusing)).toMatchObject({ dmFailures: 1, lastDmError: expect.stringContaining("50007") });
  });

  it("/digest status shows sent and remaining while a run goes, then the last run", async () => {
    const deps = harnessDeps(app, harness.apiUrl, clock, { concurrency: 1 });
    const seen: string[] = [];
    const transport = deps.transport;
    deps.transport = {
      send: async (target, body, nonce) => {
        seen.push(statusText(guildStatus(deps.store, deps.settings, GUILDS[0], clock.now(), "en")));
        await transport.send(target, body, nonce);
      },
    };
    await runDigest(deps, { force: false });
    expect(seen[0]).toMatch(/Sending now: 0 sent, 5 remaining/);
    expect(seen[3]).toMatch(/Sending now: 3 sent, 2 remaining/);
    const after = statusText(guildStatus(deps.store, deps.settings, GUILDS[0], clock.now(), "en"));
    expect(after).not.toMatch(/Sending now/);
    expect(after).toMatch(/Last run: 2026-W48: sent \(1 message\) on 2026-11-30 09:30 UTC/);
    expect(after).toMatch(/Next run: Mon 2026-12-07 09:00 \(UTC\) · 2026-W49/);
  });

  it("a dead run's unsent destination is not resumed once the catch-up window has passed", async () => {
    const store = digestStore(app.db);
    const deadRun = store.startRun("2026-W47", new Date("2026-11-23T09:00:00Z"));
    expect(store.claim("2026-W47", "channel", CHANNELS[0], GUILDS[0], deadRun, 1, new Date("2026-11-23T09:00:00Z"))).toBe(true);
    const report = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(report).toMatchObject({ resumed: 0, skipped: 1, sent: 5 });
    expect(store.delivery("2026-W47", "channel", CHANNELS[0])).toMatchObject({
      status: "skipped",
      reason: expect.stringContaining("DIGEST_CATCHUP_HOURS"),
    });
    expect(harness.messagesIn(CHANNELS[0]).map((message) => message.embeds[0]?.title)).toEqual(["LLM papers digest · 2026-W48"]);
  });

  it("stopping (SIGTERM) takes no new destination; the next run sends the rest", async () => {
    const deps = harnessDeps(app, harness.apiUrl, clock, { concurrency: 1 });
    const stop = new AbortController();
    const transport = deps.transport;
    deps.transport = { send: async (target, body, nonce) => void (await transport.send(target, body, nonce), stop.abort()) };
    expect(await runDigest(deps, { force: false, signal: stop.signal })).toMatchObject({ due: 5, sent: 1 });
    expect(deps.store.orphans()).toEqual([]);
    clock.advance(60_000);
    expect(await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false })).toMatchObject({ due: 4, sent: 4 });
  });

  it("retries 429 (retry_after) and 5xx within the run", async () => {
    harness.respondWith(
      { method: "POST", path: `/channels/${CHANNELS[0]}/messages` },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 0.05, global: false } },
      { times: 1 },
    );
    harness.respondWith(
      { method: "POST", path: `/channels/${CHANNELS[1]}/messages` },
      { status: 502, body: { message: "Bad Gateway" } },
      { times: 1 },
    );
    const report = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(report).toMatchObject({ sent: 5, failed: 0 });
    expect(harness.messagesIn(CHANNELS[0])).toHaveLength(1);
    expect(harness.messagesIn(CHANNELS[1])).toHaveLength(1);
  });

  it("a destination still failing with 5xx after the retries is tried again by a later run in the window, never twice", async () => {
    const outage = harness.respondWith(
      { method: "POST", path: `/channels/${CHANNELS[0]}/messages` },
      { status: 503, body: { message: "Service Unavailable" } },
    );
    const first = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(first).toMatchObject({ sent: 4, failed: 1 });
    expect(outage.hits).toBeGreaterThan(1);
    expect(digestStore(app.db).delivery("2026-W48", "channel", CHANNELS[0])).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("503"),
    });
    outage.remove();
    clock.advance(60_000);
    expect(await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false })).toMatchObject({ due: 1, sent: 1 });
    clock.advance(60_000);
    expect(await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false })).toMatchObject({ due: 0 });
    expect(harness.messagesIn(CHANNELS[0])).toHaveLength(1);
  });

  it("catches up within DIGEST_CATCHUP_HOURS and skips (with the reason) beyond it", async () => {
    clock.advance(23 * 3_600_000);
    const inside = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(inside.sent).toBe(5);
    clock.advance(7 * 86_400_000 + 2 * 3_600_000); // 2026-W49's publication, 25.5 hours late
    const outside = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(outside).toMatchObject({ due: 0, sent: 0, skipped: 5 });
    const skipped = digestStore(app.db).delivery("2026-W49", "channel", CHANNELS[0]);
    expect(skipped).toMatchObject({ status: "skipped", reason: expect.stringContaining("DIGEST_CATCHUP_HOURS (24 h)") });
    for (const channel of CHANNELS) expect(harness.messagesIn(channel)).toHaveLength(1);
  });

  it("a restart after sending reposts nothing; a dead run's 'sending' rows resume only when nothing was sent", async () => {
    const store = digestStore(app.db);
    const deadRun = store.startRun("2026-W48", clock.now());
    // The same pid as ours but another owner: an earlier process (PID 1 in a container) killed mid-run.
    app.db.prepare("UPDATE digest_runs SET owner = ? WHERE id = ?").run("an-earlier-process", deadRun);
    expect(store.claim("2026-W48", "channel", CHANNELS[0], GUILDS[0], deadRun, 1, BEFORE)).toBe(true);
    expect(store.claim("2026-W48", "channel", CHANNELS[1], GUILDS[1], deadRun, 2, BEFORE)).toBe(true);
    store.progress("2026-W48", "channel", CHANNELS[1], 1, BEFORE);
    const report = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false });
    expect(report).toMatchObject({ resumed: 1, partial: 1, sent: 4 });
    expect(harness.messagesIn(CHANNELS[0])).toHaveLength(1);
    expect(harness.messagesIn(CHANNELS[1])).toHaveLength(0);
    expect(store.delivery("2026-W48", "channel", CHANNELS[1])).toMatchObject({
      status: "partial",
      reason: expect.stringContaining("not reposted"),
    });
    const again = await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: true });
    expect(again.due).toBe(0);
  });
});

describe("pacing", () => {
  it("keeps to Discord's 50 requests per second (discord.js's REST queue) and records every destination", async () => {
    const paced = await startDiscordHarness();
    const pacedClock = fixedClock(MONDAY);
    const pacedApp = createTestApp({}, pacedClock);
    try {
      const follows = followStore(pacedApp.db);
      const channels = Array.from({ length: 60 }, (_, index) => `15000000000000${String(index).padStart(5, "0")}`);
      for (const channelId of channels) {
        paced.addChannel(channelId, GUILDS[0]);
        follows.followChannel({ channelId, guildId: GUILDS[0], topic: "", createdBy: "1" }, BEFORE);
      }
      const report = await runDigest(harnessDeps(pacedApp, paced.apiUrl, pacedClock, { concurrency: 16 }), { force: false });
      expect(report).toMatchObject({ due: 60, sent: 60 });
      const times = paced.requests
        .filter((request) => request.route === "POST /channels/:channel/messages")
        .map((request) => request.receivedAt);
      expect(times).toHaveLength(60);
      // Unpaced, 60 posts take well under 200 ms here; the 51st waits for the next one-second window.
      expect((times[50] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(500);
    } finally {
      pacedApp.close();
      await paced.close();
    }
  });
});
