import { withShortBusyTimeout, type Db } from "./connection.js";
import type { NewCandidate } from "./candidates.js";

/** Migration 15: members' suggestions of arXiv papers for the review queue. */
export const SUGGESTIONS_SCHEMA_SQL = `
  -- One row per member and paper: the first put the paper on the review queue (or found the watch holding it), later
  -- ones are supporters. user_id, user_name, note and locale are NULL/'' once the member unfollowed (anonymous but
  -- still counted). notified_at: when the decision DM was sent or given up (claimed once, so never sent twice).
  CREATE TABLE paper_suggestions (
    id INTEGER PRIMARY KEY,
    arxiv_id TEXT NOT NULL,
    user_id TEXT,
    user_name TEXT,
    locale TEXT,
    note TEXT NOT NULL DEFAULT '',
    guild_id TEXT,
    suggested_at TEXT NOT NULL,
    notified_at TEXT,
    UNIQUE (arxiv_id, user_id)
  ) STRICT;
  CREATE INDEX paper_suggestions_user ON paper_suggestions (user_id, suggested_at);
  -- A member suggested the candidate: the review queue shows these first, whatever their score. The index serves the
  -- queue's order (suggested first, then best) straight from the index, as arxiv_candidates_status_score does.
  ALTER TABLE arxiv_candidates ADD COLUMN suggested INTEGER NOT NULL DEFAULT 0 CHECK (suggested IN (0, 1));
  CREATE INDEX arxiv_candidates_suggested_score ON arxiv_candidates (status, suggested DESC, score DESC);
`;

export interface SuggestionRow {
  id: number;
  arxivId: string;
  userId: string | null;
  userName: string | null;
  locale: string | null;
  note: string;
  guildId: string | null;
  suggestedAt: string;
  notifiedAt: string | null;
}

interface Row {
  id: number;
  arxiv_id: string;
  user_id: string | null;
  user_name: string | null;
  locale: string | null;
  note: string;
  guild_id: string | null;
  suggested_at: string;
  notified_at: string | null;
}

const toSuggestion = (row: Row): SuggestionRow => ({
  id: row.id,
  arxivId: row.arxiv_id,
  userId: row.user_id,
  userName: row.user_name,
  locale: row.locale,
  note: row.note,
  guildId: row.guild_id,
  suggestedAt: row.suggested_at,
  notifiedAt: row.notified_at,
});

export interface NewSuggestion {
  arxivId: string;
  userId: string;
  userName: string;
  locale: string;
  note: string;
  guildId: string | null;
}

/** A decided suggestion whose member has not been told yet. */
export interface PendingNotice {
  id: number;
  userId: string;
  locale: string | null;
  arxivId: string;
  title: string;
  approved: boolean;
  paperId: string | null;
}

/** What happened to a candidate a member suggested (for the export and the CLI). */
export type SuggestionState = "pending" | "approved" | "declined" | "expired" | "unknown";

const stores = new WeakMap<Db, SuggestionStore>();

export function suggestionStore(db: Db): SuggestionStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = createSuggestionStore(db)));
  return store;
}

