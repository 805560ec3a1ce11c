import { findArxivReferences, parseArxivReference } from "../arxiv-id.js";
import { compactKey, containsCjk, contentTokens, tokenize } from "../text.js";
import { bridgeJapanese } from "./bridge.js";
import type { PaperHeads } from "./heads.js";
import { nameWithinScore } from "./score.js";
import type { Offer, PaperHead } from "./types.js";

/** arXiv ids taken from one query (a button row holds five). */
const MAX_ARXIV_IDS = 5;

/** Words of a query that names several papers and nothing else ("lora vs qlora"). */
const MAX_SEVERAL_NAMED_WORDS = 8;
/** Words that join names: "lora vs qlora", "bert or gpt", "lora と qlora". */
const NAME_JOINERS = new Set(["vs", "v", "versus", "and", "or", "with", "compared", "to", "と", "や", "対", "または", "か"]);

/** Content words of a query weighed when looking for a name inside it. */
const MAX_NAME_QUERY_TOKENS = 24;

/** The part of a title before its colon: "LoRA" for "LoRA: Low-Rank Adaptation of Large Language Models". */
export function shortNameOf(paper: { title: string }): string | undefined {
  return paper.title.includes(":") ? paper.title.slice(0, paper.title.indexOf(":")) : undefined;
}

