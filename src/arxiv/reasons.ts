import { TOPICS } from "../catalog/schema.js";
import type { CanonScore, Reasons } from "./score.js";
import { termSurface } from "./terms.js";

/** Terms named as reasons: at most this many, each adding at least RELATIVE of what the first one adds. */
const MAX_REASON_TERMS = 3;
const RELATIVE = 0.3;

/**
 * The reasons of a score: the terms that added most to the learned score, as the paper writes them (two weighted
 * terms side by side make one phrase: "KV cache"), the canon papers it is specifically like (CanonIndex names
 * them only above a similarity that generic words don't reach), its confident topics and its followed keywords.
 */
export function explain(canon: CanonScore, topics: readonly string[], text?: { title: string; abstract: string }): Reasons {
  const first = canon.topTerms[0]?.value ?? 0;
  const carried = canon.topTerms.filter((entry) => entry.value >= first * RELATIVE).map((entry) => entry.term);
  const keywords = canon.reasons.topics.filter((topic) => !(TOPICS as readonly string[]).includes(topic));
  return {
    papers: canon.reasons.papers,
    topics: [...topics, ...keywords.filter((keyword) => !topics.includes(keyword))],
    terms: first > 0 ? surfaceForms(carried, canon.topPairs, text) : [],
  };
}

/**
 * How the paper writes its carried terms, two side by side as one phrase ("speculative decoding"). Terms are side by
 * side once small words are left out, so a phrase is named only when the paper writes it so: "parameters per token"
 * gives "parameters" and "token", never "parameters token".
 */
function surfaceForms(terms: readonly number[], pairs: readonly [number, number][], text?: { title: string; abstract: string }): string[] {
  const named: string[] = [];
  const covered = new Set<number>();
  let written: string | undefined;
  const writes = (phrase: string) => {
    if (!text) return true;
    written ??= ` ${text.title} ${text.abstract} `.toLowerCase().replace(/[\s\u2010-\u2015-]+/g, " ");
    return written.includes(phrase.toLowerCase().replace(/[\s\u2010-\u2015-]+/g, " "));
  };
  for (const term of terms) {
    if (covered.has(term) || named.length >= MAX_REASON_TERMS) continue;
    covered.add(term);
    const pair = pairs.find(
      ([a, b]) =>
        (a === term || b === term) &&
        terms.includes(a) &&
        terms.includes(b) &&
        !covered.has(a === term ? b : a) &&
        writes(`${termSurface(a)} ${termSurface(b)}`),
    );
    const phrase = pair ? `${termSurface(pair[0])} ${termSurface(pair[1])}` : termSurface(term);
    if (pair) covered.add(pair[0] === term ? pair[1] : pair[0]);
    if (phrase.trim() !== "" && !named.includes(phrase)) named.push(phrase);
  }
  return named;
}
