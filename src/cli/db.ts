import { existsSync, statSync } from "node:fs";
import { loadConfig, UsageError, type Handler } from "./kit.js";
import { openDatabase, type Db } from "../db/connection.js";
import { DatabaseProblem, isCorruption } from "../db/errors.js";
import { latestSchemaVersion, schemaVersion } from "../db/migrations.js";
import { EXIT } from "../failures.js";

/** The existing database file, opened read-only (never created: a typo in DATABASE_PATH should not make an empty one). */
function openExisting(path: string): Db {
  if (path !== ":memory:" && !existsSync(path)) {
    throw new DatabaseProblem(path, "does not exist", "check DATABASE_PATH (the bot creates the file when it first starts)");
  }
  return openDatabase(path, { readonly: true });
}

interface CheckLine {
  label: string;
  ok: boolean;
  text: string;
}

/** Runs one part of `db check`; a damaged file is a finding to report, not a crash. */
function checkStep(label: string, run: () => { ok: boolean; text: string }): CheckLine {
  try {
    return { label, ...run() };
  } catch (error) {
    if (!isCorruption(error)) throw error;
    return { label, ok: false, text: `damaged (${error instanceof Error ? error.message : String(error)})` };
  }
}

const MAX_INTEGRITY_LINES = 10;

function checkDatabase(path: string): CheckLine[] {
  let db: Db;
  try {
    db = openExisting(path);
  } catch (error) {
    if (error instanceof DatabaseProblem && isCorruption(error.cause)) return [{ label: "integrity", ok: false, text: error.problem }];
    throw error;
  }
  try {
    return [
      checkStep("integrity", () => {
        const rows = (db.pragma("integrity_check") as { integrity_check: string }[]).flatMap((row) => row.integrity_check.split("\n"));
        if (rows.length === 1 && rows[0] === "ok") return { ok: true, text: "ok" };
        const shown = rows
          .slice(0, MAX_INTEGRITY_LINES)
          .map((row) => `\n  ${row}`)
          .join("");
        const more = rows.length > MAX_INTEGRITY_LINES ? `\n  … ${rows.length - MAX_INTEGRITY_LINES} more` : "";
        return { ok: false, text: `damaged${shown}${more}` };
      }),
      checkStep("foreign keys", () => {
        const violations = (db.pragma("foreign_key_check") as unknown[]).length;
        return { ok: violations === 0, text: violations === 0 ? "ok" : `${violations} violations` };
      }),
      checkStep("schema version", () => {
        const version = schemaVersion(db);
        const latest = latestSchemaVersion();
        const note =
          version < latest ? " (pending migrations run at the next start)" : version > latest ? " (newer than this paperbot)" : "";
        return { ok: version === latest, text: `${version} of ${latest}${note}` };
      }),
    ];
  } finally {
    db.close();
  }
}

/** The same file, however it is named (relative, through symlinks, hard-linked): same device and inode. */
function sameFile(a: string, b: string): boolean {
  if (a === ":memory:" || b === ":memory:") return false;
  try {
    const [first, second] = [statSync(a), statSync(b)];
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    // One of them does not exist (a new backup file): not the same.
    return false;
  }
}

/** `paperbot db check` and `paperbot db backup <file>`. */
export const dbCommand: Handler = async (args, io) => {
  const [verb, ...rest] = args;
  const config = loadConfig(io);
  if (verb === "check") {
    if (rest.length > 0) throw new UsageError("db check takes no arguments");
    const lines = checkDatabase(config.databasePath);
    const damaged = lines.some((line) => line.text.startsWith("damaged") || (line.label === "integrity" && !line.ok));
    io.stdout(
      [
        `database: ${config.databasePath}`,
        ...lines.map((line) => `${line.label}: ${line.text}`),
        ...(damaged ? ['the file is damaged: restore a backup ("paperbot db backup" makes one), or move it away to start afresh'] : []),
      ].join("\n") + "\n",
    );
    return lines.every((line) => line.ok) ? EXIT.ok : EXIT.failed;
  }
  if (verb === "backup") {
    const [target, ...extra] = rest;
    if (!target || extra.length > 0) throw new UsageError("db backup needs exactly one target file");
    if (sameFile(target, config.databasePath)) {
      throw new UsageError(
        `db backup: ${target} is the database itself (DATABASE_PATH ${config.databasePath}); name another file for the backup`,
      );
    }
    const db = openExisting(config.databasePath);
    try {
      const { totalPages } = await db.backup(target);
      io.stdout(`backed up ${config.databasePath} to ${target} (${totalPages} pages)\n`);
      return 0;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new DatabaseProblem(target, `cannot write the backup here (${detail})`, "choose a file in a folder this user may write", {
        cause: error,
      });
    } finally {
      db.close();
    }
  }
  throw new UsageError("db needs a verb: check or backup");
};