/** URLs compare without scheme, www., trailing slash, query or fragment. */
export function urlKey(url: string): string {
  return url
    .trim()
    .replace(/^<|>$/g, "")
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/^www\./, "")
    .replace(/[?#].*$/, "")
    .replace(/\/+$/, "");
}

export function looksLikeUrl(cleaned: string): boolean {
  return /^(?:https?:\/\/|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+\/)\S*$/i.test(cleaned);
}

/** Stage 1: exact keys — arXiv ids, URLs, ids, titles, aliases (stored in SQLite) — and names inside a longer query. */
export class ExactNames {
  constructor(private readonly heads: PaperHeads) {}

  /** The arXiv id a query names (as an id, a link or inside a sentence), and the listed paper with it if any. */
  arxiv(query: string, cleaned: string): { arxivId: string; paper: PaperHead | undefined } | null {
    return this.arxivAll(query, cleaned)[0] ?? null;
  }

  /** Every arXiv id the query names ("https://arxiv.org/abs/2106.09685 https://arxiv.org/abs/2305.14314"), in order. */
  arxivAll(query: string, cleaned: string): { arxivId: string; paper: PaperHead | undefined }[] {
    const whole = parseArxivReference(query) ?? parseArxivReference(cleaned);
    const ids = whole
      ? [whole]
      : findArxivReferences(query.trim()).length > 1
        ? findArxivReferences(query.trim())
        : findArxivReferences(cleaned);
    return ids.slice(0, MAX_ARXIV_IDS).map((arxivId) => ({ arxivId, paper: this.heads.byArxivId(arxivId) }));
  }

  /**
   * A query made only of several names ("lora vs qlora", "bert and gpt", "1706.03762 bert"): the papers named, in
   * order, or null when any word is neither a name, an arXiv id of a listed paper nor a word joining them.
   */
  severalNamed(cleaned: string): PaperHead[] | null {
    const words = cleaned.split(/[\s,、，/&]+/).filter((word) => word.length > 0);
    if (words.length < 2 || words.length > MAX_SEVERAL_NAMED_WORDS) return null;
    const found: PaperHead[] = [];
    let names = 0;
    let start = 0;
    while (start < words.length) {
      const word = words[start] ?? "";
      if (NAME_JOINERS.has(word.toLowerCase())) {
        start += 1;
        continue;
      }
      const arxivId = parseArxivReference(word);
      if (arxivId) {
        const paper = this.heads.byArxivId(arxivId);
        if (!paper) return null;
        found.push(paper);
        names += 1;
        start += 1;
        continue;
      }
      let size = Math.min(4, words.length - start);
      for (; size >= 1; size -= 1) {
        const key = compactKey(words.slice(start, start + size).join(" "));
        const papers = key.length >= 2 && !key.startsWith("#") ? this.heads.keyed(key) : [];
        const after = words[start + size];
        if (papers.length === 0 || (after !== undefined && /^v?\d+(?:\.\d+)?[a-z]?$/.test(after))) continue;
        found.push(...papers);
        break;
      }
      if (size === 0) return null;
      names += 1;
      start += size;
    }
    const distinct = [...new Map(found.map((paper) => [paper.seq, paper])).values()];
    // One name shared by several papers ("gpt") is a tie, not several names.
    return names >= 2 && distinct.length >= 2 ? distinct : null;
  }

  /** Papers whose id, title, alias or URL is exactly the query; more than one when a name is shared. */
  whole(query: string, cleaned: string, isUrl: boolean): PaperHead[] | undefined {
    const key = isUrl ? urlKey(query.trim()) : compactKey(cleaned);
    const papers = key.length > 0 && !key.startsWith("#") ? this.heads.keyed(key) : [];
    return papers.length > 0 ? papers : undefined;
  }

  /**
   * Names inside a longer query: "the transformer paper", "guanaco model", "dpo explained". `corrections` and
   * `queryWeights` come from the spelling and full-text stages, so a name must carry most of the query's weight.
   */
  namesWithin(
    cleaned: string,
    offer: Offer,
    corrections: (token: string) => string[],
    queryWeights: (groups: string[][]) => number[],
    isUnknown: (token: string) => boolean = () => false,
  ): void {
    // Japanese has no spaces: "post-lnとpre-lnの違い" splits where the script changes.
    const words = cleaned
      .split(/\s+/)
      .flatMap(
        (word) =>
          word.match(
            /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+/gu,
          ) ?? [],
      );
    if (words.length < 2 || words.length > 12) return;
    // Japanese words weigh too ("…畳み込みなしでTransformerに入れる画像認識" is not the Transformer paper):
    // through their English (lookup/bridge.ts), or as a word no paper has.
    const wordTokens = words.map((word) => (containsCjk(word) ? [] : contentTokens(word)));
    if (wordTokens.reduce((sum, tokens) => sum + tokens.length, 0) > MAX_NAME_QUERY_TOKENS) return;
    const wordGroups = words.map((word, index) => (containsCjk(word) ? japaneseGroups(word) : (wordTokens[index] ?? []).map(corrections)));
    const flatWeights = queryWeights(wordGroups.flat());
    let next = 0;
    const contentWeights = wordGroups.map((groups) => groups.reduce((sum) => sum + (flatWeights[next++] ?? 0), 0));
    const totalWeight = contentWeights.reduce((sum, weight) => sum + weight, 0);
    if (totalWeight === 0) return;
    for (let size = Math.min(4, words.length - 1); size >= 1; size -= 1) {
      for (let start = 0; start + size <= words.length; start += 1) {
        const share = contentWeights.slice(start, start + size).reduce((sum, weight) => sum + weight, 0) / totalWeight;
        if (!nameWithinScore(share, false)) continue;
        const key = compactKey(words.slice(start, start + size).join(" "));
        const papers = key.length >= 2 && !key.startsWith("#") ? this.heads.keyed(key) : [];
        if (papers.length === 0) continue;
        // A version next to a name means another model: "llama 3" is not LLaMA, "gpt 4o" is not GPT-3.
        const after = words[start + size];
        if (after !== undefined && /^v?\d+(?:\.\d+)?[a-z]?$/.test(after)) continue;
        // So does a word no paper has just before it: "swin transformer" is not the Transformer.
        const before = words[start - 1];
        if (before !== undefined && before.length >= 3 && !containsCjk(before) && contentTokens(before).some(isUnknown)) continue;
        const scored = nameWithinScore(share, papers.length > 1);
        if (scored) for (const paper of papers) offer(paper, scored.score, "exact", scored.uncapped);
      }
    }
  }
}

/** Word groups standing for a run of Japanese: its bridged English, or the run itself; particles weigh nothing. */
function japaneseGroups(word: string): string[][] {
  if (!/[\p{Script=Han}\p{Script=Katakana}]/u.test(word)) return [];
  const bridged = bridgeJapanese(word).map(({ english }) => english.flatMap(tokenize));
  return bridged.length > 0 ? bridged : [[word]];
}
