import { once } from "node:events";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Logger } from "../logger.js";
import type { Db } from "./connection.js";

/** How often the checkpoint thread copies the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1_000;
/** SQLite's own default: what a connection does when no checkpoint thread runs (the CLI, a thread that failed). */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/**
 * While the thread runs, a writer checkpoints only if the WAL grows this far (pages of 4 KiB): a backstop, should the
 * thread fall behind. At SQLite's default a write every thousand pages pays for the copy and its fsync (a vote's p99).
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;
const STOP_GRACE_MS = 2_000;

/**
 * The thread's script: plain CommonJS run with `eval` (a worker cannot import our TypeScript when tests run the
 * sources), requiring better-sqlite3 by an absolute path. It opens its own connection and checkpoints PASSIVE on a
 * timer, which waits for no reader or writer; each result goes back as a message.
 */
const CHECKPOINT_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.sqlitePath);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 0");
function checkpoint() {
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ kind: "checkpoint", busy: result.busy, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ kind: "error", message: String((error && error.message) || error) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface CheckpointResult {
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * Checkpoints the WAL on a thread of its own, so no command pays for copying pages and syncing the file: on the main
 * thread better-sqlite3 is synchronous, and SQLite's automatic checkpoint runs inside whichever write crosses the
 * threshold. start()/stop(); a file database only (`:memory:` has no WAL).
 */
export class WalCheckpointer {
  private worker: Worker | null = null;

  constructor(
    private readonly deps: {
      db: Db;
      path: string;
      logger: Logger;
      intervalMs?: number;
      /** Each checkpoint's result (tests). */
      onCheckpoint?: (result: CheckpointResult) => void;
    },
  ) {}

  start(): void {
    if (this.worker || this.deps.path === ":memory:") return;
    const sqlitePath = createRequire(import.meta.url).resolve("better-sqlite3");
    const worker = new Worker(CHECKPOINT_SOURCE, {
      eval: true,
      workerData: { sqlitePath, path: this.deps.path, intervalMs: this.deps.intervalMs ?? CHECKPOINT_INTERVAL_MS },
    });
    worker.unref();
    worker.on("message", (message: { kind: string; message?: string } & Partial<CheckpointResult>) => {
      if (message.kind === "error") this.deps.logger.warn("WAL checkpoint failed; the next one retries", { message: message.message });
      else if (message.kind === "checkpoint")
        this.deps.onCheckpoint?.({ busy: message.busy ?? 0, log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
    });
    worker.on("error", (error) => {
      this.deps.logger.warn("the WAL checkpoint thread stopped; writes checkpoint as SQLite does by default", { error });
      this.restoreDefault();
      this.worker = null;
    });
    this.worker = worker;
    this.deps.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  }

  /** Stops the thread after a last checkpoint (bounded: terminated if it does not end within 2 s). */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.restoreDefault();
    const exited = once(worker, "exit");
    worker.postMessage("stop");
    const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    try {
      await exited;
    } finally {
      clearTimeout(grace);
    }
  }

  private restoreDefault(): void {
    if (this.deps.db.open) this.deps.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  }
}
