import type { Db } from "./connection.js";

/**
 * SQLite's data_version for this connection: it changes when another connection (another process: the CLI's
 * paper-add, candidates approve) commits, and never for this connection's own writes. One cheap pragma.
 */
export function otherConnectionsVersion(db: Db): number {
  return Number(db.pragma("data_version", { simple: true }));
}
