import { join } from "node:path";
import { startPaperbot, type RunningBot } from "../../src/main.js";
import { createMemoryLogger, type Clock } from "../../src/logger.js";
import type { Environment } from "../../src/config.js";
import { startDiscordHarness, type DiscordHarness, type DiscordHarnessOptions } from "./discord-harness.js";
import { tempDir, testEnv } from "./app.js";

export const TEST_TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.paperbot.test-token";

export interface TestBot {
  harness: DiscordHarness;
  bot: RunningBot;
  logs: ReturnType<typeof createMemoryLogger>;
  dataDir: string;
  close(): Promise<void>;
}

/** The real entry point (startPaperbot) against the loopback Discord, with a fresh database file. */
export async function startTestBot(
  options: { env?: Environment; clock?: Clock; harness?: DiscordHarnessOptions; buttonTtlMs?: number } = {},
): Promise<TestBot> {
  const harness = await startDiscordHarness(options.harness);
  const dataDir = tempDir("paperbot-e2e-");
  const logs = createMemoryLogger();
  const bot = await startPaperbot({
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
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.buttonTtlMs === undefined ? {} : { buttonTtlMs: options.buttonTtlMs }),
  });
  await bot.ready;
  return {
    harness,
    bot,
    logs,
    dataDir,
    async close() {
      await bot.stop();
      await harness.close();
    },
  };
}