function createSuggestionStore(db: Db) {
  const statements = {
    insert: db.prepare<[string, string, string, string, string, string | null, string]>(
      `INSERT INTO paper_suggestions (arxiv_id, user_id, user_name, locale, note, guild_id, suggested_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (arxiv_id, user_id) DO NOTHING`,
    ),
    mine: db.prepare<[string, string], Row>("SELECT * FROM paper_suggestions WHERE arxiv_id = ? AND user_id = ?"),
    forPaper: db.prepare<[string, number], Row>("SELECT * FROM paper_suggestions WHERE arxiv_id = ? ORDER BY suggested_at, id LIMIT ?"),
    supporters: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM paper_suggestions WHERE arxiv_id = ?"),
    recent: db.prepare<[string, string], { suggested_at: string }>(
      "SELECT suggested_at FROM paper_suggestions WHERE user_id = ? AND suggested_at > ? ORDER BY suggested_at",
    ),
    byUser: db.prepare<[string], Row & { status: string | null; title: string | null }>(
      `SELECT s.*, c.status, c.title FROM paper_suggestions s LEFT JOIN arxiv_candidates c ON c.arxiv_id = s.arxiv_id
       WHERE s.user_id = ? ORDER BY s.suggested_at, s.id`,
    ),
    anonymise: db.prepare<[string, string]>(
      `UPDATE paper_suggestions SET user_id = NULL, user_name = NULL, locale = NULL, note = '', guild_id = NULL,
         notified_at = coalesce(notified_at, ?) WHERE user_id = ?`,
    ),
    candidateStatus: db.prepare<[string], { status: string }>("SELECT status FROM arxiv_candidates WHERE arxiv_id = ?"),
    insertCandidate: db.prepare<[string, number, string, string, string, string, string, string]>(
      `INSERT INTO arxiv_candidates (arxiv_id, version, title, authors_json, categories_json, abstract, license, first_seen_at,
         updated_at, canon_score, bonus, score, reasons_json)
       VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, 0, 0, 0, '{"papers":[],"topics":[]}') ON CONFLICT (arxiv_id) DO NOTHING`,
    ),
    // An expired candidate comes back to the queue; either way it is marked as suggested.
    mark: db.prepare<[string]>(
      "UPDATE arxiv_candidates SET suggested = 1, status = iif(status = 'expired', 'undecided', status) WHERE arxiv_id = ?",
    ),
    pendingNotices: db.prepare<[number], Row & { title: string; status: string; paper_id: string | null }>(
      `SELECT s.*, c.title, c.status, p.id AS paper_id FROM paper_suggestions s
         JOIN arxiv_candidates c ON c.arxiv_id = s.arxiv_id
         LEFT JOIN papers p ON p.arxiv_id = s.arxiv_id
       WHERE s.notified_at IS NULL AND s.user_id IS NOT NULL AND c.status IN ('approved', 'rejected')
       ORDER BY s.id LIMIT ?`,
    ),
    claim: db.prepare<[string, number]>("UPDATE paper_suggestions SET notified_at = ? WHERE id = ? AND notified_at IS NULL"),
    release: db.prepare<[number]>("UPDATE paper_suggestions SET notified_at = NULL WHERE id = ?"),
    weights: db.prepare<[], { arxiv_id: string; supporters: number }>(
      `SELECT s.arxiv_id, count(*) AS supporters FROM paper_suggestions s
         JOIN arxiv_candidates c ON c.arxiv_id = s.arxiv_id AND c.status IN ('undecided', 'expired')
       GROUP BY s.arxiv_id ORDER BY s.arxiv_id`,
    ),
  };

  const write = <T>(run: () => T): T => withShortBusyTimeout(db, () => db.transaction(run).immediate());

  return {
    /** This member's suggestion of this paper, if any. */
    mine: (arxivId: string, userId: string): SuggestionRow | undefined => {
      const row = statements.mine.get(arxivId, userId);
      return row ? toSuggestion(row) : undefined;
    },
    /** The first `limit` suggestions of a paper, oldest first, and how many there are. */
    forPaper(arxivId: string, limit = 3): { first: SuggestionRow[]; supporters: number } {
      return {
        first: statements.forPaper.all(arxivId, limit).map(toSuggestion),
        supporters: statements.supporters.get(arxivId)?.n ?? 0,
      };
    },
    /** The member's suggestion times after `since` (ISO), oldest first: the rate limit's window. */
    recentTimes: (userId: string, since: string): string[] => statements.recent.all(userId, since).map((row) => row.suggested_at),
    candidateStatus: (arxivId: string): string | undefined => statements.candidateStatus.get(arxivId)?.status,
    /**
     * Records a suggestion in one transaction: the paper joins the review queue as a candidate unless it is held
     * already (an expired one comes back), and the member becomes one of its supporters. `allowed` runs inside
     * the transaction (the rate limit, read again under the write lock); false leaves everything as it was.
     */
    record(
      suggestion: NewSuggestion,
      paper: Pick<NewCandidate, "version" | "title" | "authors" | "categories" | "abstract"> | null,
      now: Date,
      allowed: () => boolean,
    ): "recorded" | "duplicate" | "refused" {
      return write(() => {
        if (!allowed()) return "refused";
        const stamp = now.toISOString();
        if (paper)
          statements.insertCandidate.run(
            suggestion.arxivId,
            paper.version,
            paper.title,
            JSON.stringify(paper.authors),
            JSON.stringify(paper.categories),
            paper.abstract,
            stamp,
            stamp,
          );
        statements.mark.run(suggestion.arxivId);
        const { arxivId, userId, userName, locale, note, guildId } = suggestion;
        return statements.insert.run(arxivId, userId, userName, locale, note, guildId, stamp).changes === 1 ? "recorded" : "duplicate";
      });
    },
    /** Everything a member suggested, with what became of it (for the data export). */
    byUser: (userId: string) =>
      statements.byUser.all(userId).map((row) => ({
        arxivId: row.arxiv_id,
        title: row.title,
        note: row.note,
        suggestedAt: row.suggested_at,
        state: stateOf(row.status),
        notifiedAt: row.notified_at,
      })),
    /** Removes what identifies the member from their suggestions (they stay counted, anonymously). */
    anonymise: (userId: string, now: Date): number => write(() => statements.anonymise.run(now.toISOString(), userId).changes),
    pendingNotices: (limit: number): PendingNotice[] =>
      statements.pendingNotices.all(limit).flatMap((row) =>
        row.user_id === null
          ? []
          : [
              {
                id: row.id,
                userId: row.user_id,
                locale: row.locale,
                arxivId: row.arxiv_id,
                title: row.title,
                approved: row.status === "approved",
                paperId: row.paper_id,
              },
            ],
      ),
    /** Marks one notice as handled; false when another run claimed it first. */
    claimNotice: (id: number, now: Date): boolean =>
      withShortBusyTimeout(db, () => statements.claim.run(now.toISOString(), id).changes === 1),
    /** Gives a claimed notice back (the DM could not be tried: no Discord connection, a transient fault). */
    releaseNotice: (id: number): void => void withShortBusyTimeout(db, () => statements.release.run(id)),
    /** Suggested papers no moderator has decided on (a decision is the stronger label), with how many members support each. */
    supportCounts: (): { arxivId: string; supporters: number }[] =>
      statements.weights.all().map((row) => ({ arxivId: row.arxiv_id, supporters: row.supporters })),
  };
}

function stateOf(status: string | null): SuggestionState {
  if (status === "undecided") return "pending";
  if (status === "approved") return "approved";
  if (status === "rejected") return "declined";
  if (status === "expired") return "expired";
  return "unknown";
}

export type SuggestionStore = ReturnType<typeof createSuggestionStore>;
