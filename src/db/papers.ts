import { createHash } from "node:crypto";
import type { CatalogEntry } from "../catalog/schema.js";
import type { Paper, PaperModeration, PaperSource } from "../catalog/types.js";
import type { Db } from "./connection.js";
import { searchIndexWriter, type SearchDocument } from "./search.js";

interface PaperRow {
  seq: number;
  id: string;
  source: PaperSource;
  position: number;
  content_hash: string;
  data_json: string;
  added_at: string;
  moderation_json: string | null;
}

/**
 * Version of the search text derived from an entry (tokenizer, stems, number forms). It is part of the content
 * hash, so after a change every catalog paper is re-indexed by the next sync.
 */
export const SEARCH_TEXT_VERSION = 2;

export function contentHash(entry: CatalogEntry, json = JSON.stringify(entry)): string {
  return createHash("sha256").update(`${SEARCH_TEXT_VERSION}\n${json}`).digest("hex");
}

/** Rows were validated on the way in (catalog file or moderator input), so reading them back only parses JSON. */
function rowToPaper(row: PaperRow): Paper {
  const entry = JSON.parse(row.data_json) as CatalogEntry;
  const moderation = row.moderation_json === null ? undefined : (JSON.parse(row.moderation_json) as PaperModeration);
  return { ...entry, position: row.position, source: row.source, addedAt: row.added_at, ...(moderation ? { moderation } : {}) };
}

/** What the resolver keeps in memory of every paper: its names, not its summaries (db/papers.ts `heads`). */
export interface PaperHeadRow {
  seq: number;
  id: string;
  position: number;
  arxiv_id: string | null;
  title: string;
  title_ja: string;
  aliases_json: string;
  url: string;
  pdf_url: string | null;
  first_author: string | null;
}

export interface StoredPaperState {
  id: string;
  source: PaperSource;
  contentHash: string;
  position: number;
  /** A moderator edited it: catalog sync leaves it alone. */
  moderated: boolean;
}

