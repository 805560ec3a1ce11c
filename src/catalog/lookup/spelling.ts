import { deletions, editDistance } from "../text.js";
import { isSlip, SHORT_NAME } from "./fuzzy.js";
import type { LookupWork } from "./types.js";

/**
 * Longer words are taken as they are. Double deletions of an n-letter word are n²/2 strings of n letters,
 * so correcting a 2,000-letter "word" once took gigabytes; no word people misspell is this long.
 */
export const MAX_CORRECTED_WORD_LENGTH = 20;
/** Known words compared per query word, whatever the size of the vocabulary's deletion buckets. */
export const MAX_SPELLING_COMPARISONS = 2_000;
const CACHE_LIMIT = 10_000;

/** What the corrector may ask of the index about a word; without it, every known name word is a correction. */
export interface WordFacts {
  /** The word is an ordinary word of the corpus (found in enough papers' text): "beats", "bart", "json". */
  isCorpusWord(word: string): boolean;
  /** The word is in some paper's title, aliases or topics, not only in its credits (authors, organisation). */
  isNameWord(word: string): boolean;
}

/**
 * Spelling correction against the title/alias vocabulary with a symmetric-delete index: a word and a known
 * word meet when deleting letters from both gives the same string.
 */
export class SpellingCorrector {
  private readonly deletionIndex = new Map<string, string[]>();
  private readonly cache = new Map<string, string[]>();

  private readonly vocabulary = new Map<string, number>();

  /** `vocabulary`: the words papers are named by, with the number of papers having each. */
  constructor(
    vocabulary: Iterable<readonly [word: string, papers: number]>,
    private readonly work: LookupWork,
    private readonly facts?: WordFacts,
  ) {
    for (const [word, papers] of vocabulary) this.addWord(word, papers);
  }

  /** Words of a paper that was added (or of its new version). */
  addWords(words: Iterable<string>): void {
    for (const word of words) this.addWord(word, 1);
    this.cache.clear();
  }

  /** Words of a paper that was removed (or of its old version); a word no paper has is no longer a correction. */
  removeWords(words: Iterable<string>): void {
    for (const word of words) {
      const count = (this.vocabulary.get(word) ?? 0) - 1;
      if (count > 0) this.vocabulary.set(word, count);
      else this.vocabulary.delete(word);
    }
    this.cache.clear();
  }

  private addWord(word: string, papers: number): void {
    const known = this.vocabulary.get(word);
    this.vocabulary.set(word, (known ?? 0) + papers);
    // A word more than two letters longer than any corrected word is never within reach.
    if (known !== undefined || word.length < 4 || word.length > MAX_CORRECTED_WORD_LENGTH + 2) return;
    for (const variant of [word, ...deletions(word)]) {
      const bucket = this.deletionIndex.get(variant);
      if (bucket) {
        if (!bucket.includes(word)) bucket.push(word);
      } else this.deletionIndex.set(variant, [word]);
    }
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Known word, or the word and its closest known words at edit distance 1 (2 for long words); remembered per word. */
  corrections(token: string): string[] {
    if (token.length > MAX_CORRECTED_WORD_LENGTH) return [token];
    let found = this.cache.get(token);
    if (!found) {
      found = this.compute(token);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(token, found);
    }
    return found;
  }

  private compute(token: string): string[] {
    // Quantities are not typos: "1.3b" is not "1.5b".
    if (this.vocabulary.has(token) || token.length < 4 || /^\d/.test(token)) return [token];
    // A real word is not a typo of a name: "beats" is not "bert", "bart" is not "bert".
    if (this.facts?.isCorpusWord(token)) return [token];
    this.work.wordsCorrected += 1;
    const allowed = token.length >= 7 ? 2 : 1;
    const found = new Map<string, number>();
    const once = deletions(token);
    // Long words may be two letters longer than the word they mean ("trainig" → "train" after stemming).
    const twice = token.length >= 7 ? [...new Set(once.flatMap(deletions))] : [];
    this.work.spellingVariants += once.length + twice.length;
    let comparisons = 0;
    search: for (const variant of [token, ...once, ...twice]) {
      for (const word of this.deletionIndex.get(variant) ?? []) {
        if (found.has(word) || !this.vocabulary.has(word)) continue;
        // Version numbers are not typos ("gptq" is not "gpt3"), and an author's name is not what a word meant
        // ("json" is not Jason, "roberta" is not Roberts).
        if (digitsOf(word) !== digitsOf(token)) continue;
        // People rarely mistype a word's first letter ("table" is not "stable"); swapping the first two is a slip.
        if (word[0] !== token[0] && !(word[0] === token[1] && word[1] === token[0])) continue;
        if (comparisons >= MAX_SPELLING_COMPARISONS) break search;
        comparisons += 1;
        const distance = editDistance(token, word, allowed);
        // As for whole names (lookup/fuzzy.ts): one letter off a short name is another name ("beit", "llava").
        if (distance === 1 && token.length <= SHORT_NAME && !isSlip(token, word)) continue;
        if (distance <= allowed) found.set(word, distance);
      }
    }
    this.work.spellingComparisons += comparisons;
    const best = [...found.entries()].sort((a, b) => a[1] - b[1] || (this.vocabulary.get(b[0]) ?? 0) - (this.vocabulary.get(a[0]) ?? 0));
    const kept: string[] = [];
    for (const [word] of best) {
      if (kept.length >= 3) break;
      if (!this.facts || this.facts.isNameWord(word)) kept.push(word);
    }
    return [token, ...kept];
  }
}

function digitsOf(word: string): string {
  return word.replace(/\D+/g, " ").trim();
}
