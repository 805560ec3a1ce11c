/** Word-level helpers of the full-text stage: stored-word tests, abbreviation expansions, version numbers. */
import { contentTokens } from "../text.js";
import { LOOKUP_WEIGHTS } from "./weights.js";

/** Numbers that follow a name: "gpt-4" → 4, "llama 3" → 3; not "from 175 seed tasks", "25 agents" or "bm25". */
export function versionNumbers(text: string): { name: string; number: string }[] {
  const versions: { name: string; number: string }[] = [];
  for (const match of text.matchAll(/\b([a-z][a-z0-9]*)[- ](\d+)(?![\d.]*[a-z])/g)) {
    const [, word = "", number = ""] = match;
    const name = contentTokens(word)[0];
    if (name !== undefined) versions.push({ name, number });
  }
  return versions;
}

/** Abbreviations people use for what summaries spell out: "rnn" also finds "recurrent". */
export const EXPANSIONS: Record<string, string[]> = {
  rnn: ["recurr"],
  cnn: ["convolut"],
  qa: ["question"],
  rl: ["reinforc"],
  mt: ["translat"],
  kd: ["distil"],
  nlp: ["languag"],
  moe: ["expert"],
  sft: ["supervis"],
  lm: ["languag"],
  llm: ["languag"],
  // Paraphrases of comparisons that descriptions use and summaries word differently.
  beat: ["outperform"],
  outperform: ["beat"],
  bigger: ["larger", "larg"],
  biggest: ["largest"],
  smaller: ["fewer"],
};

export function withExpansions(variants: string[]): string[] {
  const expansion = EXPANSIONS[variants[0] ?? ""];
  return expansion ? [...variants, ...expansion] : variants;
}

/** A long shared beginning: "constituion" and "constitut" (constitutional). */
export function resemblesAny(word: string, words: Iterable<string>): boolean {
  if (word.length < 5) return false;
  for (const other of words) {
    let shared = 0;
    while (shared < word.length && shared < other.length && word[shared] === other[shared]) shared += 1;
    if (shared >= 5 && shared >= LOOKUP_WEIGHTS.text.typoSharedStart * Math.min(word.length, other.length)) return true;
  }
  return false;
}

export function lookUp1(words: StoredWords, variants: string[], prefix: boolean): boolean {
  return variants.some((variant) => words.has(variant) || (prefix && words.hasPrefix(variant)));
}

/**
 * Stored words (space-separated, as the index holds them), tested in place: a summary is searched for the
 * query's dozen words rather than turned into a set of its hundreds.
 */
export class StoredWords {
  private readonly padded: string;

  constructor(text: string) {
    this.padded = ` ${text} `;
  }

  has(word: string): boolean {
    return word.length > 0 && this.padded.includes(` ${word} `);
  }

  hasPrefix(prefix: string): boolean {
    return prefix.length > 0 && this.padded.includes(` ${prefix}`);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const word of this.padded.split(" ")) if (word.length > 0) yield word;
  }
}
