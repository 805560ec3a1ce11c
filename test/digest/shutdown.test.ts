// SIGTERM while a digest message is in flight to a slow Discord: the process exits within the grace period,
// and the next start finishes the destination without posting it twice.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { digestStore } from "../../src/db/digest.js";
import { latestDue } from "../../src/digest/week.js";
import { createTestApp, fixedClock } from "../support/app.js";
import { startTestBot, TEST_TOKEN } from "../support/bot.js";
import { DEFAULT_GUILD, startDiscordHarness } from "../support/harness/index.js";
import { within } from "../support/wait.js";
import { mainJs, spawnBot } from "../support/child.js";

const CHANNEL = "1200000000000000011";
/** README: "it exits 0 within the 10 s grace period". */
const GRACE_MS = 10_000;

describe("SIGTERM during a digest send", () => {
  it.skipIf(!existsSync(mainJs))(
    "the spawned bot exits 0 within the grace period; the next start posts the held destination once",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "paperbot-digest-stop-"));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const databasePath = join(dir, "paperbot.db");
      // The spawned process runs on the real clock: the guild's publication was an hour ago.
      const hourAgo = new Date(Date.now() - 3_600_000);
      const schedule = { weekday: ((hourAgo.getUTCDay() + 6) % 7) + 1, time: hourAgo.toISOString().slice(11, 16), timeZone: "UTC" };
      const edition = latestDue(new Date(), schedule).edition;
      const setup = createTestApp({ DATABASE_PATH: databasePath });
      digestStore(setup.db).setGuild({
        guildId: DEFAULT_GUILD.id,
        channelId: CHANNEL,
        ...schedule,
        locale: "en",
        updatedBy: "1",
        updatedAt: "2020-01-01T00:00:00Z",
      });
      setup.close();

      const slow = await startDiscordHarness();
      onTestFinished(() => slow.close());
      let reached: () => void = () => undefined;
      const inFlight = new Promise<void>((resolve) => (reached = resolve));
      slow.respondWith(
        { method: "POST", path: `/channels/${CHANNEL}/messages` },
        () => {
          reached();
          return { status: 500, body: { message: "never answered" } };
        },
        { until: new Promise(() => undefined) },
      );
      const bot = spawnBot(dir, {
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: slow.apiUrl,
        DATABASE_PATH: databasePath,
        LOG_LEVEL: "info",
      });
      const { child, exited } = bot;
      await within(inFlight, 20_000, `the digest post reaching Discord\n${bot.stderr()}`);

      child.kill("SIGTERM");
      const timeout = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), GRACE_MS).unref());
      expect(await Promise.race([exited, timeout])).toBe(0);
      expect(bot.stderr()).toContain("digest send abandoned: shutting down");
      const check = createTestApp({ DATABASE_PATH: databasePath });
      expect(digestStore(check.db).delivery(edition, "channel", CHANNEL)).toMatchObject({ status: "sending", messagesSent: 0 });
      check.close();

      const restarted = await startTestBot({
        clock: fixedClock(new Date(Date.now() + 60_000)),
        dataDir: dir,
        env: { DATABASE_PATH: databasePath },
      });
      onTestFinished(() => restarted.close());
      await restarted.harness.waitForRequest({ method: "POST", path: `/channels/${CHANNEL}/messages` }, { since: 0, timeoutMs: 10_000 });
      const store = digestStore(restarted.bot.app.db);
      await vi.waitFor(() => expect(store.delivery(edition, "channel", CHANNEL)?.status).toBe("sent"), { timeout: 10_000, interval: 20 });
      expect(restarted.harness.messagesIn(CHANNEL)).toHaveLength(1);
    },
  );
});
