import type { Db } from "./connection.js";

/**
 * What goes into the full-text indexes for one paper. The text is tokenised, spelling-unified and stemmed
 * before it gets here (see catalog/search-document.ts), so queries and the term statistics use the same words.
 */
export interface SearchDocument {
  /** Columns of paper_search: title, id and Latin aliases, topics, authors (credit line), summary and key results. */
  latin: readonly [title: string, aliases: string, topics: string, authors: string, body: string];
  /** Columns of paper_search_ja (trigram): Japanese title, Japanese aliases, Japanese summary; empty when not Japanese. */
  japanese: readonly [titleJa: string, aliasesJa: string, summaryJa: string];
  /** Curated papers (with aliases) also go into the small paper_search_listed index. */
  listed: boolean;
  /** Exact keys the paper is found by, and tags starting with "#" (catalog/lookup/keys.ts). */
  keys: readonly string[];
}

export interface StoredFields {
  title: string;
  aliases: string;
  topics: string;
  authors: string;
  body: string;
}

export interface SearchRow {
  rowid: number;
  rank: number;
}

/** Writes a paper's search documents; runs inside the caller's transaction, beside the papers row. */
export function searchIndexWriter(db: Db) {
  const statements = {
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
    keyInsert: db.prepare<[string, number]>("INSERT OR IGNORE INTO paper_lookup_keys (key, seq) VALUES (?, ?)"),
    keyDelete: db.prepare<[number]>("DELETE FROM paper_lookup_keys WHERE seq = ?"),
    nameColumns: db.prepare<[number], { words: string }>(
      "SELECT title || ' ' || aliases || ' ' || topics || ' ' || authors AS words FROM paper_search WHERE rowid = ?",
    ),
    wordAdd: db.prepare<[string]>(
      "INSERT INTO paper_name_words (word, papers) VALUES (?, 1) ON CONFLICT (word) DO UPDATE SET papers = papers + 1",
    ),
    wordDrop: db.prepare<[string]>("UPDATE paper_name_words SET papers = papers - 1 WHERE word = ? AND papers > 1"),
    wordDelete: db.prepare<[string]>("DELETE FROM paper_name_words WHERE word = ? AND papers = 1"),
  };
  const nameWordsOf = (latin: SearchDocument["latin"]) => distinctWords(`${latin[0]} ${latin[1]} ${latin[2]} ${latin[3]}`);
  return {
    index(seq: number, document: SearchDocument): void {
      statements.searchInsert.run(seq, ...document.latin);
      if (document.listed) statements.listedInsert.run(seq, ...document.latin);
      statements.searchJaInsert.run(seq, ...document.japanese);
      for (const key of document.keys) statements.keyInsert.run(key, seq);
      for (const word of nameWordsOf(document.latin)) statements.wordAdd.run(word);
    },
    unindex(seq: number): void {
      for (const word of distinctWords(statements.nameColumns.get(seq)?.words ?? "")) {
        if (statements.wordDrop.run(word).changes === 0) statements.wordDelete.run(word);
      }
      statements.searchDelete.run(seq);
      statements.listedDelete.run(seq);
      statements.searchJaDelete.run(seq);
      statements.keyDelete.run(seq);
    },
  };
}

/** bm25 column weights: title, aliases, topics, authors, body. */
const LATIN_WEIGHTS = "8.0, 10.0, 3.0, 4.0, 1.0";

