import { TOPICS } from "../catalog/schema.js";
import type { CanonScore, PaperText, Reasons } from "./score.js";
import { termIdsOf } from "./terms.js";

/** Terms named as reasons: at most this many, each adding at least RELATIVE of what the first one adds. */
const MAX_REASON_TERMS = 3;
const RELATIVE = 0.3;
/** Words of a text read to find how a term is written (a bound on the work per paper). */
const MAX_WORDS = 400;

/**
 * The reasons of a score: the terms that added most to the learned score, as the paper writes them (two weighted
 * terms side by side make one phrase: "KV cache"), the canon papers it is specifically like (CanonIndex names
 * them only above a similarity that generic words don't reach), its confident topics and its followed keywords.
 */
export function explain(text: PaperText, canon: CanonScore, topics: readonly string[]): Reasons {
  const first = canon.topTerms[0]?.value ?? 0;
  const carried = canon.topTerms.filter((entry) => entry.value >= first * RELATIVE).map((entry) => entry.term);
  const keywords = canon.reasons.topics.filter((topic) => !(TOPICS as readonly string[]).includes(topic));
  return {
    papers: canon.reasons.papers,
    topics: [...topics, ...keywords.filter((keyword) => !topics.includes(keyword))],
    terms: first > 0 ? surfaceForms(`${text.title} ${text.abstract}`, carried) : [],
  };
}

function surfaceForms(text: string, terms: readonly number[]): string[] {
  const words = text.split(" ").slice(0, MAX_WORDS);
  const wanted = new Set(terms);
  const idsOf = words.map((word) => termIdsOf(word));
  const named: string[] = [];
  const covered = new Set<number>();
  for (const term of terms) {
    if (covered.has(term) || named.length >= MAX_REASON_TERMS) continue;
    const at = idsOf.findIndex((ids) => ids.includes(term));
    const word = words[at];
    if (at < 0 || word === undefined) continue;
    covered.add(term);
    let phrase = clean(word);
    // A neighbour that carries weight too joins the phrase ("speculative decoding", "KV cache").
    const next = idsOf[at + 1]?.find((id) => wanted.has(id) && !covered.has(id));
    const before = idsOf[at - 1]?.find((id) => wanted.has(id) && !covered.has(id));
    if (next !== undefined) {
      phrase = `${phrase} ${clean(words[at + 1] ?? "")}`;
      covered.add(next);
    } else if (before !== undefined) {
      phrase = `${clean(words[at - 1] ?? "")} ${phrase}`;
      covered.add(before);
    }
    if (!named.includes(phrase)) named.push(phrase);
  }
  return named;
}

/** A word without the punctuation around it; lower case unless it is written as an acronym (KV, LLM, RLHF). */
function clean(word: string): string {
  const bare = word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  return /\p{Lu}.*\p{Lu}/u.test(bare) ? bare : bare.toLowerCase();
}
