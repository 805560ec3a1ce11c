import { Catalog } from "./catalog/catalog.js";
import { loadCatalog } from "./catalog/load.js";
import { catalogInSync, syncCatalog, type SyncReport } from "./catalog/sync.js";
import type { Config } from "./config.js";
import { existsSync } from "node:fs";
import { releaseHeldArxivLeases } from "./db/arxiv-gate.js";
import { memoryCopy, openDatabase, withShortBusyTimeout, type Db } from "./db/connection.js";
import { DatabaseProblem } from "./db/errors.js";
import { latestSchemaVersion, migrate, schemaVersion } from "./db/migrations.js";
import type { CatalogEntry } from "./catalog/schema.js";
import type { Clock, Logger } from "./logger.js";

/** What the scheduler, the CLI verbs and startServices receive instead of importing singletons (handlers get the narrower BotContext). */
export interface AppContext {
  config: Config;
  db: Db;
  catalog: Catalog;
  /** The catalog file's review date (YYYY-MM-DD). */
  catalogUpdated: string;
  clock: Clock;
  logger: Logger;
  /** Re-reads the catalog file and syncs it; the lookup index is rebuilt only when something changed. */
  resyncCatalog(): SyncReport;
  /** Rebuilds the reading list from the database: the one place `catalog` is replaced. */
  reloadCatalog(): Catalog;
}

export interface OpenedApp extends AppContext {
  syncReport: SyncReport;
  close(): void;
}

/**
 * A database to read from without writing to DATABASE_PATH: the file itself, opened read-only, when it is
 * migrated and matches the catalog; otherwise an in-memory copy (or a fresh in-memory database when the
 * file does not exist yet) that openApp migrates and syncs.
 */
function openForReading(path: string, entries: readonly CatalogEntry[]): Db {
  if (path === ":memory:" || !existsSync(path)) return openDatabase(":memory:");
  const file = openDatabase(path, { readonly: true });
  try {
    if (schemaVersion(file) === latestSchemaVersion() && catalogInSync(file, entries)) return file;
    const copy = memoryCopy(file);
    file.close();
    return copy;
  } catch (error) {
    file.close();
    throw DatabaseProblem.from(error, path);
  }
}

/**
 * Migrates, syncs the catalog file into the database and builds the lookup index. With `readOnly`
 * (the CLI's paper, papers and export) nothing is written to the database file.
 */
export function openApp(config: Config, logger: Logger, clock: Clock, options: { readOnly?: boolean } = {}): OpenedApp {
  const catalogFile = loadCatalog(config.catalogPath);
  const db = options.readOnly ? openForReading(config.databasePath, catalogFile.papers) : openDatabase(config.databasePath);
  const sync = (papers: typeof catalogFile.papers): SyncReport => {
    const report = syncCatalog(db, papers, clock.now());
    logger.debug("catalog synced", {
      inserted: report.inserted.length,
      updated: report.updated.length,
      unchanged: report.unchanged,
      removed: report.removed.length,
    });
    return report;
  };
  try {
    const applied = migrate(db);
    if (applied.length > 0) logger.info("database migrated", { applied, path: config.databasePath });
    const syncReport = sync(catalogFile.papers);
    const app: OpenedApp = {
      config,
      db,
      catalog: Catalog.load(db),
      catalogUpdated: catalogFile.updated,
      clock,
      logger,
      syncReport,
      resyncCatalog() {
        const file = loadCatalog(config.catalogPath);
        // A scheduled job in the bot's process: under another process's lock, skip this run rather than freeze for 5 s.
        const report = withShortBusyTimeout(db, () => sync(file.papers));
        app.catalogUpdated = file.updated;
        if (report.inserted.length + report.updated.length + report.removed.length > 0) {
          app.reloadCatalog();
          logger.info("catalog reloaded", { inserted: report.inserted, updated: report.updated, removed: report.removed });
        }
        return report;
      },
      reloadCatalog() {
        app.catalog = Catalog.load(db);
        return app.catalog;
      },
      close() {
        // An arXiv request still in flight (SIGTERM) must not leave other processes waiting for its lease to expire.
        releaseHeldArxivLeases(db, clock.now().getTime());
        if (db.open) db.close();
      },
    };
    return app;
  } catch (error) {
    db.close();
    throw DatabaseProblem.from(error, config.databasePath);
  }
}
