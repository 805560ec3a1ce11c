import { createHash } from "node:crypto";
import type { CatalogEntry } from "../catalog/schema.js";
import type { Paper, PaperSource } from "../catalog/types.js";
import { containsCjk, searchableText } from "../catalog/text.js";
import type { Db } from "./connection.js";

interface PaperRow {
  seq: number;
  id: string;
  source: PaperSource;
  position: number;
  content_hash: string;
  data_json: string;
  added_at: string;
}

/** Authors (without "et al."), organisation and year: "vaswani 2017", "hoffmann compute optimal", "deepmind". */
export function creditLine(entry: CatalogEntry): string {
  return [...entry.authors.filter((author) => author !== "et al."), entry.organisation, String(entry.year)].join(" ; ");
}

export function contentHash(entry: CatalogEntry): string {
  return createHash("sha256").update(JSON.stringify(entry)).digest("hex");
}

/** Rows were validated on the way in (catalog file or moderator input), so reading them back only parses JSON. */
function rowToPaper(row: PaperRow): Paper {
  const entry = JSON.parse(row.data_json) as CatalogEntry;
  return { ...entry, position: row.position, source: row.source, addedAt: row.added_at };
}

export interface StoredPaperState {
  id: string;
  source: PaperSource;
  contentHash: string;
  position: number;
}

/** Prepared statements for the papers table and its two search indexes, which are written together. */
export function paperStore(db: Db) {
  const statements = {
    all: db.prepare<[], PaperRow>("SELECT * FROM papers ORDER BY position, seq"),
    byId: db.prepare<[string], PaperRow>("SELECT * FROM papers WHERE id = ?"),
    states: db.prepare<[], { id: string; source: PaperSource; content_hash: string; position: number }>(
      "SELECT id, source, content_hash, position FROM papers",
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
    searchInsert: db.prepare<[number, string, string, string, string, string]>(
      "INSERT INTO paper_search (rowid, title, aliases, topics, authors, body) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    searchDelete: db.prepare<[number]>("DELETE FROM paper_search WHERE rowid = ?"),
    listedInsert: db.prepare<[number, string, string, string, string, string]>(
      "INSERT INTO paper_search_listed (rowid, title, aliases, topics, authors, body) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    listedDelete: db.prepare<[number]>("DELETE FROM paper_search_listed WHERE rowid = ?"),
    searchJaInsert: db.prepare<[number, string, string, string]>(
      "INSERT INTO paper_search_ja (rowid, title_ja, aliases_ja, summary_ja) VALUES (?, ?, ?, ?)",
    ),
    searchJaDelete: db.prepare<[number]>("DELETE FROM paper_search_ja WHERE rowid = ?"),
  };

  const index = (seq: number, entry: CatalogEntry): void => {
    const latinAliases = entry.aliases.filter((alias) => !containsCjk(alias));
    const japaneseAliases = entry.aliases.filter((alias) => containsCjk(alias));
    const columns = [
      searchableText(entry.title),
      searchableText([entry.id.replaceAll("-", " "), ...latinAliases].join(" ; ")),
      searchableText(entry.topics.join(" ").replaceAll("-", " ")),
      searchableText(creditLine(entry)),
      searchableText([entry.summary.en, ...entry.keyResults.en].join(" ")),
    ] as const;
    statements.searchInsert.run(seq, ...columns);
    if (entry.aliases.length > 0) statements.listedInsert.run(seq, ...columns);
    // The trigram index serves Japanese queries only; Latin-only text there would just make it larger.
    const japanese = (text: string) => (containsCjk(text) ? text : "");
    statements.searchJaInsert.run(
      seq,
      japanese(entry.titleJa),
      japaneseAliases.join(" ; "),
      japanese([entry.summary.ja, ...entry.keyResults.ja].join(" ")),
    );
  };
  const unindex = (seq: number): void => {
    statements.searchDelete.run(seq);
    statements.listedDelete.run(seq);
    statements.searchJaDelete.run(seq);
  };

  return {
    list: (): Paper[] => statements.all.all().map(rowToPaper),
    listIndexed: (): { seq: number; paper: Paper }[] => statements.all.all().map((row) => ({ seq: row.seq, paper: rowToPaper(row) })),
    get: (id: string): Paper | undefined => {
      const row = statements.byId.get(id);
      return row ? rowToPaper(row) : undefined;
    },
    states: (): StoredPaperState[] =>
      statements.states.all().map((row) => ({ id: row.id, source: row.source, contentHash: row.content_hash, position: row.position })),
    nextPosition: (): number => (statements.maxPosition.get()?.max ?? -1) + 1,
    insert(entry: CatalogEntry, source: PaperSource, position: number, now: Date): void {
      const stamp = now.toISOString();
      const result = statements.insert.run(entry.id, entry.arxivId, source, position, contentHash(entry), JSON.stringify(entry), stamp, stamp);
      index(Number(result.lastInsertRowid), entry);
    },
    update(entry: CatalogEntry, position: number, now: Date): void {
      statements.update.run(entry.arxivId, position, contentHash(entry), JSON.stringify(entry), now.toISOString(), entry.id);
      const seq = statements.seqOf.get(entry.id)?.seq;
      if (seq === undefined) return;
      unindex(seq);
      index(seq, entry);
    },
    setPosition: (id: string, position: number): void => void statements.updatePosition.run(position, id),
    remove(id: string): void {
      const seq = statements.seqOf.get(id)?.seq;
      if (seq === undefined) return;
      unindex(seq);
      statements.remove.run(id);
    },
  };
}

export type PaperStore = ReturnType<typeof paperStore>;
