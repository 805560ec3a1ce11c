import type { Db } from "../db/connection.js";
import { paperStore, type PaperStore } from "../db/papers.js";
import { PaperIndex, type Resolution, type ResolveOptions } from "./resolve.js";
import { TOPICS, type Topic } from "./schema.js";
import type { Locale } from "../i18n/locale.js";
import type { CatalogEntry } from "./schema.js";
import { searchDocument } from "./search-document.js";
import type { Paper, PaperSource } from "./types.js";

/** The papers in the database, in reading-list order, with the lookup index built over them. */
export class Catalog {
  private constructor(
    private readonly db: Db,
    private list: Paper[],
    private readonly byId: Map<string, Paper>,
    /** Row keys (papers.seq) by paper id: the lookup index knows papers by them. */
    private readonly seqs: Map<string, number>,
    private readonly index: PaperIndex,
  ) {}

  private storeOrNull: PaperStore | null = null;
  private get store(): PaperStore {
    this.storeOrNull ??= paperStore(this.db);
    return this.storeOrNull;
  }

  static load(db: Db): Catalog {
    const indexed = paperStore(db).listIndexed();
    const papers = indexed.map(({ paper }) => paper);
    return new Catalog(
      db,
      papers,
      new Map(papers.map((paper) => [paper.id, paper])),
      new Map(indexed.map(({ seq, paper }) => [paper.id, seq])),
      new PaperIndex(db),
    );
  }

  /**
   * After another transaction (moderation's audited writes) added, changed or removed the paper with this id:
   * the list and the lookup index follow without a rebuild. Returns the paper as stored now (undefined if gone).
   */
  paperChanged(id: string): Paper | undefined {
    const previousSeq = this.seqs.get(id);
    if (previousSeq !== undefined) this.index.remove(previousSeq, { afterWrite: true });
    const seq = this.store.seqOf(id);
    const paper = seq === undefined ? undefined : this.store.getBySeq(seq);
    if (seq === undefined || !paper) {
      this.forgetPaper(id);
      return undefined;
    }
    this.index.add(seq);
    this.remember(seq, paper);
    return paper;
  }

  private remember(seq: number, paper: Paper): void {
    const known = this.byId.has(paper.id);
    this.byId.set(paper.id, paper);
    this.seqs.set(paper.id, seq);
    this.list = known
      ? this.list.map((other) => (other.id === paper.id ? paper : other))
      : [...this.list, paper].sort((a, b) => a.position - b.position);
  }

  private forgetPaper(id: string): void {
    this.byId.delete(id);
    this.seqs.delete(id);
    this.list = this.list.filter((paper) => paper.id !== id);
  }

  get papers(): readonly Paper[] {
    return this.list;
  }

  /**
   * Adds a paper (a moderator's approval, the arXiv watch): its row and search documents in one transaction,
   * then the lookup index, without rebuilding it. Throws if the id or arXiv id is taken (SQLite constraint).
   */
  addPaper(entry: CatalogEntry, options: { source?: PaperSource; now?: Date } = {}): Paper {
    const store = this.store;
    const seq = this.db
      .transaction(() =>
        store.insert(entry, searchDocument(entry), options.source ?? "moderator", store.nextPosition(), options.now ?? new Date()),
      )
      .immediate();
    const paper = store.getBySeq(seq);
    if (!paper) throw new Error(`paper ${entry.id} was not stored`);
    this.index.add(seq);
    this.remember(seq, paper);
    return paper;
  }

  /** Replaces a paper's content (same id, same position); undefined when no paper has this id. */
  updatePaper(entry: CatalogEntry, options: { now?: Date } = {}): Paper | undefined {
    const store = this.store;
    const previous = this.byId.get(entry.id);
    const seq = store.seqOf(entry.id);
    if (!previous || seq === undefined) return undefined;
    this.index.remove(seq);
    try {
      this.db.transaction(() => store.update(entry, searchDocument(entry), previous.position, options.now ?? new Date())).immediate();
    } finally {
      this.index.add(seq);
    }
    const paper = store.getBySeq(seq);
    if (!paper) return undefined;
    this.remember(seq, paper);
    return paper;
  }

  /** Removes a paper from the database and the index; false when no paper has this id. */
  removePaper(id: string): boolean {
    const store = this.store;
    const seq = store.seqOf(id);
    if (seq === undefined) return false;
    this.index.remove(seq);
    try {
      this.db.transaction(() => store.remove(id)).immediate();
    } catch (error) {
      this.index.add(seq);
      throw error;
    }
    this.forgetPaper(id);
    return true;
  }

  get size(): number {
    return this.papers.length;
  }

  get(id: string): Paper | undefined {
    return this.byId.get(id);
  }

  resolve(query: string, locale: Locale, options?: ResolveOptions): Resolution {
    return this.index.resolve(query, locale, options);
  }

  /** Papers whose id, short name, title or alias starts with what was typed, or whose arXiv id does (autocomplete). */
  namesStartingWith(typed: string, limit: number): Paper[] {
    return this.index.namesStartingWith(typed, limit);
  }

  byTopic(topic: Topic | undefined): Paper[] {
    return topic ? this.papers.filter((paper) => paper.topics.includes(topic)) : [...this.papers];
  }

  /** Topics in vocabulary order with how many papers each has; empty topics are left out. */
  topicCounts(): { topic: Topic; count: number }[] {
    return TOPICS.map((topic) => ({ topic, count: this.papers.filter((paper) => paper.topics.includes(topic)).length })).filter(
      (entry) => entry.count > 0,
    );
  }

  /** Papers sharing the most topics with `paper`, nearest in the reading list first. */
  related(paper: Paper, limit = 5): Paper[] {
    return this.papers
      .filter((other) => other.id !== paper.id)
      .map((other) => ({ other, shared: other.topics.filter((topic) => paper.topics.includes(topic)).length }))
      .filter((entry) => entry.shared > 0)
      .sort((a, b) => b.shared - a.shared || Math.abs(a.other.position - paper.position) - Math.abs(b.other.position - paper.position))
      .slice(0, limit)
      .map((entry) => entry.other);
  }
}
