import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import Parser from "rss-parser";
import { MessageFlags, type APIMessage } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { followStore } from "../../src/db/follows.js";
import { createTestApp, fixedClock, tempDir } from "../support/app.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { addModeratorPapers, moderatorEntry } from "../support/digest.js";
import { DEFAULT_GUILD, dmChannelIdFor } from "../support/harness/index.js";
import { button } from "../support/interactions.js";

const CHANNEL = "1200000000000000011";
const READER = "1400000000000000001";

describe("the running bot and the weekly digest", () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it("catches up at start (publication 2 hours ago), then serves it on the web; the bundle button answers privately", async () => {
    const dir = tempDir("paperbot-digest-bot-");
    const databasePath = join(dir, "paperbot.db");
    const setup = createTestApp({ DATABASE_PATH: databasePath });
    addModeratorPapers(setup, [moderatorEntry(1, { title: "A <b>bold</b> claim" })], new Date("2026-11-25T10:00:00Z"));
    digestStore(setup.db).setGuild({
      guildId: DEFAULT_GUILD.id,
      channelId: CHANNEL,
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: "2026-11-01T00:00:00Z",
    });
    followStore(setup.db).follow(READER, "ja", undefined, new Date("2026-11-01T00:00:00Z"));
    setup.close();

    const clock = fixedClock(new Date("2026-11-30T11:00:00Z"));
    t = await startTestBot({
      clock,
      env: { DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example", BUNDLE_REQUIRES_FOLLOW: "false" },
    });
    const posted = await t.harness.waitForRequest(
      { method: "POST", path: `/channels/${CHANNEL}/messages` },
      { since: 0, timeoutMs: 10_000 },
    );
    expect(posted.response.status).toBe(200);
    await t.harness.waitForRequest(
      { method: "POST", path: `/channels/${dmChannelIdFor(READER)}/messages` },
      { since: 0, timeoutMs: 10_000 },
    );
    const message = t.harness.messagesIn(CHANNEL)[0] as APIMessage;
    expect(message.embeds[0]?.title).toBe("LLM papers digest · 2026-W48");
    expect(t.harness.messagesIn(dmChannelIdFor(READER))[0]?.embeds[0]?.title).toBe("LLM 論文ダイジェスト · 2026-W48");

    const atom = await (await fetch(`${t.bot.http.url}/digest.atom`)).text();
    const feed = await new Parser().parseString(atom);
    expect(feed.items[0]?.link).toBe("https://paperbot.example/digest/2026-W48");
    const page = await fetch(`${t.bot.http.url}/digest/2026-W48`);
    expect(await page.text()).toContain("A &lt;b&gt;bold&lt;/b&gt; claim");

    const press = button({ customId: "digest-bundle", message, guildId: DEFAULT_GUILD.id, channelId: CHANNEL });
    const callback = t.harness.waitForRequest({ method: "POST", path: `/interactions/${press.id}/${press.token}/callback` });
    t.harness.dispatchInteraction(press);
    const body = (await callback).body as { data: { flags?: number; embeds?: { title?: string }[] } };
    expect(body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(body.data.embeds?.[0]?.title).toBe("The LLM reading list, packaged");
  });
});
