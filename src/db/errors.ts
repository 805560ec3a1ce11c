import Database from "better-sqlite3";

/** SQLite result codes (better-sqlite3's SqliteError.code), e.g. SQLITE_BUSY, SQLITE_CORRUPT_VTAB. */
function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

export function isBusy(error: unknown): boolean {
  const code = sqliteCode(error) ?? "";
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
}

/** The file is damaged or is not a SQLite database at all: what `db check` reports as its result. */
export function isCorruption(error: unknown): boolean {
  const code = sqliteCode(error) ?? "";
  return code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB";
}

/** Another process holds the write lock; the user is told to try again. */
export class DatabaseBusyError extends Error {
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`database ${path} is locked by another process`, options);
    this.name = "DatabaseBusyError";
  }
}

/** A database that cannot be used, in one or two lines that name the file and say what to do. */
export class DatabaseProblem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly advice: string,
    options?: ErrorOptions,
  ) {
    super(`database ${path}: ${problem}\n  ${advice}`, options);
    this.name = "DatabaseProblem";
  }

  /** Explains a SQLite (or file-system) error met while using the database at `path`; unknown errors pass through. */
  static from(error: unknown, path: string): Error {
    if (error instanceof DatabaseProblem) return error;
    const code = sqliteCode(error);
    const detail = error instanceof Error ? error.message : String(error);
    const make = (problem: string, advice: string) => new DatabaseProblem(path, problem, advice, { cause: error });
    if (code === undefined) {
      const fsCode = error instanceof Error && "code" in error ? String(error.code) : "";
      if (fsCode === "EACCES" || fsCode === "EPERM")
        return make(`permission denied (${detail})`, "let this user read and write the file and its folder");
      return error instanceof Error ? error : new Error(detail);
    }
    if (code === "SQLITE_NOTADB") {
      return make("not a SQLite database", "point DATABASE_PATH at paperbot's database, or move this file away to start with a new one");
    }
    if (code.startsWith("SQLITE_CORRUPT")) {
      return make(
        `the file is damaged (${detail})`,
        'see "paperbot db check", then restore a backup ("paperbot db backup" makes one) or move the file away',
      );
    }
    if (code.startsWith("SQLITE_READONLY")) {
      return make(
        "read-only (the file or its folder is not writable by this user)",
        "make both writable for the bot; paper, papers, export, db check and db backup work read-only",
      );
    }
    if (code.startsWith("SQLITE_CANTOPEN")) {
      return make(
        "cannot open the file",
        "check that it exists (read-only commands do not create it) and that this user may read it and its folder",
      );
    }
    if (isBusy(error)) return make("locked by another process", "try again in a moment, or stop the process holding the lock");
    if (code === "SQLITE_FULL") return make("the disk is full", "free some space and try again");
    if (code.startsWith("SQLITE_IOERR")) return make(`input/output error (${detail})`, "check the disk and the file system");
    return error instanceof Error ? error : new Error(detail);
  }
}
