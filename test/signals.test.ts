// Issue 7, fault 6: SIGTERM is honoured from the first moment, even while the Discord login hangs.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { startPaperbot, StartAborted } from "../src/main.js";
import { createMemoryLogger } from "../src/logger.js";
import { testEnv } from "./support/app.js";
import { TEST_TOKEN } from "./support/bot.js";
import { startDiscordHarness } from "./support/harness/index.js";
import { mainJs, spawnBot } from "./support/child.js";

/** What the test allows between SIGTERM and exit; the bot's own grace period is SHUTDOWN_GRACE_MS (10 s). */
const EXIT_WITHIN_MS = 5_000;

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "paperbot-signal-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("signals during start-up", () => {
  it.skipIf(!existsSync(mainJs))("SIGTERM while GET /gateway/bot hangs: exits 0 within the grace period", async () => {
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    const gateway = new Promise<void>((resolve) => {
      harness.respondWith(
        { method: "GET", path: "/gateway/bot" },
        () => {
          resolve();
          return { status: 200, body: {} };
        },
        { until: new Promise(() => undefined) },
      );
    });
    const dir = scratchDir();
    const bot = spawnBot(dir, {
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: harness.apiUrl,
      DATABASE_PATH: join(dir, "bot.db"),
      LOG_LEVEL: "info",
    });
    const { child, exited } = bot;
    // The request has reached the harness (the response function runs when it arrives; the answer is held forever).
    await gateway;
    child.kill("SIGTERM");
    const timeout = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), EXIT_WITHIN_MS).unref());
    expect(await Promise.race([exited, timeout])).toBe(0);
    expect(bot.stderr()).toContain("paperbot: SIGTERM received");
    expect(bot.stderr()).toContain('"msg":"discord login abandoned: shutting down"');
    expect(bot.stderr()).toContain('"msg":"http server closed"');
  });

  it("a refused gateway connection is logged at warn with the attempt count, and the start can be abandoned", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    const port = typeof address === "object" && address ? address.port : 9;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    harness.respondWith(
      { method: "GET", path: "/gateway/bot" },
      {
        status: 200,
        body: {
          url: `ws://127.0.0.1:${port}`,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
        },
      },
    );
    const dir = scratchDir();
    const logs = createMemoryLogger();
    const stop = new AbortController();
    const starting = startPaperbot({
      env: testEnv({
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: harness.apiUrl,
        DATABASE_PATH: join(dir, "bot.db"),
        BUNDLE_DIR: join(dir, "bundle"),
        HTTP_PORT: "0",
        HTTP_HOST: "127.0.0.1",
      }),
      logger: logs,
      signal: stop.signal,
    });
    const outcome = starting.catch((error: unknown) => error);
    const attempts = () =>
      logs.records.filter((record) => record["msg"] === "discord gateway connection failed, retrying").map((record) => record["attempt"]);
    await vi.waitFor(() => expect(attempts().slice(0, 2)).toEqual([1, 2]), { timeout: 10_000, interval: 50 });
    expect(logs.records.find((record) => record["attempt"] === 1)?.["level"]).toBe("warn");
    stop.abort();
    expect(await outcome).toBeInstanceOf(StartAborted);
    expect(logs.records.map((record) => record["msg"])).toContain("http server closed");
  });
});
