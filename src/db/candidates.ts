import type { Db } from "./connection.js";

export type CandidateStatus = "undecided" | "approved" | "rejected" | "expired";

export interface Candidate {
  arxivId: string;
  version: number;
  title: string;
  authors: string[];
  categories: string[];
  abstract: string;
  license: string | null;
  firstSeen: string;
  updatedAt: string;
  canonScore: number;
  bonus: number;
  score: number;
  reasons: { papers: string[]; topics: string[]; terms?: string[] };
  status: CandidateStatus;
  decidedBy: string | null;
  decidedAt: string | null;
}

export type NewCandidate = Pick<
  Candidate,
  "arxivId" | "version" | "title" | "authors" | "categories" | "abstract" | "license" | "canonScore" | "bonus" | "score" | "reasons"
>;

interface CandidateRow {
  arxiv_id: string;
  version: number;
  title: string;
  authors_json: string;
  categories_json: string;
  abstract: string;
  license: string | null;
  first_seen_at: string;
  updated_at: string;
  canon_score: number;
  bonus: number;
  score: number;
  reasons_json: string;
  status: CandidateStatus;
  decided_by: string | null;
  decided_at: string | null;
}

/** JSON columns are written only by this module (json_valid checked by the schema), so reading them back only parses. */
function toCandidate(row: CandidateRow): Candidate {
  return {
    arxivId: row.arxiv_id,
    version: row.version,
    title: row.title,
    authors: JSON.parse(row.authors_json) as string[],
    categories: JSON.parse(row.categories_json) as string[],
    abstract: row.abstract,
    license: row.license,
    firstSeen: row.first_seen_at,
    updatedAt: row.updated_at,
    canonScore: row.canon_score,
    bonus: row.bonus,
    score: row.score,
    reasons: JSON.parse(row.reasons_json) as Candidate["reasons"],
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

export type DecideResult =
  { outcome: "decided"; candidate: Candidate } | { outcome: "already"; candidate: Candidate } | { outcome: "unknown" };

const stores = new WeakMap<Db, CandidateStore>();

/** The candidate row's paper is not in the catalog (papers.arxiv_id is UNIQUE, so this is an index probe). */
const NOT_LISTED = "NOT EXISTS (SELECT 1 FROM papers WHERE papers.arxiv_id = arxiv_candidates.arxiv_id)";

/** Rows per INSERT of a batch: one statement step instead of 25 (13 parameters a row, far below SQLite's limit). */
const INSERT_BATCH = 25;

function insertSql(rows: number): string {
  // One timestamp for the whole feed, bound once per statement as @stamp.
  const row = "(?, ?, ?, ?, ?, ?, ?, @stamp, @stamp, ?, ?, ?, ?)";
  return `INSERT INTO arxiv_candidates (arxiv_id, version, title, authors_json, categories_json, abstract, license, first_seen_at, updated_at,
      canon_score, bonus, score, reasons_json)
    VALUES ${Array.from({ length: rows }, () => row).join(", ")} ON CONFLICT (arxiv_id) DO NOTHING`;
}

function pushRow(values: unknown[], paper: NewPaper, relevance: Scored): void {
  values.push(
    paper.arxivId,
    paper.version,
    paper.title,
    JSON.stringify(paper.authors),
    JSON.stringify(paper.categories),
    paper.abstract,
    paper.license,
    relevance.canonScore,
    relevance.bonus,
    relevance.score,
    JSON.stringify(relevance.reasons),
  );
}

/** Papers seen in the arXiv feeds, their relevance, and moderators' decisions on them. One per connection, so its statements are prepared once. */
export function candidateStore(db: Db): CandidateStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = createCandidateStore(db)));
  return store;
}

export type NewPaper = Omit<NewCandidate, "canonScore" | "bonus" | "score" | "reasons">;
export type Scored = Pick<NewCandidate, "canonScore" | "bonus" | "score" | "reasons">;

