import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { digestStore } from "../../src/db/digest.js";
import { followStore } from "../../src/db/follows.js";
import { createTestApp, repoRoot, tempDir, testEnv } from "../support/app.js";
import { addModeratorPapers, moderatorEntry, TEST_TOKEN } from "../support/digest.js";
import { dmChannelIdFor, startDiscordHarness, type DiscordHarness, type RecordedRequest } from "../support/harness/index.js";

const cliJs = join(repoRoot, "dist", "src", "cli", "index.js");
const built = existsSync(cliJs);
const GUILDS = ["1300000000000000001", "1300000000000000002", "1300000000000000003", "1300000000000000004"];
const CHANNELS = ["1300000000000000011", "1300000000000000012", "1300000000000000013", "1300000000000000014"];
const READERS = ["1400000000000000001", "1400000000000000002"];

function runCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [cliJs, ...args], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

const isMessagePost = (request: RecordedRequest) => request.method === "POST" && request.route === "POST /channels/:channel/messages";

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!built)("kill -9 of a spawned `paperbot digest run` between sends", () => {
  let harness: DiscordHarness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await harness?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sends each destination at most once, and the restart sends the rest", async () => {
    harness = await startDiscordHarness();
    for (const [index, guildId] of GUILDS.entries()) harness.addChannel(CHANNELS[index] ?? "", guildId);
    dir = tempDir("paperbot-digest-crash-");
    const env = testEnv({
      DATABASE_PATH: join(dir, "paperbot.db"),
      BUNDLE_DIR: join(dir, "bundle"),
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: harness.apiUrl,
    });
    const setup = createTestApp({ DATABASE_PATH: env["DATABASE_PATH"] ?? "" });
    const lastWeek = new Date(Date.now() - 7 * 86_400_000);
    addModeratorPapers(setup, [moderatorEntry(1), moderatorEntry(2)], lastWeek);
    for (const [index, guildId] of GUILDS.entries()) {
      digestStore(setup.db).setGuild({
        guildId,
        channelId: CHANNELS[index] ?? "",
        weekday: 1,
        time: "09:00",
        timeZone: "UTC",
        locale: "en",
        updatedBy: "1",
        updatedAt: lastWeek.toISOString(),
      });
    }
    for (const reader of READERS) followStore(setup.db).follow(reader, "ja", "retrieval", lastWeek);
    setup.close();

    // From the third message on, Discord "hangs": those requests are never answered, so never posted.
    let posts = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    onTestFinished(release);
    const hold = harness.respondWith(
      (request) => isMessagePost(request) && ++posts > 2,
      { status: 500, body: { message: "held" } },
      { until: released },
    );
    const first = runCli(["digest", "run", "--now"], env as Record<string, string>);
    const db = createTestApp({ DATABASE_PATH: env["DATABASE_PATH"] ?? "" });
    try {
      await until(
        () =>
          hold.hits > 0 &&
          (db.db.prepare("SELECT count(*) AS n FROM digest_deliveries WHERE status = 'sent'").get() as { n: number }).n === 2,
      );
      first.child.kill("SIGKILL");
      expect((await first.exited).signal).toBe("SIGKILL");
      hold.remove();

      const second = runCli(["digest", "run", "--now"], env as Record<string, string>);
      expect((await second.exited).code, second.stderr()).toBe(0);
      expect(second.stdout()).toMatch(/[1-9]\d* resumed/);
      const destinations = [...CHANNELS, ...READERS.map((reader) => dmChannelIdFor(reader))];
      const counts = destinations.map(
        (channel) =>
          harness?.requests.filter(
            (request) => isMessagePost(request) && request.params["channel"] === channel && request.response.status === 200,
          ).length,
      );
      expect(counts).toEqual(destinations.map(() => 1));
      const rows = db.db.prepare("SELECT status, count(*) AS n FROM digest_deliveries GROUP BY status").all();
      expect(rows).toEqual([{ status: "sent", n: 6 }]);

      const third = runCli(["digest", "run", "--now"], env as Record<string, string>);
      expect((await third.exited).code).toBe(0);
      expect(third.stdout()).toMatch(/0 due, 0 sent/);
      expect(db.db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(harness.connections).toHaveLength(0); // REST only: no gateway connection was opened
    } finally {
      first.child.kill("SIGKILL");
      db.close();
    }
  });
});
