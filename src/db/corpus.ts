import type { Db } from "./connection.js";

export interface BackgroundPaper {
  arxivId: string;
  title: string;
  abstract: string;
  rejected: boolean;
}

const stores = new WeakMap<Db, CorpusStore>();

/** Term document frequencies over the ingested arXiv stream (migration 12), and the stream papers the model trains on. */
export function corpusStore(db: Db): CorpusStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = createCorpusStore(db)));
  return store;
}

function createCorpusStore(db: Db) {
  const statements = {
    documents: db.prepare<[], { documents: number }>("SELECT documents FROM arxiv_corpus WHERE id = 1"),
    terms: db.prepare<[], { term: string; documents: number }>("SELECT term, documents FROM arxiv_term_stats"),
    // One statement for a feed's terms (a JSON object term → papers), not one per term.
    addTerms: db.prepare<[string]>(
      `INSERT INTO arxiv_term_stats (term, documents) SELECT key, value FROM json_each(?) WHERE true
       ON CONFLICT (term) DO UPDATE SET documents = documents + excluded.documents`,
    ),
    addDocuments: db.prepare<[number]>("UPDATE arxiv_corpus SET documents = documents + ? WHERE id = 1"),
    rescore: db.prepare<[number, string, string]>(
      "UPDATE arxiv_candidates SET score = ?, reasons_json = ? WHERE arxiv_id = ? AND status = 'undecided'",
    ),
    candidates: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM arxiv_candidates"),
    allPapers: db.prepare<[], { title: string; abstract: string }>("SELECT title, abstract FROM arxiv_candidates"),
    // Stream papers nobody approved and the catalog doesn't hold, newest first: rejected, expired and undecided.
    // A paper members suggested (/suggest) is not an ordinary one: never a negative unless moderators rejected it.
    background: db.prepare<[number], { arxiv_id: string; title: string; abstract: string; status: string }>(
      `SELECT arxiv_id, title, abstract, status FROM arxiv_candidates
       WHERE status != 'approved' AND NOT EXISTS (SELECT 1 FROM papers WHERE papers.arxiv_id = arxiv_candidates.arxiv_id)
         AND (status = 'rejected' OR suggested = 0)
       ORDER BY first_seen_at DESC, arxiv_id LIMIT ?`,
    ),
  };
  return {
    documents: (): number => statements.documents.get()?.documents ?? 0,
    /** Every counted term and its document frequency. */
    terms: (): { term: string; documents: number }[] => statements.terms.all(),
    /** Adds papers' counts; call inside the transaction that stores the papers. */
    add(terms: Record<string, number>, documents: number): void {
      if (documents === 0) return;
      statements.addTerms.run(JSON.stringify(terms));
      statements.addDocuments.run(documents);
    },
    /** Papers held but never counted (a database from before migration 12): counted once, see CorpusModel. */
    heldPapers: (): number => statements.candidates.get()?.n ?? 0,
    allPapers: (): { title: string; abstract: string }[] => statements.allPapers.all(),
    background: (limit: number): BackgroundPaper[] =>
      statements.background
        .all(limit)
        .map((row) => ({ arxivId: row.arxiv_id, title: row.title, abstract: row.abstract, rejected: row.status === "rejected" })),
    /** Rewrites undecided papers' scores and reasons in one transaction (after the model is retrained). */
    rescore(rows: readonly { arxivId: string; score: number; reasons: unknown }[]): void {
      db.transaction(() => {
        for (const row of rows) statements.rescore.run(row.score, JSON.stringify(row.reasons), row.arxivId);
      })();
    },
  };
}

export type CorpusStore = ReturnType<typeof createCorpusStore>;
