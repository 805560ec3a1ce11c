import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { migrate } from "../../src/db/migrations.js";
import { threadStore } from "../../src/db/threads.js";
import { paperThreadLinks } from "../../src/community/thread-links.js";

function store() {
  const db = openDatabase(":memory:");
  migrate(db);
  db.prepare(
    "INSERT INTO channel_follows (channel_id, guild_id, topic, created_by, created_at, locale) VALUES ('c1', 'g1', '', 'mod', '2026-01-01', 'ja')",
  ).run();
  return { db, threads: threadStore(db) };
}

describe("thread store (migration 16)", () => {
  it("keeps one thread per paper and guild; the first stays", () => {
    const { db, threads } = store();
    const now = new Date("2026-12-01T00:00:00Z");
    expect(threads.rememberThread({ guildId: "g1", paperId: "p", channelId: "c1", threadId: "t1" }, now)).toBe(true);
    expect(threads.rememberThread({ guildId: "g1", paperId: "p", channelId: "c2", threadId: "t2" }, now)).toBe(false);
    expect(threads.thread("g1", "p")?.threadId).toBe("t1");
    expect(threads.thread("g2", "p")).toBeNull();
    expect(paperThreadLinks(db)("g1", "p")).toBe("https://discord.com/channels/g1/t1");
    threads.forgetThread("t1");
    expect(paperThreadLinks(db)("g1", "p")).toBeNull();
    db.close();
  });

  it("discussion is a channel setting with the moderator to tell, and each notice is claimed once until cleared", () => {
    const { db, threads } = store();
    expect(threads.discussion("c1")).toEqual({ discuss: false, guildId: "g1", moderatorId: "mod", locale: "ja" });
    threads.setDiscuss("c1", true);
    expect(threads.discussion("c1")?.discuss).toBe(true);
    expect(threads.discussion("nope")).toBeNull();
    const now = new Date();
    expect(threads.claimNotice("c1", "g1", "CreatePublicThreads", now)).toBe(true);
    expect(threads.claimNotice("c1", "g1", "CreatePublicThreads", now)).toBe(false);
    expect(threads.claimNotice("c1", "g1", "ManageTags", now)).toBe(true);
    threads.clearNotices("c1");
    expect(threads.claimNotice("c1", "g1", "CreatePublicThreads", now)).toBe(true);
    db.close();
  });
});
