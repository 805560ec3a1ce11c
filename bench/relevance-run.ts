import { readFileSync } from "node:fs";
import { loadCatalogFile } from "../src/catalog/load.js";
import { DEFAULT_CANDIDATE_MIN_SCORE } from "../src/config.js";
import { oursCrossFitted } from "./relevance-ours.js";
import { topicPrecision, type TopicPrecision } from "./relevance-topics.js";
import {
  baselineFigures,
  dayPapers,
  figures,
  loadEvalSet,
  outsideCatalog,
  type MethodFigures,
  type RelevanceBenchOptions,
} from "./relevance.js";

export interface RelevanceBenchResult {
  landmarks: number;
  day: number;
  ours: MethodFigures & { topic_precision: number | null; topics: TopicPrecision };
  tfidf: MethodFigures;
  keywords: MethodFigures;
}

/** `relevance` of `npm run bench`: our scorer and the two baselines on the landmarks mixed into a real day. */
export async function benchRelevance(options: RelevanceBenchOptions): Promise<RelevanceBenchResult> {
  const catalog = loadCatalogFile(options.catalogPath);
  const landmarks = outsideCatalog(loadEvalSet(options.evalPath), catalog);
  const day = await dayPapers(readFileSync(options.dayPath, "utf8"));
  const ours = oursCrossFitted(catalog, landmarks, day);
  const canon = catalog.map((entry, position) => ({ ...entry, position, source: "catalog" as const, addedAt: "2026-01-01T00:00:00.000Z" }));
  const topics = topicPrecision(canon, landmarks, ours.topics);
  return {
    landmarks: landmarks.length,
    day: day.length,
    ours: { ...figures(ours.scores, landmarks.length, DEFAULT_CANDIDATE_MIN_SCORE), topic_precision: topics.precision, topics },
    ...baselineFigures(catalog, landmarks, day),
  };
}