function createCandidateStore(db: Db) {
  const statements = {
    get: db.prepare<[string], CandidateRow>("SELECT * FROM arxiv_candidates WHERE arxiv_id = ?"),
    head: db.prepare<[string], { version: number; categories_json: string }>(
      "SELECT version, categories_json FROM arxiv_candidates WHERE arxiv_id = ?",
    ),
    heads: db.prepare<[string], { arxiv_id: string; version: number; categories_json: string }>(
      "SELECT arxiv_id, version, categories_json FROM arxiv_candidates WHERE arxiv_id IN (SELECT value FROM json_each(?))",
    ),
    held: db.prepare<[string], { arxiv_id: string }>(
      "SELECT arxiv_id FROM arxiv_candidates WHERE arxiv_id IN (SELECT value FROM json_each(?))",
    ),
    insertRows: db.prepare<unknown[]>(insertSql(INSERT_BATCH)),
    insert: db.prepare<unknown[]>(insertSql(1)),
    update: db.prepare<[number, string, string, string]>(
      "UPDATE arxiv_candidates SET version = ?, categories_json = ?, updated_at = ? WHERE arxiv_id = ?",
    ),
    catalogVersion: db.prepare<[string], { version: number }>("SELECT version FROM arxiv_versions WHERE arxiv_id = ?"),
    setCatalogVersion: db.prepare<[string, number, string]>(
      `INSERT INTO arxiv_versions (arxiv_id, version, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (arxiv_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
    ),
    // A paper that reached the catalog another way (paper-add, a catalog sync) is not pending any more.
    // Members' suggestions (/suggest) are pending whatever their score, and come first: two ranges of the
    // (status, suggested, score) index, so the best candidates are read in order without sorting the table.
    pending: db.prepare<[number, number], CandidateRow>(
      `SELECT * FROM arxiv_candidates WHERE status = 'undecided' AND (suggested = 1 OR score >= ?) AND ${NOT_LISTED}
       ORDER BY suggested DESC, score DESC, arxiv_id LIMIT ?`,
    ),
    pendingCount: db.prepare<{ minScore: number }, { n: number }>(
      `SELECT (SELECT count(*) FROM arxiv_candidates WHERE status = 'undecided' AND suggested = 1 AND ${NOT_LISTED})
            + (SELECT count(*) FROM arxiv_candidates WHERE status = 'undecided' AND suggested = 0 AND score >= @minScore AND ${NOT_LISTED}) AS n`,
    ),
    decide: db.prepare<[string, string | null, string, string]>(
      "UPDATE arxiv_candidates SET status = ?, decided_by = ?, decided_at = ? WHERE arxiv_id = ? AND status IN ('undecided', 'expired')",
    ),
    // The newest @perClass approvals and the newest @perClass rejections (each class bounded on its own, so a run
    // of one kind can't push the other out of training), oldest first.
    decisions: db.prepare<{ perClass: number }, { title: string; abstract: string; canon_score: number; status: CandidateStatus }>(
      `SELECT title, abstract, canon_score, status FROM (
         SELECT * FROM (SELECT arxiv_id, decided_at, title, abstract, canon_score, status FROM arxiv_candidates
                        WHERE status = 'approved' ORDER BY decided_at DESC, arxiv_id LIMIT @perClass)
         UNION ALL
         SELECT * FROM (SELECT arxiv_id, decided_at, title, abstract, canon_score, status FROM arxiv_candidates
                        WHERE status = 'rejected' ORDER BY decided_at DESC, arxiv_id LIMIT @perClass))
       ORDER BY decided_at, arxiv_id`,
    ),
    // Per-class counts: a decision that changes sides (a rejected paper added to the catalog) changes the signature
    // even when it keeps the same timestamp.
    signature: db.prepare<[], { approved: number | null; rejected: number | null; last: string | null }>(
      `SELECT sum(status = 'approved') AS approved, sum(status = 'rejected') AS rejected, max(decided_at) AS last
       FROM arxiv_candidates WHERE status IN ('approved', 'rejected')`,
    ),
    approveListed: db.prepare<[string, string, string, string]>(
      "UPDATE arxiv_candidates SET status = 'approved', decided_by = ?, decided_at = ? WHERE arxiv_id = ? AND NOT (status = 'approved' AND decided_by IS ?)",
    ),
    undecided: db.prepare<[], { arxiv_id: string; title: string; abstract: string; canon_score: number; bonus: number }>(
      "SELECT arxiv_id, title, abstract, canon_score, bonus FROM arxiv_candidates WHERE status = 'undecided'",
    ),
    setScore: db.prepare<[number, string]>("UPDATE arxiv_candidates SET score = ? WHERE arxiv_id = ?"),
    // A member's suggestion keeps its paper pending for as long again, from the newest suggestion.
    expire: db.prepare<[string, string]>(
      `UPDATE arxiv_candidates SET status = 'expired' WHERE status = 'undecided' AND first_seen_at < ?
         AND NOT EXISTS (SELECT 1 FROM paper_suggestions s WHERE s.arxiv_id = arxiv_candidates.arxiv_id AND s.suggested_at >= ?)`,
    ),
    counts: db.prepare<[], { status: CandidateStatus; n: number }>("SELECT status, count(*) AS n FROM arxiv_candidates GROUP BY status"),
    followed: db.prepare<[], { topic: string }>(
      "SELECT topic FROM user_topics UNION SELECT topic FROM channel_follows WHERE topic != '' ORDER BY topic LIMIT 1000",
    ),
  };

  const insertScored = (paper: NewPaper, relevance: Scored, stamp: string): boolean => {
    const values: unknown[] = [];
    pushRow(values, paper, relevance);
    return statements.insert.run(values, { stamp }).changes === 1;
  };

  return {
    get(arxivId: string): Candidate | undefined {
      const row = statements.get.get(arxivId);
      return row ? toCandidate(row) : undefined;
    },
    /** Which of these papers are held already (one query for a whole feed). */
    heldIds(arxivIds: readonly string[]): Set<string> {
      return new Set(statements.held.all(JSON.stringify(arxivIds)).map((row) => row.arxiv_id));
    },
    /** Version and categories of each of these papers that is held, by arXiv id. */
    heads(arxivIds: readonly string[]): Map<string, { version: number; categories: string[] }> {
      const heads = new Map<string, { version: number; categories: string[] }>();
      for (const row of statements.heads.iterate(JSON.stringify(arxivIds))) {
        heads.set(row.arxiv_id, { version: row.version, categories: JSON.parse(row.categories_json) as string[] });
      }
      return heads;
    },
    /**
     * Inserts scored papers (one timestamp, ISO, for the whole feed) several rows per statement; call inside a
     * transaction. Returns how many were new (a paper already there is left as it is).
     */
    insertMany(rows: readonly { paper: NewPaper; relevance: Scored }[], stamp: string): number {
      let added = 0;
      let at = 0;
      const values: unknown[] = [];
      for (; at + INSERT_BATCH <= rows.length; at += INSERT_BATCH) {
        values.length = 0;
        for (let row = at; row < at + INSERT_BATCH; row += 1) {
          const entry = rows[row];
          if (entry) pushRow(values, entry.paper, entry.relevance);
        }
        added += statements.insertRows.run(values, { stamp }).changes;
      }
      for (; at < rows.length; at += 1) {
        const entry = rows[at];
        if (entry && insertScored(entry.paper, entry.relevance, stamp)) added += 1;
      }
      return added;
    },
    /** Version and categories of a paper already held, for deduplication. */
    head(arxivId: string): { version: number; categories: string[] } | undefined {
      const row = statements.head.get(arxivId);
      return row ? { version: row.version, categories: JSON.parse(row.categories_json) as string[] } : undefined;
    },
    /** Returns false when the paper was already there (another feed or process got it first). */
    insert(candidate: NewCandidate, now: Date): boolean {
      return insertScored(candidate, candidate, now.toISOString());
    },
    /** `insert` for a batch: the paper and its relevance as they are, and one timestamp (ISO) for the whole feed. */
    insertScored,
    update(arxivId: string, version: number, categories: readonly string[], now: Date): void {
      statements.update.run(version, JSON.stringify(categories), now.toISOString(), arxivId);
    },
    catalogVersion: (arxivId: string): number | undefined => statements.catalogVersion.get(arxivId)?.version,
    setCatalogVersion: (arxivId: string, version: number, now: Date): void =>
      void statements.setCatalogVersion.run(arxivId, version, now.toISOString()),
    pending: (minScore: number, limit: number): Candidate[] => statements.pending.all(minScore, limit).map(toCandidate),
    pendingCount: (minScore: number): number => statements.pendingCount.get({ minScore })?.n ?? 0,
    /** Records a moderator's decision once; a second decision on the same paper is refused. */
    decide(arxivId: string, approved: boolean, by: string | null, now: Date): DecideResult {
      return db.transaction((): DecideResult => {
        const changed = statements.decide.run(approved ? "approved" : "rejected", by, now.toISOString(), arxivId).changes === 1;
        const row = statements.get.get(arxivId);
        if (!row) return { outcome: "unknown" };
        return { outcome: changed ? "decided" : "already", candidate: toCandidate(row) };
      })();
    },
    /**
     * A paper added to the catalog is approved by whoever added it, whatever was decided before (a rejected
     * reading-list paper would teach the scorer against the list). Call inside the transaction that adds the
     * paper. Returns the row before and after, or undefined when the paper is not held or nothing changed.
     */
    approveListed(arxivId: string, by: string, now: Date): { before: Candidate; after: Candidate } | undefined {
      return db.transaction(() => {
        const before = statements.get.get(arxivId);
        if (!before || statements.approveListed.run(by, now.toISOString(), arxivId, by).changes !== 1) return undefined;
        const after = statements.get.get(arxivId);
        return after ? { before: toCandidate(before), after: toCandidate(after) } : undefined;
      })();
    },
    /** The newest `perClass` approvals and the newest `perClass` rejections, oldest first: training data for the learned scorer. */
    decisions(perClass: number): { title: string; abstract: string; canon: number; approved: boolean }[] {
      return statements.decisions
        .all({ perClass })
        .map((row) => ({ title: row.title, abstract: row.abstract, canon: row.canon_score, approved: row.status === "approved" }));
    },
    /** Changes whenever a decision is added or changes sides, so a cached model knows it is stale. */
    decisionSignature(): string {
      const row = statements.signature.get();
      return `${row?.approved ?? 0}:${row?.rejected ?? 0}:${row?.last ?? ""}`;
    },
    undecided: () =>
      statements.undecided
        .all()
        .map((row) => ({ arxivId: row.arxiv_id, title: row.title, abstract: row.abstract, canon: row.canon_score, bonus: row.bonus })),
    /** Rewrites scores in one transaction (after the learned scorer is retrained). */
    setScores(scores: readonly { arxivId: string; score: number }[]): void {
      db.transaction(() => {
        for (const { arxivId, score } of scores) statements.setScore.run(score, arxivId);
      })();
    },
    expireBefore: (cutoff: Date): number => statements.expire.run(cutoff.toISOString(), cutoff.toISOString()).changes,
    counts(): Record<CandidateStatus, number> {
      const counts: Record<CandidateStatus, number> = { undecided: 0, approved: 0, rejected: 0, expired: 0 };
      for (const row of statements.counts.all()) counts[row.status] = row.n;
      return counts;
    },
    /** Topics people follow (catalog topics and free keywords alike). */
    followedTopics: (): string[] => statements.followed.all().map((row) => row.topic),
  };
}

export type CandidateStore = ReturnType<typeof createCandidateStore>;
