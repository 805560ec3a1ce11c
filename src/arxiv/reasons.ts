import { TOPICS } from "../catalog/schema.js";
import type { CanonScore, Reasons } from "./score.js";
import { contentTokens } from "../catalog/text.js";
import { termSurface } from "./terms.js";
import { texToText } from "./tex.js";

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

/** The most words of a paper read to find how it writes its reasons (a title and an abstract are far below it). */
const MAX_WORDS_READ = 5000;

/**
 * A paper's reason terms as the paper writes them. A stored reason is a term (or two side by side) as some text first
 * wrote it: another paper, or a catalog summary in another language, may have written the same stem differently
 * ("fine-tune" for "fine-tuning"). Each reason becomes a run of the paper's own words with the same terms: the first
 * run that holds no other term ("language models" rather than "vision-language models" when the paper writes both),
 * else the first run; the abstract before the title (its case is the sentence's, not a headline's), links left out,
 * without the punctuation or possessive around it, and a capital that only starts a word made small ("Pre-Training"
 * → "pre-training"; "KV cache" and "RoBERTa" kept). A reason of numbers alone says nothing and is left out; one the
 * paper does not write stays as stored.
 */
export function reasonsAsWritten(reasons: readonly string[], text: { title: string; abstract: string }): string[] {
  if (reasons.length === 0) return [];
  // Split at slashes too ("forward-only/reversible"), after links are left out whole.
  const words = `${text.abstract}\n${text.title}`
    .split(/\s+/)
    .slice(0, MAX_WORDS_READ)
    .flatMap((word) => (/:\/\/|^www\./i.test(word) ? [""] : word.split("/")));
  const tokens: string[] = [];
  const wordOf: number[] = [];
  const tokensInWord = words.map((word, at) => {
    const own = contentTokens(word);
    for (const token of own) {
      tokens.push(token);
      wordOf.push(at);
    }
    return own.length;
  });
  const named: string[] = [];
  for (const reason of reasons) {
    const wanted = contentTokens(reason);
    if (wanted.length === 0 || wanted.every((token) => /^\d+(?:p\d+)?$/.test(token))) continue;
    let found: { first: number; last: number } | undefined;
    for (let start = 0; start + wanted.length <= tokens.length; start += 1) {
      if (!wanted.every((token, offset) => tokens[start + offset] === token)) continue;
      const first = wordOf[start] ?? 0;
      const last = wordOf[start + wanted.length - 1] ?? first;
      let held = 0;
      for (let word = first; word <= last; word += 1) held += tokensInWord[word] ?? 0;
      found ??= { first, last };
      if (held === wanted.length) {
        found = { first, last };
        break;
      }
    }
    const written = found ? headlineCaseOff(stripped(words.slice(found.first, found.last + 1).join(" "))) : reason;
    if (written !== "" && !named.includes(written)) named.push(written);
  }
  return named;
}

/** A stored candidate's reason terms as its title and abstract write them (rendered from TeX first, as shown). */
export function candidateTermsAsWritten(candidate: { reasons: { terms?: string[] }; title: string; abstract: string }): string[] {
  return reasonsAsWritten(candidate.reasons.terms ?? [], { title: texToText(candidate.title), abstract: texToText(candidate.abstract) });
}

function stripped(words: string): string {
  return words.replace(/^[^\p{L}\p{N}]+|(?:['’]s)?[^\p{L}\p{N}]*$/gu, "");
}

/** Each part (between spaces and hyphens) whose only capital is its first letter, in small letters. */
function headlineCaseOff(words: string): string {
  return words.replace(/[\p{L}\p{N}]+/gu, (part) => (/^\p{Lu}[^\p{Lu}]*$/u.test(part) ? part.toLowerCase() : part));
}
