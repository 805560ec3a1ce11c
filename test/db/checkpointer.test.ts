/** The WAL is checkpointed by a thread of its own, so no write on the main thread pays for the copy and its fsync. */
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  DEFAULT_AUTOCHECKPOINT_PAGES,
  WalCheckpointer,
  type CheckpointResult,
} from "../../src/db/checkpointer.js";
import { openDatabase } from "../../src/db/connection.js";
import { createLogger } from "../../src/logger.js";
import { tempDir } from "../support/temp.js";

const logger = createLogger("silent");

function nextCheckpoint(results: CheckpointResult[], waiters: ((result: CheckpointResult) => void)[]) {
  return new Promise<CheckpointResult>((resolve) => waiters.push(resolve)).then((result) => (results.push(result), result));
}

describe("WalCheckpointer", () => {
  it("copies what the main connection wrote into the database file, and the writers' own threshold is a backstop meanwhile", async () => {
    const path = join(tempDir(), "wal.db");
    const db = openDatabase(path);
    const waiters: ((result: CheckpointResult) => void)[] = [];
    const results: CheckpointResult[] = [];
    const checkpointer = new WalCheckpointer({ db, path, logger, intervalMs: 20, onCheckpoint: (result) => waiters.shift()?.(result) });
    try {
      db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
      checkpointer.start();
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
      const insert = db.prepare("INSERT INTO notes (body) VALUES (?)");
      db.transaction(() => {
        for (let index = 0; index < 2_000; index += 1) insert.run("x".repeat(400));
      })();
      // Wait for a checkpoint that saw this write: every frame of the WAL is then in the database file.
      let result = await nextCheckpoint(results, waiters);
      while (result.log === 0 || result.checkpointed < result.log) result = await nextCheckpoint(results, waiters);
      expect(result.busy).toBe(0);
      expect(result.checkpointed).toBe(result.log);
      // The database file itself now holds the rows.
      const size = statSync(path).size;
      expect(size).toBeGreaterThan(2_000 * 400);
    } finally {
      await checkpointer.stop();
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
      db.close();
    }
    const reader = new Database(path, { readonly: true });
    try {
      expect(reader.prepare("SELECT count(*) AS n FROM notes").get()).toEqual({ n: 2_000 });
    } finally {
      reader.close();
    }
  });

  it("does nothing for an in-memory database, and stop() without start() returns at once", async () => {
    const db = openDatabase(":memory:");
    const checkpointer = new WalCheckpointer({ db, path: ":memory:", logger });
    try {
      checkpointer.start();
      expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it("stops after a last checkpoint, even when called twice", async () => {
    const path = join(tempDir(), "twice.db");
    const db = openDatabase(path);
    const results: CheckpointResult[] = [];
    const checkpointer = new WalCheckpointer({ db, path, logger, intervalMs: 60_000, onCheckpoint: (result) => results.push(result) });
    try {
      db.exec("CREATE TABLE t (x)");
      checkpointer.start();
      db.prepare("INSERT INTO t VALUES (1)").run();
      await Promise.all([checkpointer.stop(), checkpointer.stop()]);
      // No timer fired (a minute apart): the one checkpoint is the last one, on stop, and it copied the whole WAL.
      expect(results).toHaveLength(1);
      expect(results[0]?.log).toBeGreaterThan(0);
      expect(results[0]?.checkpointed).toBe(results[0]?.log);
    } finally {
      db.close();
    }
  });
});
