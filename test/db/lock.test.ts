// Issue 7, fault 4: another process holding the write lock neither stops the bot from starting nor freezes it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { MessageFlags } from "discord.js";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadCatalog } from "../../src/catalog/load.js";
import { syncCatalog } from "../../src/catalog/sync.js";
import { INTERACTION_BUSY_TIMEOUT_MS, withShortBusyTimeout } from "../../src/db/connection.js";
import { DatabaseBusyError } from "../../src/db/errors.js";
import { bundleSecret, settingsStore } from "../../src/db/settings.js";
import { startPaperbot } from "../../src/main.js";
import { createMemoryLogger } from "../../src/logger.js";
import { t as translate } from "../../src/i18n/index.js";
import { catalogPath, createTestApp, testEnv } from "../support/app.js";
import { startTestBot, TEST_TOKEN, type TestBot } from "../support/bot.js";
import { startDiscordHarness } from "../support/harness/index.js";
import { chatInput, option } from "../support/interactions.js";
import { catalogSize } from "../support/catalog-size.js";

interface CallbackBody {
  type: number;
  data: { content?: string; flags?: number };
}

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "paperbot-lock-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A second connection, like another process, holding the write lock until the test ends. */
function holdWriteLock(path: string): Database.Database {
  const locker = new Database(path);
  locker.pragma("busy_timeout = 0");
  locker.exec("BEGIN IMMEDIATE");
  onTestFinished(() => {
    if (locker.inTransaction) locker.exec("ROLLBACK");
    locker.close();
  });
  return locker;
}

async function send(bot: TestBot, payload: ReturnType<typeof chatInput>): Promise<CallbackBody> {
  const callback = bot.harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` });
  bot.harness.dispatchInteraction(payload);
  return (await callback).body as CallbackBody;
}

describe("start-up writes nothing when nothing changed", () => {
  it("the stored bundle secret and an unchanged catalog need no write lock", () => {
    const path = join(scratchDir(), "bot.db");
    const app = createTestApp({ DATABASE_PATH: path });
    onTestFinished(() => app.close());
    const secret = bundleSecret(app.db, undefined);
    holdWriteLock(path);
    app.db.pragma("busy_timeout = 0");
    expect(bundleSecret(app.db, undefined)).toBe(secret);
    expect(settingsStore(app.db).getOrCreate("bundle_secret", () => "unused")).toBe(secret);
    const report = syncCatalog(app.db, loadCatalog(catalogPath).papers, new Date());
    expect(report).toMatchObject({ inserted: [], updated: [], removed: [], unchanged: catalogSize });
  });

  it("the bot starts, and gets READY, while another process holds the write lock", async () => {
    const dir = scratchDir();
    const env = testEnv({ DATABASE_PATH: join(dir, "bot.db"), BUNDLE_DIR: join(dir, "bundle"), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1" });
    const first = createTestApp(env);
    bundleSecret(first.db, undefined);
    first.close();
    holdWriteLock(join(dir, "bot.db"));
    const harness = await startDiscordHarness();
    onTestFinished(() => harness.close());
    const bot = await startPaperbot({
      env: { ...env, DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl },
      logger: createMemoryLogger(),
    });
    onTestFinished(() => bot.stop());
    await bot.ready;
    expect(bot.app.catalog.size).toBe(catalogSize);
  });
});

describe("writes answering users give up quickly under a lock", () => {
  it("/follow says 'busy, try again' privately, in the user's language, without needing a deferral; /healthz says locked", async () => {
    const bot = await startTestBot();
    onTestFinished(() => bot.close());
    const locker = holdWriteLock(bot.bot.app.config.databasePath);

    const busy = await send(bot, chatInput({ name: "follow", options: [option.string("topic", "agents")] }));
    // Type 4 (an answer), not 5 (a deferral): the 5 s busy timeout would have needed one after 2 s.
    expect(busy).toMatchObject({ type: 4, data: { content: translate("en", "errors.busy"), flags: MessageFlags.Ephemeral } });
    const busyJa = await send(bot, chatInput({ name: "follow", locale: "ja" }));
    expect(busyJa.data.content).toBe(translate("ja", "errors.busy"));
    expect(bot.logs.records.filter((record) => record["level"] === "error")).toEqual([]);

    const locked = await fetch(`${bot.bot.http.url}/healthz`);
    expect(locked.status).toBe(503);
    expect(await locked.json()).toMatchObject({ status: "degraded", database: "locked" });

    locker.exec("ROLLBACK");
    const followed = await send(bot, chatInput({ name: "follow", options: [option.string("topic", "agents")] }));
    expect(followed.data.content).toMatch(/You're following paperbot/);
    const healthy = await fetch(`${bot.bot.http.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ database: "ok" });
  });

  it("withShortBusyTimeout turns SQLITE_BUSY into DatabaseBusyError and restores the connection's timeout", () => {
    const path = join(scratchDir(), "bot.db");
    const app = createTestApp({ DATABASE_PATH: path });
    onTestFinished(() => app.close());
    holdWriteLock(path);
    const before = app.db.pragma("busy_timeout", { simple: true });
    expect(INTERACTION_BUSY_TIMEOUT_MS).toBeLessThanOrEqual(250);
    expect(() =>
      withShortBusyTimeout(app.db, () => app.db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'v')").run(), 0),
    ).toThrow(DatabaseBusyError);
    expect(app.db.pragma("busy_timeout", { simple: true })).toBe(before);
  });
});
