import type { SearchIndexReader } from "../../db/search.js";

/** How telling each word is, from FTS5's own count of the papers containing it (inverse document frequency). */
export class TermWeights {
  private readonly termDocuments = new Map<string, number>();

  constructor(
    reader: SearchIndexReader,
    private readonly corpusSize: number,
  ) {
    for (const row of reader.termDocuments()) this.termDocuments.set(row.term, row.doc);
  }

  /** Upper bound of the papers containing any of the variants. */
  documentFrequency(variants: string[], prefix: boolean): number {
    if (prefix) return this.corpusSize;
    return variants.reduce((sum, variant) => sum + (this.termDocuments.get(variant) ?? 0), 0);
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
    const known = variants.map((variant) => this.termDocuments.get(variant) ?? 0).filter((doc) => doc > 0);
    return known.length > 0 ? this.idf(Math.min(...known)) : Number.POSITIVE_INFINITY;
  }

  private idf(documents: number): number {
    return Math.log((this.corpusSize + 1) / (documents + 0.5));
  }
}
