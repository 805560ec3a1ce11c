import { Catalog } from "./catalog/catalog.js";
import { loadCatalog } from "./catalog/load.js";
import { syncCatalog, type SyncReport } from "./catalog/sync.js";
import type { Config } from "./config.js";
import { openDatabase, type Db } from "./db/connection.js";
import { migrate } from "./db/migrations.js";
import type { Clock, Logger } from "./logger.js";

/** What every handler, scheduler and CLI verb receives instead of importing singletons. */
export interface AppContext {
  config: Config;
  db: Db;
  catalog: Catalog;
  /** The catalog file's review date (YYYY-MM-DD). */
  catalogUpdated: string;
  clock: Clock;
  logger: Logger;
  /** Re-reads the papers table (after a moderator adds a paper, for instance). */
  reloadCatalog(): Catalog;
}

export interface OpenedApp extends AppContext {
  syncReport: SyncReport;
  close(): void;
}

/** Migrates, syncs the catalog file into the database and builds the lookup index. */
export function openApp(config: Config, logger: Logger, clock: Clock): OpenedApp {
  const catalogFile = loadCatalog(config.catalogPath);
  const db = openDatabase(config.databasePath);
  try {
    const applied = migrate(db);
    if (applied.length > 0) logger.info("database migrated", { applied, path: config.databasePath });
    const syncReport = syncCatalog(db, catalogFile.papers, clock.now());
    logger.debug("catalog synced", {
      inserted: syncReport.inserted.length,
      updated: syncReport.updated.length,
      unchanged: syncReport.unchanged,
      removed: syncReport.removed.length,
    });
    const app: OpenedApp = {
      config,
      db,
      catalog: Catalog.load(db),
      catalogUpdated: catalogFile.updated,
      clock,
      logger,
      syncReport,
      reloadCatalog() {
        app.catalog = Catalog.load(db);
        return app.catalog;
      },
      close() {
        if (db.open) db.close();
      },
    };
    return app;
  } catch (error) {
    db.close();
    throw error;
  }
}
