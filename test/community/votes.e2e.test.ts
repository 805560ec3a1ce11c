import { describe, expect, it, vi } from "vitest";
import { MessageFlags, type APIMessage } from "discord.js";
import { button, chatInput, option } from "../support/interactions.js";
import { fixedClock } from "../support/app.js";
import { useTestBot, type TestBot } from "../support/bot.js";
import { original, send, useFakeTimeouts } from "../support/e2e.js";
import { REFRESH_INTERVAL_MS } from "../../src/community/refresher.js";
import { voteStore } from "../../src/db/votes.js";
import { voteButtonLabel } from "../support/votes.js";

const LORA = "2106.09685";
const member = (n: number) => ({ id: `13000000000000${String(1000 + n)}`, username: `member${n}` });

function voteLabel(t: TestBot, message: APIMessage): string | undefined {
  return voteButtonLabel(t.harness, message, LORA);
}

async function postLora(t: TestBot): Promise<APIMessage> {
  const command = chatInput({ name: "paper", options: [option.string("query", "lora")] });
  await send(t, command);
  return original(t, command);
}

function press(t: TestBot, message: APIMessage, user: { id: string; username: string; bot?: boolean }) {
  const current = t.harness.messagesIn(message.channel_id).find((m) => m.id === message.id) ?? message;
  return send(t, button({ customId: `vote:${LORA}`, message: current, user }));
}

/** Waits (on the event loop, not on timers) until `done` holds: the refresher's bookkeeping after Discord answered. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 20_000 && !done(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

const edits = (t: TestBot) => t.harness.findRequests({ method: "PATCH", path: "/channels/:channel/messages/:message" });

describe("votes through Discord", () => {
  it("a /paper answer carries 👍; a vote, a toggle, a second member; a bot's press is not counted", async () => {
    const t = await useTestBot({ clock: fixedClock() });
    const post = await postLora(t);
    expect(voteLabel(t, post)).toBe("👍");

    const first = await press(t, post, member(1));
    expect(first.type).toBe(7); // UpdateMessage: the press is acknowledged by relabelling the pressed message
    expect(first.data).not.toHaveProperty("embeds"); // only the buttons change
    expect(voteLabel(t, post)).toBe("👍 1");

    await press(t, post, member(2));
    expect(voteLabel(t, post)).toBe("👍 2");

    await press(t, post, member(1)); // pressed again: taken back
    expect(voteLabel(t, post)).toBe("👍 1");

    const bot = await press(t, post, { ...member(3), bot: true });
    expect(bot.type).toBe(4);
    expect(bot.data.flags).toBe(MessageFlags.Ephemeral);
    expect(bot.data.content).toMatch(/Bots and webhooks can't vote/);
    expect(voteLabel(t, post)).toBe("👍 1");

    const store = voteStore(t.bot.app.db);
    expect(store.total(LORA)).toBe(1);
    expect(store.votesOf(member(2).id).map((vote) => vote.paperKey)).toEqual([LORA]);
    expect(store.votesOf(member(1).id)).toEqual([]);
  });

  it("other posts of the paper follow; 50 votes in a burst make one edit per other post", async () => {
    const clock = fixedClock();
    const t = await useTestBot({ clock });
    const pressed = await postLora(t);
    const others = [await postLora(t), await postLora(t)];
    useFakeTimeouts();
    for (let n = 0; n < 50; n += 1) await press(t, pressed, member(n));
    expect(voteLabel(t, pressed)).toBe("👍 50");
    expect(edits(t)).toEqual([]); // nothing edited before the interval is over

    clock.advance(REFRESH_INTERVAL_MS);
    const done = t.harness.waitForRequest({ method: "PATCH", path: `/channels/:channel/messages/${others[1]?.id}` });
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS);
    await done;
    expect(edits(t).length).toBe(2);
    for (const other of others) expect(voteLabel(t, other)).toBe("👍 50");
    await until(() => voteStore(t.bot.app.db).queued() === 0);
    expect(edits(t).length).toBe(2);
  });
});
