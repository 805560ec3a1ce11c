import { afterEach, describe, expect, it, vi } from "vitest";
import { REFRESH_INTERVAL_MS, RETRY_AFTER_MS, VoteRefresher, type ButtonEditor } from "../../src/community/refresher.js";
import { row } from "../../src/shared/embeds.js";
import { voteButton } from "../../src/community/buttons.js";
import { communityVotes } from "../../src/community/votes.js";
import { openDatabase } from "../../src/db/connection.js";
import { migrate } from "../../src/db/migrations.js";
import { voteStore } from "../../src/db/votes.js";
import { createMemoryLogger } from "../../src/logger.js";
import { fixedClock } from "../support/app.js";

const CHANNEL = "1200000000000000011";
const KEY = "2106.09685";

function setUp(outcome: (messageId: string) => "edited" | "gone" | "retry" = () => "edited") {
  const db = openDatabase(":memory:");
  migrate(db);
  const clock = fixedClock();
  const store = voteStore(db);
  const edits: { messageId: string; label: string }[] = [];
  const editor: ButtonEditor = {
    edit: async (_channelId, messageId, components) => {
      const first = components[0]?.components[0];
      edits.push({ messageId, label: first && "label" in first ? first.label : "" });
      return outcome(messageId);
    },
  };
  const refresher = new VoteRefresher({ store, editor, clock, logger: createMemoryLogger() });
  const votes = communityVotes(store, clock, () => refresher.poke());
  const post = (id: string) => votes.posted(CHANNEL, id, [row(voteButton(KEY))]);
  const press = (n: number) => votes.press({ paperKey: KEY, voterId: `13000000000000${4000 + n}`, guildId: null, message: null });
  return { db, clock, store, edits, refresher, post, press };
}

afterEach(() => void vi.useRealTimers());

describe("the vote refresher (injected clock, fake timers)", () => {
  it("edits what a previous run left queued as soon as it starts, once per message", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const t = setUp();
    t.post("m1");
    t.post("m2");
    for (let n = 0; n < 3; n += 1) t.press(n); // no refresher running: the queue is in the database
    expect(t.store.queued()).toBe(2);
    t.refresher.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.edits).toEqual([
      { messageId: "m1", label: "👍 3" },
      { messageId: "m2", label: "👍 3" },
    ]);
    expect(t.store.queued()).toBe(0);
    await t.refresher.stop();
    t.db.close();
  });

  it("a burst of votes makes one edit per message per interval", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const t = setUp();
    t.post("m1");
    t.refresher.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let n = 0; n < 30; n += 1) {
      t.press(n);
      t.clock.advance(100);
      await vi.advanceTimersByTimeAsync(100);
    }
    // 30 votes over 3 s: edits at most once per interval.
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS);
    t.clock.advance(REFRESH_INTERVAL_MS);
    await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS);
    expect(t.edits.length).toBeLessThanOrEqual(2);
    expect(t.edits.at(-1)).toEqual({ messageId: "m1", label: "👍 30" });
    await t.refresher.stop();
    t.db.close();
  });

  it("forgets a message that is gone; retries one Discord failed to edit", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let failing = true;
    const t = setUp((id) => (id === "gone" ? "gone" : failing ? "retry" : "edited"));
    t.post("gone");
    t.post("flaky");
    t.press(1);
    t.refresher.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.store.isPosted("gone")).toBe(false);
    expect(t.store.queued()).toBe(1);
    failing = false;
    t.clock.advance(RETRY_AFTER_MS);
    await vi.advanceTimersByTimeAsync(RETRY_AFTER_MS);
    expect(t.store.queued()).toBe(0);
    expect(t.edits.filter((edit) => edit.messageId === "flaky")).toHaveLength(2);
    await t.refresher.stop();
    t.db.close();
  });
});
