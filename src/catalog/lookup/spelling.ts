import { deletions, editDistance } from "../text.js";

/**
 * Spelling correction against the title/alias vocabulary with a symmetric-delete index: a word and a known
 * word meet when deleting letters from both gives the same string.
 */
export class SpellingCorrector {
  private readonly deletionIndex = new Map<string, string[]>();
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly vocabulary: ReadonlyMap<string, number>) {
    for (const word of vocabulary.keys()) {
      if (word.length < 4) continue;
      for (const variant of [word, ...deletions(word)]) {
        const bucket = this.deletionIndex.get(variant);
        if (bucket) bucket.push(word);
        else this.deletionIndex.set(variant, [word]);
      }
    }
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Known word, or the word and its closest known words at edit distance 1 (2 for long words); remembered per word. */
  corrections(token: string): string[] {
    let found = this.cache.get(token);
    if (!found) {
      found = this.compute(token);
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(token, found);
    }
    return found;
  }

  private compute(token: string): string[] {
    if (this.vocabulary.has(token) || token.length < 4 || /^\d+$/.test(token)) return [token];
    const allowed = token.length >= 7 ? 2 : 1;
    const found = new Map<string, number>();
    const once = deletions(token);
    // Long words may be two letters longer than the word they mean ("trainig" → "train" after stemming).
    const twice = token.length >= 7 ? [...new Set(once.flatMap(deletions))] : [];
    for (const variant of [token, ...once, ...twice]) {
      for (const word of this.deletionIndex.get(variant) ?? []) {
        if (found.has(word)) continue;
        const distance = editDistance(token, word, allowed);
        if (distance <= allowed) found.set(word, distance);
      }
    }
    const best = [...found.entries()].sort((a, b) => a[1] - b[1] || (this.vocabulary.get(b[0]) ?? 0) - (this.vocabulary.get(a[0]) ?? 0));
    return [token, ...best.slice(0, 3).map(([word]) => word)];
  }
}
