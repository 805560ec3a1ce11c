import type { SearchIndexReader } from "../../db/search.js";
import { idf } from "./score.js";

const CACHE_LIMIT = 20_000;

/**
 * How telling each word is, from FTS5's own count of the papers containing it (inverse document frequency).
 * Counts are asked of SQLite per word and remembered as index statistics (kept exact as papers come and go),
 * so start-up reads nothing.
 */
export class TermWeights {
  private readonly cache = new Map<string, number>();

  constructor(
    private readonly reader: SearchIndexReader,
    /** Papers in the index. */
    readonly corpusSize: () => number,
  ) {}

  /** Drops every remembered count (after a change whose old words are no longer known). */
  clearCache(): void {
    this.cache.clear();
  }

  /**
   * A paper with these words (all of its columns, each word once) was added (+1) or removed (-1): remembered
   * counts follow, so the statistics stay exact without asking SQLite again.
   */
  paperChanged(words: Iterable<string>, change: 1 | -1): void {
    for (const word of words) {
      const documents = this.cache.get(word);
      if (documents !== undefined) this.cache.set(word, Math.max(0, documents + change));
    }
  }

  /** Papers containing the word. */
  documents(term: string): number {
    let documents = this.cache.get(term);
    if (documents === undefined) {
      documents = this.reader.termDocuments(term);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(term, documents);
    }
    return documents;
  }

  /** Upper bound of the papers containing any of the variants. */
  documentFrequency(variants: string[], prefix: boolean): number {
    if (prefix) return this.corpusSize();
    return variants.reduce((sum, variant) => sum + this.documents(variant), 0);
  }

  /** Words no paper contains weigh as much as the rarest known word of the query (or a word in one paper). */
  queryWeights(groups: string[][]): number[] {
    const weights = groups.map((variants) => this.weightOf(variants));
    const finite = weights.filter((weight) => Number.isFinite(weight));
    const unknownWeight = finite.length > 0 ? Math.max(...finite) : this.idf(1);
    return weights.map((weight) => (Number.isFinite(weight) ? weight : unknownWeight));
  }

  /**
   * A misspelt word weighs what its correction weighs; a word no paper contains weighs the most, so a query
   * about something else is not "mostly covered".
   */
  private weightOf(variants: string[]): number {
    const known = variants.map((variant) => this.documents(variant)).filter((doc) => doc > 0);
    return known.length > 0 ? this.idf(Math.min(...known)) : Number.POSITIVE_INFINITY;
  }

  private idf(documents: number): number {
    return idf(this.corpusSize(), documents);
  }
}