/** Read side of the full-text indexes, for the resolver. `expression` is an FTS5 MATCH expression. */
export function searchIndexReader(db: Db) {
  const statements = {
    latin: db.prepare<[string, number], SearchRow>(
      `SELECT rowid, bm25(paper_search, ${LATIN_WEIGHTS}) AS rank FROM paper_search
       WHERE paper_search MATCH ? ORDER BY rank LIMIT ?`,
    ),
    listed: db.prepare<[string, number], SearchRow>(
      `SELECT rowid, bm25(paper_search_listed, ${LATIN_WEIGHTS}) AS rank FROM paper_search_listed
       WHERE paper_search_listed MATCH ? ORDER BY rank LIMIT ?`,
    ),
    unranked: db.prepare<[string, number], SearchRow>(`SELECT rowid, -1.0 AS rank FROM paper_search WHERE paper_search MATCH ? LIMIT ?`),
    japanese: db.prepare<[string, number], SearchRow>(
      `SELECT rowid, bm25(paper_search_ja, 10.0, 10.0, 1.0) AS rank FROM paper_search_ja
       WHERE paper_search_ja MATCH ? ORDER BY rank LIMIT ?`,
    ),
    termDocuments: db.prepare<[string], { doc: number }>("SELECT doc FROM paper_search_terms WHERE term = ?"),
    inNameColumns: db.prepare<[string], { found: number }>("SELECT 1 AS found FROM paper_search WHERE paper_search MATCH ? LIMIT 1"),
    keyed: db.prepare<[string], { seq: number }>(
      "SELECT k.seq FROM paper_lookup_keys AS k JOIN papers AS p ON p.seq = k.seq WHERE k.key = ? ORDER BY p.position, p.seq",
    ),
    keysFrom: db.prepare<[string, string, number], { seq: number }>(
      `SELECT k.seq FROM (SELECT DISTINCT seq FROM paper_lookup_keys WHERE key >= ? AND key < ? LIMIT ?) AS k
       JOIN papers AS p ON p.seq = k.seq ORDER BY p.position, p.seq`,
    ),
    arxivFrom: db.prepare<[string, string, number], { seq: number }>(
      "SELECT seq FROM papers WHERE arxiv_id >= ? AND arxiv_id < ? ORDER BY position, seq LIMIT ?",
    ),
    fields: db.prepare<[number], StoredFields>("SELECT title, aliases, topics, authors, body FROM paper_search WHERE rowid = ?"),
    japaneseText: db.prepare<[number], { summary_ja: string }>("SELECT summary_ja FROM paper_search_ja WHERE rowid = ?"),
  };
  const headlineTerms = db.prepare<[], { term: string; doc: number }>("SELECT word AS term, papers AS doc FROM paper_name_words");
  return {
    /** bm25-ranked over the whole corpus. */
    ranked: (expression: string, limit: number): SearchRow[] => statements.latin.all(expression, limit),
    /** bm25-ranked over the curated papers only (small, fast whatever the corpus size). */
    rankedListed: (expression: string, limit: number): SearchRow[] => statements.listed.all(expression, limit),
    /** Any matching rows of the whole corpus, in no particular order (rank -1). */
    unranked: (expression: string, limit: number): SearchRow[] => statements.unranked.all(expression, limit),
    /** bm25-ranked over the Japanese trigram index. */
    rankedJapanese: (expression: string, limit: number): SearchRow[] => statements.japanese.all(expression, limit),
    /** Papers found by an exact key or carrying a tag, in the order they were added. */
    keyed: (key: string): number[] => statements.keyed.all(key).map((row) => row.seq),
    /** Papers with a lookup key starting with `prefix` (at most `scan` keys looked at), in reading-list order. */
    keyedFrom: (prefix: string, scan: number): number[] => statements.keysFrom.all(prefix, upperBound(prefix), scan).map((row) => row.seq),
    /** Papers whose arXiv id starts with `prefix`, in reading-list order. */
    arxivFrom: (prefix: string, limit: number): number[] =>
      statements.arxivFrom.all(prefix, upperBound(prefix), limit).map((row) => row.seq),
    /** How many papers contain a word (FTS5's own statistics). */
    termDocuments: (term: string): number => statements.termDocuments.get(term)?.doc ?? 0,
    /** Some paper has the word in its title, aliases or topics (not only in its credit line or summary). */
    inNameColumns: (term: string): boolean => statements.inNameColumns.get(`{title aliases topics} : ${ftsPhrase(term)}`) !== undefined,
    /** Words of the title, aliases, topics and authors columns, with the number of papers having each. */
    headlineTerms: (): IterableIterator<{ term: string; doc: number }> => headlineTerms.iterate(),
    /** A paper's columns as stored: already tokenised and stemmed words, space-separated. */
    storedFields: (seq: number): StoredFields | undefined => statements.fields.get(seq),
    /** The Japanese summary and key results as stored. */
    storedJapanese: (seq: number): string => statements.japaneseText.get(seq)?.summary_ja ?? "",
  };
}

export type SearchIndexReader = ReturnType<typeof searchIndexReader>;

/** Quotes a word for an FTS5 MATCH expression. */
export function ftsPhrase(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}

/** The distinct words of stored (already tokenised) text. */
export function distinctWords(text: string): Set<string> {
  const words = new Set(text.split(" "));
  words.delete("");
  return words;
}

/** The least string greater than every string starting with `prefix`. */
function upperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCodePoint((prefix.codePointAt(prefix.length - 1) ?? 0) + 1);
}
