/** The terms that added most, at most TOP_TERMS of them, largest first (parallel arrays, reused). */
const TOP_TERMS = 6;
export class TopTerms {
  readonly terms = new Int32Array(TOP_TERMS);
  readonly values = new Float64Array(TOP_TERMS);
  length = 0;

  keep(term: number, value: number): void {
    const { terms, values } = this;
    if (this.length === TOP_TERMS && (values[TOP_TERMS - 1] ?? 0) >= value) return;
    let at = this.length < TOP_TERMS ? this.length++ : TOP_TERMS - 1;
    while (at > 0 && (values[at - 1] ?? 0) < value) {
      terms[at] = terms[at - 1] ?? 0;
      values[at] = values[at - 1] ?? 0;
      at -= 1;
    }
    terms[at] = term;
    values[at] = value;
  }

  has(term: number): boolean {
    for (let at = 0; at < this.length; at += 1) if (this.terms[at] === term) return true;
    return false;
  }

  /** Pairs of kept terms that stand side by side in ids[0 … length), each pair once. */
  pairsIn(ids: Int32Array, length: number): [number, number][] {
    const pairs: [number, number][] = [];
    for (let at = 0; at + 1 < length; at += 1) {
      const first = ids[at] ?? -1;
      const second = ids[at + 1] ?? -1;
      if (first === second || !this.has(first) || !this.has(second)) continue;
      if (!pairs.some(([a, b]) => (a === first && b === second) || (a === second && b === first))) pairs.push([first, second]);
    }
    return pairs;
  }

  list(scale: number): { term: number; value: number }[] {
    return Array.from({ length: this.length }, (_, at) => ({ term: this.terms[at] ?? 0, value: (this.values[at] ?? 0) * scale }));
  }
}
