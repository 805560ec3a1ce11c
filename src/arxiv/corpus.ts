import { collectTerms, TermBuffer, termCount, termName } from "./terms.js";

/**
 * Document frequencies of terms (interned ids) over the canon and every paper the watch ingested, so a term's
 * weight reflects arXiv, not the 43 canon texts. The stream part is persisted (src/db/term-stats.ts) and grows at
 * each poll; the canon part is counted when the model is built.
 */
export class CorpusStats {
  private df = new Float64Array(1024);
  documents = 0;

  /** Counts one document: `terms` may repeat, each distinct term counts once. */
  addDocument(terms: Iterable<number>, seen = new Set<number>()): void {
    seen.clear();
    for (const term of terms) {
      if (seen.has(term)) continue;
      seen.add(term);
      this.addTerm(term, 1);
    }
    this.documents += 1;
  }

  addTerm(term: number, documents: number): void {
    if (term >= this.df.length) {
      const grown = new Float64Array(Math.max(term + 1, this.df.length * 2, termCount()));
      grown.set(this.df);
      this.df = grown;
    }
    this.df[term] = (this.df[term] ?? 0) + documents;
  }

  frequency(term: number): number {
    return this.df[term] ?? 0;
  }

  /** Smoothed idf (as scikit-learn's): ln((1 + n) / (1 + df)) + 1. A term never seen gets the largest value. */
  idf(term: number): number {
    return Math.log((1 + this.documents) / (1 + this.frequency(term))) + 1;
  }

  /** A dense idf table by term id (one slot past the last id for terms interned later). */
  idfTable(): Float64Array {
    const known = termCount();
    const table = new Float64Array(known + 1);
    for (let term = 0; term <= known; term += 1) table[term] = this.idf(term);
    return table;
  }

  clone(): CorpusStats {
    const copy = new CorpusStats();
    copy.df = this.df.slice();
    copy.documents = this.documents;
    return copy;
  }
}

/**
 * Counts the distinct terms of papers as they are ingested (no garbage per paper), for the stored statistics.
 */
export class StreamCounter {
  private readonly buffer = new TermBuffer();
  private marks = new Int32Array(1024);
  private counts = new Int32Array(1024);
  private readonly seen: number[] = [];
  private stamp = 0;
  papers = 0;

  add(text: { title: string; abstract: string }): void {
    const buffer = this.buffer;
    buffer.length = 0;
    collectTerms(text.title, buffer);
    collectTerms(text.abstract, buffer);
    this.addCollected(buffer);
  }

  /** Counts one paper from its term ids (in `buffer`, as collectTerms leaves them). */
  addCollected(buffer: TermBuffer): void {
    const known = termCount();
    if (this.marks.length < known) {
      const size = Math.max(known, this.marks.length * 2);
      this.marks = new Int32Array(size);
      const counts = new Int32Array(size);
      counts.set(this.counts);
      this.counts = counts;
      this.stamp = 0;
    }
    const { marks, counts, seen } = this;
    const { ids } = buffer;
    const stamp = (this.stamp = (this.stamp % 0x7fffffff) + 1);
    if (stamp === 1) marks.fill(0);
    for (let at = 0; at < buffer.length; at += 1) {
      const term = ids[at] ?? 0;
      if (marks[term] === stamp) continue;
      marks[term] = stamp;
      const count = counts[term] ?? 0;
      if (count === 0) seen.push(term);
      counts[term] = count + 1;
    }
    this.papers += 1;
  }

  /** The counts by term (as stored: the term's text), then starts afresh. */
  take(): { terms: Record<string, number>; papers: number } {
    // No prototype: a term such as "__proto__" is an ordinary key.
    const terms = Object.create(null) as Record<string, number>;
    for (const term of this.seen) {
      terms[termName(term)] = this.counts[term] ?? 0;
      this.counts[term] = 0;
    }
    this.seen.length = 0;
    const papers = this.papers;
    this.papers = 0;
    return { terms, papers };
  }
}
