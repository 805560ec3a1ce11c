import type { Db } from "../db/connection.js";
import { paperStore } from "../db/papers.js";
import { PaperIndex, type Resolution, type ResolveOptions } from "./resolve.js";
import { TOPICS, type Topic } from "./schema.js";
import type { Locale } from "../i18n/locale.js";
import type { Paper } from "./types.js";

/** The papers in the database, in reading-list order, with the lookup index built over them. */
export class Catalog {
  private constructor(
    readonly papers: readonly Paper[],
    private readonly byId: ReadonlyMap<string, Paper>,
    private readonly index: PaperIndex,
  ) {}

  static load(db: Db): Catalog {
    const indexed = paperStore(db).listIndexed();
    const papers = indexed.map(({ paper }) => paper);
    return new Catalog(papers, new Map(papers.map((paper) => [paper.id, paper])), new PaperIndex(db, indexed));
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
