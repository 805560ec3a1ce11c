import { readFileSync } from "node:fs";
import { RelevanceModel } from "../src/arxiv/relevance.js";
import { Catalog } from "../src/catalog/catalog.js";
import { loadCatalogFile } from "../src/catalog/load.js";
import { syncCatalog } from "../src/catalog/sync.js";
import { DEFAULT_CANDIDATE_MIN_SCORE } from "../src/config.js";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrations.js";
import { baselineFigures, dayPapers, figures, loadEvalSet, outsideCatalog, type MethodFigures, type RelevanceBenchOptions } from "./relevance.js";

export interface RelevanceBenchResult {
  landmarks: number;
  day: number;
  ours: MethodFigures;
  tfidf: MethodFigures;
  keywords: MethodFigures;
}

/** `relevance` of `npm run bench`: our scorer and the two baselines on the landmarks mixed into a real day. */
export async function benchRelevance(options: RelevanceBenchOptions): Promise<RelevanceBenchResult> {
  const catalog = loadCatalogFile(options.catalogPath);
  const landmarks = outsideCatalog(loadEvalSet(options.evalPath), catalog);
  const day = await dayPapers(readFileSync(options.dayPath, "utf8"));
  const db = openDatabase(":memory:");
  try {
    migrate(db);
    syncCatalog(db, catalog, new Date("2026-01-01T00:00:00Z"));
    const model = new RelevanceModel(db);
    model.refresh(Catalog.load(db).papers);
    const ours = [...landmarks, ...day].map((paper) => model.score(paper).score);
    return { landmarks: landmarks.length, day: day.length, ours: figures(ours, landmarks.length, DEFAULT_CANDIDATE_MIN_SCORE), ...baselineFigures(catalog, landmarks, day) };
  } finally {
    db.close();
  }
}
