import { join } from "node:path";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { digestStore } from "../../src/db/digest.js";
import { createTestApp, fixedClock, tempDir, testEnv } from "../support/app.js";
import { harnessDeps, runDigest, TEST_TOKEN } from "../support/digest.js";
import { startDiscordHarness } from "../support/harness/index.js";

const GUILD = "1300000000000000001";
const CHANNEL = "1300000000000000011";

describe("digest run beside a running one", () => {
  it("says another run is in progress (with its progress), not 'nothing due', and sends nothing twice", async () => {
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    harness.addChannel(CHANNEL, GUILD);
    const databasePath = join(tempDir("paperbot-digest-race-"), "paperbot.db");
    // The CLI reads the real clock: last week's edition, due for a guild created long ago.
    const clock = fixedClock(new Date());
    const app = createTestApp({ DATABASE_PATH: databasePath }, clock);
    onTestFinished(() => app.close());
    digestStore(app.db).setGuild({
      guildId: GUILD,
      channelId: CHANNEL,
      weekday: 1,
      time: "00:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: "2020-01-01T00:00:00Z",
    });
    let release: () => void = () => undefined;
    const held = harness.respondWith(
      { method: "POST", path: `/channels/${CHANNEL}/messages` },
      { status: 503, body: { message: "held" } },
      { times: 1, until: new Promise<void>((resolve) => (release = resolve)) },
    );
    const first = runDigest(harnessDeps(app, harness.apiUrl, clock), { force: true });
    await vi.waitFor(() => expect(held.hits).toBe(1), { timeout: 5_000, interval: 10 });

    const out: string[] = [];
    const cli: CliIo = {
      stdout: (text) => void out.push(text),
      stderr: () => undefined,
      stdin: async function* () {},
      env: testEnv({ DATABASE_PATH: databasePath, DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl }),
    };
    expect(await runCli(["digest", "run", "--now"], cli)).toBe(0);
    expect(out.join("")).toMatch(
      /^digest \(nothing due here\): 0 due, 0 sent.*\nanother digest run \(#1, started .*\) is in progress: 0 sent, 1 remaining; it sends what it has claimed\n$/,
    );
    release();
    expect(await first).toMatchObject({ sent: 1 });
    expect(harness.messagesIn(CHANNEL)).toHaveLength(1);
  });
});