/** Prepared statements for the papers table; its search indexes (db/search.ts) are written together with it. */
export function paperStore(db: Db) {
  const statements = {
    all: db.prepare<[], PaperRow>("SELECT * FROM papers ORDER BY position, seq"),
    byId: db.prepare<[string], PaperRow>("SELECT * FROM papers WHERE id = ?"),
    states: db.prepare<[], { id: string; source: PaperSource; content_hash: string; position: number; moderated: number }>(
      "SELECT id, source, content_hash, position, moderation_json IS NOT NULL AS moderated FROM papers",
    ),
    setModeration: db.prepare<[string, string]>("UPDATE papers SET moderation_json = ? WHERE id = ?"),
    byArxivId: db.prepare<[string], PaperRow>("SELECT * FROM papers WHERE arxiv_id = ?"),
    fingerprint: db.prepare<[], { value: string }>(
      "SELECT count(*) || '/' || coalesce(max(seq), 0) || '/' || coalesce(max(updated_at), '') AS value FROM papers",
    ),
    insert: db.prepare<[string, string | null, PaperSource, number, string, string, string, string]>(
      `INSERT INTO papers (id, arxiv_id, source, position, content_hash, data_json, added_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare<[string | null, number, string, string, string, string]>(
      `UPDATE papers SET arxiv_id = ?, position = ?, content_hash = ?, data_json = ?, updated_at = ? WHERE id = ?`,
    ),
    updatePosition: db.prepare<[number, string]>("UPDATE papers SET position = ? WHERE id = ?"),
    seqOf: db.prepare<[string], { seq: number }>("SELECT seq FROM papers WHERE id = ?"),
    remove: db.prepare<[string]>("DELETE FROM papers WHERE id = ?"),
    maxPosition: db.prepare<[], { max: number | null }>("SELECT max(position) AS max FROM papers"),
    head: db.prepare<[number], PaperHeadRow>(
      `SELECT seq, id, position, arxiv_id, data_json ->> '$.title' AS title, data_json ->> '$.titleJa' AS title_ja,
              data_json -> '$.aliases' AS aliases_json, data_json ->> '$.url' AS url, data_json ->> '$.pdfUrl' AS pdf_url,
              data_json ->> '$.authors[0]' AS first_author
       FROM papers WHERE seq = ?`,
    ),
    seqOfArxiv: db.prepare<[string], { seq: number }>("SELECT seq FROM papers WHERE arxiv_id = ?"),
    count: db.prepare<[], { count: number }>("SELECT count(*) AS count FROM papers"),
    unkeyed: db.prepare<[], { id: string }>("SELECT id FROM papers WHERE seq NOT IN (SELECT seq FROM paper_lookup_keys)"),
    bySeq: db.prepare<[number], PaperRow>("SELECT * FROM papers WHERE seq = ?"),
  };

  const search = searchIndexWriter(db);

  return {
    list: (): Paper[] => statements.all.all().map(rowToPaper),
    listIndexed: (): { seq: number; paper: Paper }[] => statements.all.all().map((row) => ({ seq: row.seq, paper: rowToPaper(row) })),
    /** A paper's names, read by SQLite's JSON functions without parsing its summaries in JavaScript. */
    head: (seq: number): PaperHeadRow | undefined => statements.head.get(seq),
    seqOfArxiv: (arxivId: string): number | undefined => statements.seqOfArxiv.get(arxivId)?.seq,
    count: (): number => statements.count.get()?.count ?? 0,
    /** Ids of papers indexed before lookup keys existed (schema 3), which need their search documents rewritten. */
    unkeyed: (): string[] => statements.unkeyed.all().map((row) => row.id),
    getBySeq: (seq: number): Paper | undefined => {
      const row = statements.bySeq.get(seq);
      return row ? rowToPaper(row) : undefined;
    },
    get: (id: string): Paper | undefined => {
      const row = statements.byId.get(id);
      return row ? rowToPaper(row) : undefined;
    },
    states: (): StoredPaperState[] =>
      statements.states.all().map((row) => ({
        id: row.id,
        source: row.source,
        contentHash: row.content_hash,
        position: row.position,
        moderated: row.moderated === 1,
      })),
    byArxivId: (arxivId: string): Paper | undefined => {
      const row = statements.byArxivId.get(arxivId);
      return row ? rowToPaper(row) : undefined;
    },
    /** Changes whenever a paper is added, removed or edited, also by another process (the CLI). */
    fingerprint: (): string => statements.fingerprint.get()?.value ?? "",
    setModeration: (id: string, moderation: PaperModeration): void => void statements.setModeration.run(JSON.stringify(moderation), id),
    nextPosition: (): number => (statements.maxPosition.get()?.max ?? -1) + 1,
    /** `document` is the entry's search text (catalog/search-document.ts), indexed in the same transaction. */
    /** Returns the new row's seq (the key of its search documents and of the resolver's index). */
    insert(entry: CatalogEntry, document: SearchDocument, source: PaperSource, position: number, now: Date): number {
      const stamp = now.toISOString();
      const json = JSON.stringify(entry);
      const result = statements.insert.run(entry.id, entry.arxivId, source, position, contentHash(entry, json), json, stamp, stamp);
      const seq = Number(result.lastInsertRowid);
      search.index(seq, document);
      return seq;
    },
    /** Returns the row's seq, or undefined when no paper has this id. */
    update(entry: CatalogEntry, document: SearchDocument, position: number, now: Date): number | undefined {
      const json = JSON.stringify(entry);
      statements.update.run(entry.arxivId, position, contentHash(entry, json), json, now.toISOString(), entry.id);
      const seq = statements.seqOf.get(entry.id)?.seq;
      if (seq === undefined) return undefined;
      search.unindex(seq);
      search.index(seq, document);
      return seq;
    },
    seqOf: (id: string): number | undefined => statements.seqOf.get(id)?.seq,
    setPosition: (id: string, position: number): void => void statements.updatePosition.run(position, id),
    remove(id: string): void {
      const seq = statements.seqOf.get(id)?.seq;
      if (seq === undefined) return;
      search.unindex(seq);
      statements.remove.run(id);
    },
  };
}

export type PaperStore = ReturnType<typeof paperStore>;
