import { describe, expect, it } from "vitest";
import { alertStore } from "../../src/db/alerts.js";
import { followStore } from "../../src/db/follows.js";
import { createAlerts, type AlertTransport } from "../../src/moderation/alerts.js";
import { createModeration } from "../../src/moderation/index.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { createTestApp, fixedClock } from "../support/app.js";
import { startTestBot } from "../support/bot.js";
import { dmChannelIdFor } from "../support/harness/index.js";

const KEYWORD = "mixture of experts";

function record(arxivId: string, title: string) {
  return {
    arxivId,
    version: 1,
    title,
    abstract: `We study ${KEYWORD}. A second sentence.`,
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

const followers = Array.from({ length: 12 }, (_, index) => `13000000000000007${String(index).padStart(2, "0")}`);

describe("one follower whose DMs Discord keeps rate-limiting", () => {
  it("does not hold up the 11 others (real discord.js REST, 429 Retry-After: 5 forever); it is set aside with its reason", async () => {
    const t = await startTestBot();
    try {
      for (const id of followers) t.bot.ctx.follows.follow(id, "en", KEYWORD, new Date());
      const [stuck = "", ...others] = followers;
      // The stuck follower's intent comes first in the delivery order (lowest id).
      const limit = t.harness.rateLimitChannel(dmChannelIdFor(stuck), 5);
      const since = t.harness.requests.length;
      const added = t.bot.ctx.moderation.addPaper(
        entryFromArxiv(record("2404.00071", "Sparse mixture of experts at scale"), ["efficiency"], () => false),
        addedFromAbstract("mod"),
        { id: "1", name: "mod" },
      );
      if (!added.ok) throw new Error(added.key);
      const delivered = (userId: string) =>
        t.harness.waitForRequest(
          (request) =>
            request.method === "POST" && request.path === `/channels/${dmChannelIdFor(userId)}/messages` && request.response.status === 200,
          { since, timeoutMs: 20_000 },
        );
      await Promise.all(others.map(delivered));
      // The pass is over: every intent is sent or set aside.
      await t.bot.alerts.deliver();
      const rows = t.bot.app.db
        .prepare("SELECT subscriber, outcome, sent_at FROM alert_intents WHERE paper_id = ? ORDER BY subscriber")
        .all(added.value.id) as { subscriber: string; outcome: string; sent_at: string | null }[];
      expect(rows.filter((row) => row.outcome === "sent")).toHaveLength(11);
      expect(rows[0]).toMatchObject({
        subscriber: `user:${stuck}`,
        sent_at: null,
        outcome: expect.stringMatching(/^retry: 429 .*retry after 5(\.\d)? s$/),
      });
      expect(t.harness.messagesIn(dmChannelIdFor(stuck))).toHaveLength(0);
      // A bounded budget: the stuck follower cost at most a few requests, not one every 5 s without end.
      expect(limit.hits).toBeGreaterThanOrEqual(1);
      expect(limit.hits).toBeLessThanOrEqual(3);
    } finally {
      await t.close();
    }
  });
});

describe("a destination set aside", () => {
  it("is not tried again before its time, is tried after it, and is dropped after ALERT_MAX_DELAY_HOURS", async () => {
    const clock = fixedClock(new Date("2026-11-26T12:00:00Z"));
    const app = createTestApp({}, clock);
    try {
      const follows = followStore(app.db);
      for (const id of followers.slice(0, 4)) follows.follow(id, "en", KEYWORD, clock.now());
      const added = createModeration(app).addPaper(
        entryFromArxiv(record("2404.00072", "Mixture of experts routing"), ["efficiency"], () => false),
        addedFromAbstract("m"),
        { id: "1", name: "m" },
      );
      if (!added.ok) throw new Error(added.key);
      const paper = added.value;
      const tries: string[] = [];
      let inFlight = 0;
      let mostInFlight = 0;
      const transport: AlertTransport = {
        dm: async (userId) => {
          tries.push(userId);
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await Promise.resolve();
          inFlight -= 1;
          return userId === followers[0] ? { retry: "429 rate limited (user); retry after 60 s", retryAfterMs: 60_000 } : "sent";
        },
        post: async () => "sent",
      };
      const alerts = createAlerts({ db: app.db, clock, logger: app.logger, maxDelayMs: 24 * 3_600_000, paper: () => paper, transport });
      expect(alerts.fanout(paper)).toEqual({ users: 4, channels: 0 });
      expect(await alerts.deliver()).toEqual({ sent: 3, dropped: 0, retry: 1 });
      expect(mostInFlight).toBeGreaterThan(1);
      expect(alertStore(app.db).summary()).toEqual({ sent: 3, "retry: 429 rate limited (user); retry after 60 s": 1 });

      tries.length = 0;
      clock.advance(30_000);
      expect(await alerts.deliver()).toEqual({ sent: 0, dropped: 0, retry: 1 });
      expect(tries).toEqual([]);
      clock.advance(31_000);
      expect(await alerts.deliver()).toEqual({ sent: 0, dropped: 0, retry: 1 });
      expect(tries).toEqual([followers[0]]);

      clock.advance(25 * 3_600_000);
      expect(await alerts.deliver()).toEqual({ sent: 0, dropped: 1, retry: 0 });
      expect(alertStore(app.db).summary()).toEqual({ sent: 3, expired: 1 });
      await alerts.stop();
    } finally {
      app.close();
    }
  });
});
