import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { digestStore } from "../../src/db/digest.js";
import { followStore } from "../../src/db/follows.js";
import { HEARTBEAT_MS, STALE_RUN_MS, type RunReport } from "../../src/digest/run.js";
import { SendError, type MessageSender } from "../../src/shared/sender.js";
import { createTestApp, fixedClock } from "../support/app.js";
import { harnessDeps, runDigest } from "../support/digest.js";
import { startDiscordHarness, type DiscordHarness } from "../support/harness/index.js";

const GUILD = "1300000000000000001";
const BEFORE = new Date("2026-11-20T00:00:00Z");
/** Monday of 2026-W49, 30 minutes after the default 09:00 UTC publication of edition 2026-W48. */
const MONDAY = new Date("2026-11-30T09:30:00Z");
const CHANNELS = Array.from({ length: 21 }, (_, index) => `16000000000000${String(index).padStart(5, "0")}`);
const [STUCK = "", ...OTHERS] = CHANNELS;

let harness: DiscordHarness;
let app: ReturnType<typeof createTestApp>;
let clock: ReturnType<typeof fixedClock>;

beforeEach(async () => {
  harness = await startDiscordHarness();
  clock = fixedClock(MONDAY);
  app = createTestApp({}, clock);
  const follows = followStore(app.db);
  for (const channelId of CHANNELS) {
    harness.addChannel(channelId, GUILD);
    follows.followChannel({ channelId, guildId: GUILD, topic: "", createdBy: "1" }, BEFORE);
  }
});

afterEach(async () => {
  vi.useRealTimers();
  app.close();
  await harness.close();
});

/** The run's promise, or a clear failure when it has not ended within a generous bound (today's code hangs). */
function ended(run: Promise<RunReport>, ms = 30_000): Promise<RunReport> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the digest run did not end within ${ms} ms`)), ms);
  });
  return Promise.race([run, bound]).finally(() => clearTimeout(timer));
}

const posted = (channelId: string) => harness.messagesIn(channelId).length;

describe("a digest run with one destination Discord keeps rate-limiting", () => {
  it("posts to the 20 others, ends, sets the stuck one aside with its reason, and a later run sends it once", async () => {
    const limit = harness.rateLimitChannel(STUCK, 5);
    const report = await ended(runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false }));
    expect(report).toMatchObject({ due: 21, sent: 20, failed: 1 });
    expect(OTHERS.map(posted)).toEqual(OTHERS.map(() => 1));
    expect(posted(STUCK)).toBe(0);
    expect(limit.hits).toBeGreaterThanOrEqual(1);
    expect(limit.hits).toBeLessThanOrEqual(3);
    expect(digestStore(app.db).delivery("2026-W48", "channel", STUCK)).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^429 rate limited .*retry after 5(\.\d)? s$/),
    });
    expect(digestStore(app.db).lastRun()).toMatchObject({ outcome: "finished" });

    // Still rate-limited at the next run: tried again (a bounded cost), set aside again, nothing else resent.
    clock.advance(60_000);
    expect(await ended(runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false }))).toMatchObject({ due: 1, sent: 0, failed: 1 });
    limit.remove();
    clock.advance(60_000);
    expect(await ended(runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false }))).toMatchObject({ due: 1, sent: 1 });
    clock.advance(60_000);
    expect(await ended(runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false }))).toMatchObject({ due: 0 });
    expect(CHANNELS.map(posted)).toEqual(CHANNELS.map(() => 1));
  });

  it("a send held past STALE_RUN_MS: the run keeps beating, a second run neither interrupts it nor claims its destination", async () => {
    // Only the heartbeat's interval is faked; the loopback Discord and discord.js keep real time.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const real = harnessDeps(app, harness.apiUrl, clock).transport;
    let release: (error: unknown) => void = () => undefined;
    let entered: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (entered = resolve));
    const transport: MessageSender = {
      send: (target, body, nonce, options) =>
        target.id === STUCK
          ? new Promise<void>((_, reject) => {
              release = reject;
              entered();
            })
          : real.send(target, body, nonce, options),
    };
    const store = digestStore(app.db);
    const first = runDigest(harnessDeps(app, harness.apiUrl, clock, { transport }), { force: false });
    await holding;
    await vi.waitFor(() => expect(OTHERS.map(posted)).toEqual(OTHERS.map(() => 1)), { timeout: 20_000, interval: 20 });
    const live = store.activeRun();
    if (!live) throw new Error("no live run");

    clock.advance(STALE_RUN_MS + 60_000);
    vi.advanceTimersByTime(HEARTBEAT_MS);
    expect(store.activeRun()).toMatchObject({ id: live.id, heartbeatAt: clock.now().toISOString() });

    const second = await ended(runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false }));
    expect(second).toMatchObject({ due: 0, resumed: 0, inProgress: { runId: live.id } });
    expect(store.activeRun()).toMatchObject({ id: live.id, finishedAt: null });
    expect(store.delivery("2026-W48", "channel", STUCK)).toMatchObject({ status: "sending", runId: live.id });
    expect(posted(STUCK)).toBe(0);

    release(
      new SendError({
        outcome: "transient",
        reason: "429 rate limited (user); retry after 5 s",
        code: null,
        status: 429,
        cause: null,
        retryAfterMs: 5_000,
      }),
    );
    expect(await ended(first)).toMatchObject({ due: 21, sent: 20, failed: 1 });
    expect(store.delivery("2026-W48", "channel", STUCK)).toMatchObject({
      status: "failed",
      reason: "429 rate limited (user); retry after 5 s",
    });
    clock.advance(60_000);
    expect(await ended(runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false }))).toMatchObject({ due: 1, sent: 1 });
    expect(CHANNELS.map(posted)).toEqual(CHANNELS.map(() => 1));
  });
});
