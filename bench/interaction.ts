import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPaperbot } from "../src/main.js";
import { createLogger } from "../src/logger.js";
import { startDiscordHarness } from "../test/support/harness/index.js";
import { chatInput, option } from "../test/support/interactions.js";
import { testEnv } from "../test/support/app.js";
import { percentile } from "./lookup.js";

/** Time from INTERACTION_CREATE on the loopback gateway to the bot's first callback, for /paper. */
export async function benchInteractions(queries: string[], count: number): Promise<{ ack_p50_ms: number; ack_p99_ms: number; interactions: number }> {
  const harness = await startDiscordHarness();
  const dataDir = mkdtempSync(join(tmpdir(), "paperbot-bench-"));
  const bot = await startPaperbot({
    env: testEnv({
      DISCORD_TOKEN: "MTMwMDAwMDAwMDAwMDAwMDAwMQ.paperbot.bench-token",
      DISCORD_API_URL: harness.apiUrl,
      DATABASE_PATH: join(dataDir, "paperbot.db"),
      BUNDLE_DIR: join(dataDir, "bundle"),
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
    }),
    logger: createLogger("silent"),
  });
  await bot.ready;
  const timings: number[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const query = queries[index % queries.length] ?? "lora";
      const payload = chatInput({ name: "paper", options: [option.string("query", query)], locale: index % 2 === 0 ? "en-US" : "ja" });
      const callback = harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` }, 10_000);
      const start = performance.now();
      harness.dispatchInteraction(payload);
      const request = await callback;
      timings.push(request.receivedAt - start);
    }
  } finally {
    await bot.stop();
    await harness.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  timings.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { ack_p50_ms: round(percentile(timings, 0.5)), ack_p99_ms: round(percentile(timings, 0.99)), interactions: timings.length };
}
