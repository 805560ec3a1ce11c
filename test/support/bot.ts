import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { startPaperbot, type RunningBot, type StartOptions } from "../../src/main.js";
import { createMemoryLogger, type Clock } from "../../src/logger.js";
import type { Environment } from "../../src/config.js";
import { startDiscordHarness, type DiscordHarness, type DiscordHarnessOptions } from "./harness/index.js";
import { testEnv } from "./app.js";

export const TEST_TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.paperbot.test-token";

export interface TestBot {
  harness: DiscordHarness;
  bot: RunningBot;
  logs: ReturnType<typeof createMemoryLogger>;
  dataDir: string;
  /** Stops the bot and the loopback Discord, and removes the data folder unless the caller owns it. Idempotent. */
  close(): Promise<void>;
}

export interface TestBotOptions {
  env?: Environment;
  clock?: Clock;
  harness?: DiscordHarnessOptions;
  /** Reuse a folder (e.g. to restart on the same database); the caller then removes it. */
  dataDir?: string;
  buttonTtlMs?: StartOptions["buttonTtlMs"];
  autoDeferMs?: StartOptions["autoDeferMs"];
}

/** The real entry point (startPaperbot) against the loopback Discord, with a fresh database file. */
export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const harness = await startDiscordHarness(options.harness);
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "paperbot-e2e-"));
  const removeDir = () => {
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const logs = createMemoryLogger();
  let bot: RunningBot;
  try {
    bot = await startPaperbot({
      env: testEnv({
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: harness.apiUrl,
        DATABASE_PATH: join(dataDir, "paperbot.db"),
        BUNDLE_DIR: join(dataDir, "bundle"),
        HTTP_PORT: "0",
        HTTP_HOST: "127.0.0.1",
        ...options.env,
      }),
      logger: logs,
      clock: options.clock,
      buttonTtlMs: options.buttonTtlMs,
      autoDeferMs: options.autoDeferMs,
    });
    await bot.ready;
  } catch (error) {
    await harness.close();
    removeDir();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    harness,
    bot,
    logs,
    dataDir,
    close() {
      closing ??= (async () => {
        try {
          await bot.stop();
        } finally {
          await harness.close();
          removeDir();
        }
      })();
      return closing;
    },
  };
}

/** startTestBot for the current test: closed (folder removed) when the test ends, passed or failed. */
export async function useTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const t = await startTestBot(options);
  onTestFinished(() => t.close());
  return t;
}
