import type { PaperHeadRow, PaperStore } from "../../db/papers.js";
import type { SearchIndexReader } from "../../db/search.js";
import { tokenize } from "../text.js";
import type { Paper } from "../types.js";
import type { PaperHead } from "./types.js";

/** Heads kept in memory; a query touches at most a few dozen, the rest are read again when needed. */
const CACHE_LIMIT = 20_000;

/**
 * Papers' names by seq, read from SQLite when a stage first needs them and remembered (bounded), so the
 * index costs nothing per paper at start-up and little memory at 100,000 papers.
 */
export class PaperHeads {
  private readonly cache = new Map<number, PaperHead>();

  constructor(
    private readonly store: PaperStore,
    private readonly reader: SearchIndexReader,
  ) {}

  get(seq: number): PaperHead | undefined {
    let head = this.cache.get(seq);
    if (!head) {
      const row = this.store.head(seq);
      if (!row) return undefined;
      head = headOfRow(row);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(seq, head);
    }
    return head;
  }

  /** Papers with this exact key or tag (catalog/lookup/keys.ts), in reading-list order. */
  keyed(key: string): PaperHead[] {
    return this.reader.keyed(key).flatMap((seq) => this.get(seq) ?? []);
  }

  byArxivId(arxivId: string): PaperHead | undefined {
    const seq = this.store.seqOfArxiv(arxivId);
    return seq === undefined ? undefined : this.get(seq);
  }

  /** After a paper changed or left. */
  forget(seq: number): void {
    this.cache.delete(seq);
  }

  paper(head: PaperHead): Paper | undefined {
    return this.store.getBySeq(head.seq);
  }
}

export function headOfRow(row: PaperHeadRow): PaperHead {
  return {
    seq: row.seq,
    id: row.id,
    title: row.title,
    titleJa: row.title_ja,
    aliases: JSON.parse(row.aliases_json) as string[],
    position: row.position,
    arxivId: row.arxiv_id,
    url: row.url,
    pdfUrl: row.pdf_url,
    firstAuthor: tokenize(row.first_author ?? "").at(-1) ?? "",
  };
}
