import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { dayPapers, loadEvalSet, outsideCatalog } from "../../bench/relevance.js";
import { loadCatalogFile } from "../../src/catalog/load.js";
import { catalogPath, repoRoot } from "./app.js";

/**
 * The external evaluation: landmarks from PAPERBOT_EVAL_SET (a JSON file or a folder of them; default
 * test/fixtures/eval, the development set A, where a held-out set B is dropped in) mixed into the real cs.CL day.
 */
export const evalSetPath = resolve(repoRoot, process.env["PAPERBOT_EVAL_SET"] ?? join("test", "fixtures", "eval"));
export const evalDayPath = join(repoRoot, "test", "fixtures", "real", "arxiv-rss", "tamnd-arxiv-cli__rss_cs.CL_2026-08-13.xml");

export async function loadEvaluation() {
  const catalog = loadCatalogFile(catalogPath);
  return { catalog, landmarks: outsideCatalog(loadEvalSet(evalSetPath), catalog), day: await dayPapers(readFileSync(evalDayPath, "utf8")) };
}

/** A deterministic permutation of `items` (Fisher–Yates with a seeded generator). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let at = copy.length - 1; at > 0; at -= 1) {
    const other = Math.floor(random() * (at + 1));
    [copy[at], copy[other]] = [copy[other] as T, copy[at] as T];
  }
  return copy;
}
