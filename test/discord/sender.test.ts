import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRest } from "../../src/discord/rest.js";
import { discordSender } from "../../src/discord/sender.js";
import { sendFailureOf } from "../../src/shared/sender.js";
import { startDiscordHarness, type DiscordHarness } from "../support/harness/index.js";

const TOKEN = "MTIz.NDU2.Nzg5";
const CHANNEL = "1700000000000000001";
const LIMITED = "1700000000000000002";

let harness: DiscordHarness;

beforeEach(async () => {
  harness = await startDiscordHarness();
  harness.addChannel(CHANNEL);
  harness.addChannel(LIMITED);
});

afterEach(async () => {
  await harness.close();
});

describe("the Discord sender", () => {
  it("adds no listener per send to a long-lived signal (120 sends: none left on it)", async () => {
    const sender = discordSender(createRest(harness.apiUrl, TOKEN));
    const shutdown = new AbortController();
    const before = getEventListeners(shutdown.signal, "abort").length;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.name);
    process.on("warning", onWarning);
    // 8 at once, as a digest run sends.
    try {
      for (let start = 0; start < 120; start += 8) {
        await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            sender.send({ kind: "channel", id: CHANNEL }, { content: `n ${start + index}` }, `nonce-${start + index}`, {
              signal: shutdown.signal,
            }),
          ),
        );
      }
    } finally {
      process.off("warning", onWarning);
    }
    expect(harness.messagesIn(CHANNEL)).toHaveLength(120);
    expect(getEventListeners(shutdown.signal, "abort").length).toBe(before);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });

  it("waits out a short Retry-After (injected sleep) and gives up after its attempts with the wait Discord asked for", async () => {
    const waits: number[] = [];
    const sender = discordSender(createRest(harness.apiUrl, TOKEN), { sleep: async (ms) => void waits.push(ms) });
    const once = harness.respondWith(
      { method: "POST", path: `/channels/${CHANNEL}/messages` },
      { status: 429, body: { message: "You are being rate limited.", retry_after: 0.5, global: false } },
      { times: 1 },
    );
    await sender.send({ kind: "channel", id: CHANNEL }, { content: "after one 429" }, "nonce-a");
    expect(once.hits).toBe(1);
    expect(harness.messagesIn(CHANNEL)).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(500);

    waits.length = 0;
    const forever = harness.rateLimitChannel(LIMITED, 1);
    const failure = await sender.send({ kind: "channel", id: LIMITED }, { content: "never" }, "nonce-b").then(
      () => null,
      (error: unknown) => sendFailureOf(error),
    );
    expect(failure).toMatchObject({ outcome: "transient", status: 429, reason: expect.stringMatching(/^429 rate limited/) });
    expect(failure?.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(forever.hits).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it("sets aside at once (no wait) when Discord asks for more than the budget allows", async () => {
    const waits: number[] = [];
    const sender = discordSender(createRest(harness.apiUrl, TOKEN), { sleep: async (ms) => void waits.push(ms) });
    const forever = harness.rateLimitChannel(LIMITED, 30);
    const failure = await sender.send({ kind: "channel", id: LIMITED }, { content: "never" }, "nonce-c").then(
      () => null,
      (error: unknown) => sendFailureOf(error),
    );
    expect(failure).toMatchObject({ outcome: "transient", retryAfterMs: expect.any(Number) });
    expect(failure?.retryAfterMs).toBeGreaterThanOrEqual(30_000);
    expect(forever.hits).toBe(1);
    expect(waits).toEqual([]);
  });
});
