import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { APIMessage } from "discord.js";
import { openDatabase } from "../../src/db/connection.js";
import { voteStore } from "../../src/db/votes.js";
import { mainJs, spawnBot } from "../support/child.js";
import { tempDir } from "../support/app.js";
import { TEST_TOKEN } from "../support/bot.js";
import { startDiscordHarness, type DiscordHarness } from "../support/harness/index.js";
import { button, chatInput, option } from "../support/interactions.js";
import { voteButtonLabel } from "../support/votes.js";

const LORA = "2106.09685";
const voter = { id: "1300000000000042001", username: "voter" };

async function answered(harness: DiscordHarness, payload: { id: string; token: string } & object): Promise<void> {
  const callback = harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` });
  harness.dispatchInteraction(payload);
  await callback;
}

async function postLora(harness: DiscordHarness): Promise<APIMessage> {
  const command = chatInput({ name: "paper", options: [option.string("query", "lora")] });
  await answered(harness, command);
  const message = harness.interaction(command.id)?.original;
  if (!message) throw new Error("no /paper answer");
  return message;
}

const label = (harness: DiscordHarness, message: APIMessage) => voteButtonLabel(harness, message, LORA);

describe.skipIf(!existsSync(mainJs))("votes across a crash (the built bot, killed with SIGKILL)", () => {
  it("a vote acknowledged before kill -9 is kept once, and the next start edits the posts it left stale", async () => {
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    const dir = tempDir();
    const env = { DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl, DATABASE_PATH: join(dir, "paperbot.db"), LOG_LEVEL: "warn" };

    // Discord holds every edit of the first bot unanswered: whenever its refresher runs, the kill lands between the
    // vote and the edit.
    let release = () => {};
    const held = harness.respondWith(
      { method: "PATCH", path: "/channels/:channel/messages/:message" },
      { status: 503 },
      { until: new Promise<void>((resolve) => (release = resolve)) },
    );
    onTestFinished(() => release());
    const first = spawnBot(dir, env);
    await harness.waitForReady({ since: 0, timeoutMs: 30_000 });
    const pressed = await postLora(harness);
    const other = await postLora(harness);
    await answered(harness, button({ customId: `vote:${LORA}`, message: pressed, user: voter }));
    // Acknowledged: the pressed message shows the vote; the other post waits for the refresher's interval.
    first.child.kill("SIGKILL");
    await first.exited;
    held.remove();
    release();
    expect(label(harness, pressed)).toBe("👍 1");
    expect(label(harness, other)).toBe("👍");

    const db = openDatabase(join(dir, "paperbot.db"), { readonly: true });
    try {
      expect(voteStore(db).total(LORA)).toBe(1);
      expect(voteStore(db).queued()).toBe(1);
    } finally {
      db.close();
    }

    const edited = harness.waitForRequest({ method: "PATCH", path: `/channels/:channel/messages/${other.id}` }, { timeoutMs: 30_000 });
    const second = spawnBot(dir, env);
    await edited;
    expect(label(harness, other)).toBe("👍 1");
    // The same member pressing again takes the vote back: it was stored once, not lost and not doubled.
    await harness.waitForReady({ since: 1, timeoutMs: 30_000 });
    await answered(harness, button({ customId: `vote:${LORA}`, message: other, user: voter }));
    expect(label(harness, other)).toBe("👍");
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const after = openDatabase(join(dir, "paperbot.db"), { readonly: true });
    try {
      expect(voteStore(after).total(LORA)).toBe(0);
    } finally {
      after.close();
    }
  }, 90_000);
});
