import { StreamCounter } from "../src/arxiv/corpus.js";
import { RelevanceModel } from "../src/arxiv/relevance.js";
import type { PaperText } from "../src/arxiv/score.js";
import { loadSeeds, samePaper, type LandmarkPaper } from "../src/arxiv/seeds.js";
import { Catalog } from "../src/catalog/catalog.js";
import type { CatalogEntry } from "../src/catalog/schema.js";
import type { Paper } from "../src/catalog/types.js";
import { syncCatalog } from "../src/catalog/sync.js";
import { candidateStore } from "../src/db/candidates.js";
import { openDatabase, type Db } from "../src/db/connection.js";
import { corpusStore } from "../src/db/corpus.js";
import { migrate } from "../src/db/migrations.js";

export interface OursScored {
  scores: number[];
  /** Each paper's confident topics, in the same order. */
  topics: string[][];
  /** Each paper's reasons, in the same order. */
  reasons: { papers: string[]; terms: string[] }[];
}

/**
 * Our model as the watch runs it, on papers it has not trained on: a database per fold holding the canon and the
 * other fold of the day as ingested papers (the stream's ignored papers: the model's negatives), with corpus
 * statistics over every paper (the day and the landmarks: term statistics need no labels, as arxiv-sanity's idf).
 * The day's papers are each scored by the model of the fold that left them out; landmarks are split in folds too,
 * each scored by a model whose seed positives (data/relevance-seeds.json) leave it out: on a held-out set that is the
 * shipped model, on the development set (the seeds themselves) a model trained on the other fold.
 */
export function oursCrossFitted(
  catalog: readonly CatalogEntry[],
  landmarks: readonly LandmarkPaper[],
  day: readonly PaperText[],
  seeds: readonly LandmarkPaper[] = loadSeeds(),
  folds = 2,
): OursScored {
  const out: OursScored = { scores: [], topics: [], reasons: [] };
  const papers = [...landmarks, ...day];
  const results = new Array<{ score: number; topics: string[]; reasons: { papers: string[]; terms: string[] } }>(papers.length);
  for (let fold = 0; fold < folds; fold += 1) {
    const db = openDatabase(":memory:");
    try {
      migrate(db);
      syncCatalog(db, catalog, new Date("2026-01-01T00:00:00Z"));
      const canon = Catalog.load(db).papers;
      storeStream(
        db,
        papers,
        day.filter((_, at) => at % folds !== fold),
      );
      // The shipped seeds, less the landmarks this fold scores (all of them when the eval set is the seeds' own).
      const scored = landmarks.filter((_, at) => at % folds === fold);
      const model = new RelevanceModel(
        db,
        seeds.filter((seed) => !scored.some((landmark) => samePaper(seed, landmark))),
      );
      model.refresh(canon);
      papers.forEach((paper, at) => {
        const inFold = at < landmarks.length ? at % folds === fold : (at - landmarks.length) % folds === fold;
        if (!inFold) return;
        const relevance = model.score(paper);
        results[at] = {
          score: relevance.score,
          topics: relevance.reasons.topics,
          reasons: { papers: relevance.reasons.papers, terms: relevance.reasons.terms ?? [] },
        };
      });
    } finally {
      db.close();
    }
  }
  for (const result of results) {
    out.scores.push(result?.score ?? 0);
    out.topics.push(result?.topics ?? []);
    out.reasons.push(result?.reasons ?? { papers: [], terms: [] });
  }
  return out;
}

/** Stores `ingested` as undecided candidates and counts every paper of `counted` in the corpus statistics. */
export function storeStream(db: Db, counted: readonly PaperText[], ingested: readonly PaperText[]): void {
  const store = candidateStore(db);
  const seen = new Date("2026-08-13T00:00:00Z");
  db.transaction(() => {
    ingested.forEach((paper, at) => {
      store.insert(
        {
          arxivId: `2608.${String(at + 10000)}`,
          version: 1,
          ...paper,
          authors: ["A. Author"],
          categories: ["cs.CL"],
          license: null,
          canonScore: 0,
          bonus: 0,
          score: 0,
          reasons: { papers: [], topics: [] },
        },
        seen,
      );
    });
    const counter = new StreamCounter();
    for (const paper of counted) counter.add(paper);
    const taken = counter.take();
    corpusStore(db).add(taken.terms, taken.papers);
  })();
}

export type { Paper };
