import { describe, expect, it } from "vitest";
import { alertNonce, createAlerts, matchingTopics, recordedLine, type AlertTransport } from "../../src/moderation/alerts.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { createModeration } from "../../src/moderation/index.js";
import { followStore } from "../../src/db/follows.js";
import { alertStore } from "../../src/db/alerts.js";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startServices } from "../../src/services.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";

let serial = 10_000;
function paperIn(app: ReturnType<typeof createTestApp>, title: string, abstractText: string) {
  serial += 1;
  const arxivId = `2405.${serial}`;
  const record = {
    arxivId,
    version: 1,
    title,
    abstract: abstractText,
    authors: ["A"],
    categories: ["cs.CL"],
    primaryCategory: "cs.CL",
    published: "2024-05-01T00:00:00Z",
    updated: "2024-05-01T00:00:00Z",
    comment: null,
    absUrl: `https://arxiv.org/abs/${arxivId}`,
    pdfUrl: `https://arxiv.org/pdf/${arxivId}`,
  };
  const added = createModeration(app).addPaper(
    entryFromArxiv(record, ["retrieval"], () => false),
    addedFromAbstract("m"),
    { id: "1", name: "m" },
  );
  if (!added.ok) throw new Error(added.key);
  return added.value;
}

describe("alert decisions", () => {
  it("match catalog topics exactly and keywords as whole words", () => {
    const app = createTestApp();
    const paper = paperIn(app, "Speculative decoding for retrieval", "We make decoding faster. Nothing about agents.");
    expect(matchingTopics(paper, ["retrieval", "agents", "speculative decoding", "decod", "faster", "alignment"]).sort()).toEqual([
      "faster",
      "retrieval",
      "speculative decoding",
    ]);
    expect(alertNonce({ paperId: "a", subscriber: "user:1" })).toHaveLength(25);
    expect(alertNonce({ paperId: "a", subscriber: "user:1" })).toBe(alertNonce({ paperId: "a", subscriber: "user:1" }));
    app.close();
  });

  it("at start, open intents inside ALERT_MAX_DELAY_HOURS are sent, older ones and stale attempts dropped", async () => {
    const clock = fixedClock(new Date("2026-11-26T12:00:00Z"));
    const app = createTestApp({}, clock);
    const follows = followStore(app.db);
    for (const id of ["1", "2", "3"]) follows.follow(`13000000000000005${id}0`, "en", "retrieval", clock.now());
    const paper = paperIn(app, "Retrieval paper", "About retrieval.");
    const sent: string[] = [];
    const transport: AlertTransport = { dm: async (userId) => (sent.push(userId), "sent"), post: async () => "sent" };
    const options = {
      db: app.db,
      clock,
      logger: app.logger,
      maxDelayMs: 24 * 3_600_000,
      paper: (id: string) => (id === paper.id ? paper : undefined),
    };
    expect(createAlerts({ ...options, transport: null }).fanout(paper)).toEqual({ users: 3, channels: 0 });
    // One intent was being sent when the process died three minutes ago: it may have arrived, so it is dropped.
    const store = alertStore(app.db);
    const [stale] = store.open(1);
    if (!stale) throw new Error("no intent");
    store.markAttempt(stale, clock.now());
    clock.advance(3 * 60_000);
    expect(await createAlerts({ ...options, transport }).deliver()).toEqual({ sent: 2, dropped: 1, retry: 0 });
    expect(store.summary()).toEqual({ sent: 2, uncertain: 1 });

    // A day and a bit later, a second paper's intents are past ALERT_MAX_DELAY_HOURS: dropped, not sent.
    const later = paperIn(app, "Retrieval again", "About retrieval.");
    createAlerts({ ...options, transport: null, paper: () => later }).fanout(later);
    clock.advance(25 * 3_600_000);
    sent.length = 0;
    expect(await createAlerts({ ...options, transport, paper: () => later }).deliver()).toEqual({ sent: 0, dropped: 3, retry: 0 });
    expect(sent).toEqual([]);
    expect(store.summary()).toEqual({ sent: 2, uncertain: 1, expired: 3 });
    app.close();
  });
});

describe("papers added by another process (the CLI)", () => {
  it("are picked up by the running bot at once (not at the catalog refresh), which also sends their recorded alerts", async () => {
    const dir = tempDir();
    const env = { DATABASE_PATH: join(dir, "bot.db"), BUNDLE_DIR: join(dir, "bundle"), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" };
    const bot = createTestApp(env);
    const sent: string[] = [];
    const transport: AlertTransport = { dm: async (userId) => (sent.push(userId), "sent"), post: async () => "sent" };
    const services = await startServices(bot, {
      directMessenger: () => ({ send: async () => "unavailable" }),
      discordStatus: () => "disabled",
      alertTransport: () => transport,
    });
    try {
      followStore(bot.db).follow("1300000000000000601", "en", "retrieval", new Date());
      const cli = createTestApp(env);
      const paper = paperIn(cli, "Retrieval from another process", "About retrieval.");
      createAlerts({
        db: cli.db,
        clock: cli.clock,
        logger: cli.logger,
        maxDelayMs: 86_400_000,
        paper: () => undefined,
        transport: null,
      }).fanout(paper);
      cli.close();
      // The next interaction sees the other process's commit (the router refreshes once before its handler, as here);
      // the catalog refresh job finds nothing more to do.
      services.refresh();
      expect(services.ctx.catalog.get(paper.id)?.title).toBe("Retrieval from another process");
      await services.scheduler.runNow("catalog-refresh");
      expect(services.ctx.catalog.get(paper.id)?.title).toBe("Retrieval from another process");
      await services.alerts.deliver();
      expect(sent).toEqual(["1300000000000000601"]);
    } finally {
      await services.stop();
      bot.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the CLI's alert count line", () => {
  it("uses the locale files' plurals", () => {
    expect(recordedLine({ users: 1, channels: 0 })).toBe("alerts recorded for 1 follower and 0 channels");
    expect(recordedLine({ users: 2, channels: 1 })).toBe("alerts recorded for 2 followers and 1 channel");
    expect(recordedLine({ users: 1, channels: 2 }, "ja")).toBe("通知を記録しました (フォロワー 1 人、チャンネル 2 件)");
  });
});
