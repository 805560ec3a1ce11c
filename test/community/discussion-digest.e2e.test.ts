/** The weekly digest links each paper to its discussion thread in the guild, where one exists. */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { APIEmbed } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { threadStore } from "../../src/db/threads.js";
import { paperThreadLinks } from "../../src/community/thread-links.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { addModeratorPapers, harnessDeps, moderatorEntry, runDigest } from "../support/digest.js";
import { DEFAULT_GUILD } from "../support/harness/index.js";

const DIGEST_CHANNEL = "1200000000000000011";
const THREAD = "1400000000000000777";
const SUNDAY = new Date("2026-11-29T11:00:00Z");
const MONDAY_11 = new Date("2026-11-30T11:00:00Z");

let t: TestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("digest thread links", () => {
  it("a paper with a thread in the guild links to it; a paper without one has no link", async () => {
    const dir = tempDir("paperbot-digest-threads-");
    const databasePath = join(dir, "paperbot.db");
    const app = createTestApp({ DATABASE_PATH: databasePath });
    const [withThread, without] = [moderatorEntry(1), moderatorEntry(2)];
    addModeratorPapers(app, [withThread, without], new Date("2026-11-25T10:00:00Z"));
    digestStore(app.db).setGuild({
      guildId: DEFAULT_GUILD.id,
      channelId: DIGEST_CHANNEL,
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: "2026-11-01T00:00:00Z",
    });
    threadStore(app.db).rememberThread(
      { guildId: DEFAULT_GUILD.id, paperId: withThread.id, channelId: DIGEST_CHANNEL, threadId: THREAD },
      new Date("2026-11-25T10:00:00Z"),
    );
    app.close();
    const clock = fixedClock(SUNDAY);
    t = await startTestBot({ clock, env: { DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example" } });
    clock.advance(MONDAY_11.getTime() - SUNDAY.getTime());
    const deps = harnessDeps(t.bot.app, t.harness.apiUrl, clock, { threadLinks: paperThreadLinks(t.bot.app.db) });
    expect(await runDigest(deps, { force: false })).toMatchObject({ sent: 1 });
    const text = t.harness
      .messagesIn(DIGEST_CHANNEL)
      .flatMap((message) => (message.embeds as APIEmbed[]).map((embed) => embed.description ?? ""))
      .join("\n");
    const link = `[💬 discussion](https://discord.com/channels/${DEFAULT_GUILD.id}/${THREAD})`;
    // One entry (a paragraph: title, byline, line, links) carries the link: the paper's own.
    const entries = text.split("\n\n");
    expect(entries.filter((entry) => entry.includes(link))).toHaveLength(1);
    expect(entries.find((entry) => entry.includes(link))).toContain(withThread.title.slice(0, 20));
    expect(text.match(/💬/g)).toHaveLength(1);
  });
});
