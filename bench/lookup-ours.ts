import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Figures of our resolver alone, measured in child processes that load nothing else (no Fuse.js, no MiniSearch). */
export interface OursAloneFigures {
  /** First sync: writing every paper's row and search documents into an empty database file (once per database). */
  insert_ms: number;
  /** Start-up: the index read from what SQLite already holds (every start). */
  load_ms: number;
  name_p50_ms: number;
  name_p99_ms: number;
  description_p50_ms: number;
  description_p99_ms: number;
  /** One paper added, changed, removed (database write and index update), median of several. */
  add_ms: number;
  update_ms: number;
  remove_ms: number;
  /** Peak resident memory and live heap of the serving process (after start-up, queries and updates). */
  rss_mb: number;
  heap_mb: number;
}

const childScript = fileURLToPath(new URL("./lookup-ours-child.js", import.meta.url));

function runChild(args: string[]): Record<string, number> {
  const result = spawnSync(process.execPath, ["--expose-gc", childScript, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`lookup bench child failed (${args[0]}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, number>;
}

/** Builds a database file of `corpusSize` papers in one child, then serves queries from it in another. */
export function benchOursAlone(repoRoot: string, corpusSize: number): OursAloneFigures {
  const dir = mkdtempSync(join(tmpdir(), "paperbot-lookup-bench-"));
  try {
    const database = join(dir, "papers.db");
    const built = runChild(["build", repoRoot, database, String(corpusSize)]);
    const served = runChild(["serve", repoRoot, database]);
    return {
      insert_ms: built["insert_ms"] ?? 0,
      load_ms: served["load_ms"] ?? 0,
      name_p50_ms: served["name_p50_ms"] ?? 0,
      name_p99_ms: served["name_p99_ms"] ?? 0,
      description_p50_ms: served["description_p50_ms"] ?? 0,
      description_p99_ms: served["description_p99_ms"] ?? 0,
      add_ms: served["add_ms"] ?? 0,
      update_ms: served["update_ms"] ?? 0,
      remove_ms: served["remove_ms"] ?? 0,
      rss_mb: served["rss_mb"] ?? 0,
      heap_mb: served["heap_mb"] ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
