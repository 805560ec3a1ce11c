import { mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { DatabaseBusyError, DatabaseProblem, isBusy } from "./errors.js";

export type Db = Database.Database;

/** The busy timeout of the bot's own connection (migrations, catalog sync, scheduled jobs, the CLI). */
export const BUSY_TIMEOUT_MS = 5_000;
/** How long a write answering a user waits for another process's lock before answering "busy, try again". */
export const INTERACTION_BUSY_TIMEOUT_MS = 250;

/** Fails with a clear DatabaseProblem when the database's folder is a file or cannot be created. */
function ensureFolder(path: string): void {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    if (code === "EEXIST" || code === "ENOTDIR") {
      const blocker = firstNonFolder(folder);
      throw new DatabaseProblem(path, `${blocker} is a file, not a folder`, "move that file away, or point DATABASE_PATH elsewhere", {
        cause: error,
      });
    }
    throw new DatabaseProblem(
      path,
      `cannot create the folder ${folder} (${code || String(error)})`,
      "create it, or let this user write there",
      { cause: error },
    );
  }
}

function firstNonFolder(folder: string): string {
  let current = folder;
  for (;;) {
    try {
      if (!statSync(current).isDirectory()) return current;
    } catch {
      // Missing: look higher up.
    }
    const parent = dirname(current);
    if (parent === current) return folder;
    current = parent;
  }
}

/**
 * Opens the database with the settings every connection needs; `:memory:` works for tests.
 * `readonly` opens an existing file without writing anything (no WAL switch, no migrations).
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Db {
  const memory = path === ":memory:";
  if (!memory && !options.readonly) ensureFolder(path);
  let db: Db | undefined;
  try {
    db = new Database(path, options.readonly && !memory ? { readonly: true, fileMustExist: true } : {});
    // The first statement reads the header, so a file that is not a database fails here, inside the try.
    if (!memory && !options.readonly && db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
    else db.pragma("schema_version", { simple: true });
    db.pragma("foreign_keys = ON");
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) db.pragma("synchronous = NORMAL");
    return db;
  } catch (error) {
    db?.close();
    if (options.readonly && !memory && needsSharedMemoryFile(error, path)) return snapshotInMemory(path);
    throw DatabaseProblem.from(error, path);
  }
}

/**
 * A WAL database read by a user who may not create its "-shm" file (a read-only folder) cannot be opened
 * read-only; with nothing pending in "-wal" the main file holds everything, so read a copy of it instead.
 */
function needsSharedMemoryFile(error: unknown, path: string): boolean {
  const code = error instanceof Database.SqliteError ? error.code : "";
  if (code !== "SQLITE_READONLY_DIRECTORY" && code !== "SQLITE_READONLY_CANTINIT" && code !== "SQLITE_CANTOPEN") return false;
  try {
    return statSync(`${path}-wal`).size === 0;
  } catch {
    return true;
  }
}

function snapshotInMemory(path: string): Db {
  try {
    const db = databaseFromBytes(readFileSync(path));
    db.pragma("schema_version", { simple: true });
    return db;
  } catch (error) {
    throw DatabaseProblem.from(error, path);
  }
}

/** An in-memory database holding the same data, to migrate or sync without touching the file. */
export function memoryCopy(db: Db): Db {
  return databaseFromBytes(db.serialize());
}

function databaseFromBytes(bytes: Buffer): Db {
  // Bytes 18-19 say "WAL" (2); an in-memory database has no WAL, so mark it as a rollback-journal file (1).
  if (bytes.length >= 20) bytes.fill(1, 18, 20);
  const db = new Database(bytes);
  db.pragma("foreign_keys = ON");
  return db;
}

/**
 * Runs a write with a short busy timeout, so a lock held by another process costs a user 250 ms and a
 * "busy, try again" instead of freezing the whole bot for the 5 s default. Throws DatabaseBusyError.
 */
export function withShortBusyTimeout<T>(db: Db, write: () => T, timeoutMs: number = INTERACTION_BUSY_TIMEOUT_MS): T {
  const previous = Number(db.pragma("busy_timeout", { simple: true }));
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(timeoutMs))}`);
  try {
    return write();
  } catch (error) {
    if (isBusy(error)) throw new DatabaseBusyError(db.name, { cause: error });
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}

export type DatabaseState = "ok" | "locked" | "error";

/** For /healthz: can this connection read, and could it take the write lock right now (without waiting)? */
export function databaseState(db: Db): DatabaseState {
  try {
    if (!db.open) return "error";
    db.prepare("SELECT 1").get();
    if (db.readonly || db.inTransaction || db.memory) return "ok";
    withShortBusyTimeout(
      db,
      () => {
        db.exec("BEGIN IMMEDIATE");
        db.exec("ROLLBACK");
      },
      0,
    );
    return "ok";
  } catch (error) {
    return error instanceof DatabaseBusyError ? "locked" : "error";
  }
}
