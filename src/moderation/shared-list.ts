import type { AppContext } from "../app.js";
import type { Paper } from "../catalog/types.js";
import { otherConnectionsVersion } from "../db/changes.js";
import { paperStore } from "../db/papers.js";

/** How often the running bot looks for other processes' commits (papers added, alerts recorded from the shell). */
export const OTHER_PROCESSES_CHECK_MS = 2_000;

export interface SharedList {
  /** Another process committed since the last look: reloads the list if its papers changed; true if anything was committed. */
  pickUp(): boolean;
  /** After this process added, edited or removed paper `id`: the list follows (a full reload if others wrote meanwhile). */
  ownChange(id: string): void;
  /** The paper as the database has it now, reloading first when the list does not know it (never "removed" on stale memory). */
  paper(id: string): Paper | undefined;
  /** Checks every `intervalMs`; `onCommit` runs after another process's commit was seen. */
  start(intervalMs: number, onCommit: () => void): void;
  stop(): void;
}

/**
 * Keeps the running bot's in-memory reading list in step with the one database it shares with the CLI:
 * a paper another process added is served (and its alerts sent) within seconds, not at the next 10-minute refresh.
 */
export function sharedList(app: Pick<AppContext, "db" | "catalog" | "logger" | "reloadCatalog">, listChanged: () => void): SharedList {
  const papers = paperStore(app.db);
  let seenVersion = otherConnectionsVersion(app.db);
  let loadedFingerprint = papers.fingerprint();
  let timer: NodeJS.Timeout | undefined;
  let onCommit: () => void = () => undefined;

  const othersCommitted = (): boolean => {
    const version = otherConnectionsVersion(app.db);
    if (version === seenVersion) return false;
    seenVersion = version;
    return true;
  };
  const reload = (fingerprint: string) => {
    loadedFingerprint = fingerprint;
    app.reloadCatalog();
    listChanged();
    app.logger.info("reading list reloaded after another process changed it", { papers: app.catalog.size });
  };

  const list: SharedList = {
    pickUp() {
      if (!othersCommitted()) return false;
      const fingerprint = papers.fingerprint();
      if (fingerprint !== loadedFingerprint) reload(fingerprint);
      onCommit();
      return true;
    },
    ownChange(id) {
      // Read before asking: a commit landing in between is then seen by the next pickUp.
      const fingerprint = papers.fingerprint();
      if (othersCommitted()) {
        reload(fingerprint);
        onCommit();
        return;
      }
      app.catalog.paperChanged(id);
      loadedFingerprint = fingerprint;
      listChanged();
    },
    paper(id) {
      list.pickUp();
      return app.catalog.get(id) ?? app.catalog.paperChanged(id);
    },
    start(intervalMs, callback) {
      onCommit = callback;
      if (timer) return;
      timer = setInterval(() => {
        try {
          list.pickUp();
        } catch (error) {
          app.logger.error("checking for other processes' changes failed", { error });
        }
      }, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
  return list;
}
