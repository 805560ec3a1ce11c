import { ftsPhrase, type SearchIndexReader } from "../../db/search.js";
import { containsCjk, normalize } from "../text.js";
import type { PaperHeads } from "./heads.js";
import { JAPANESE_TAG } from "./keys.js";
import { idf, japaneseScore } from "./score.js";
import { FTS_CANDIDATES, type LookupWork, type Offer, type PaperHead } from "./types.js";
import { LOOKUP_WEIGHTS } from "./weights.js";

/** Up to this many papers with Japanese text are scored directly; more go through the trigram index first. */
const JAPANESE_SCAN_LIMIT = 2_000;
/** Character pairs of a query that are scored: all of any query the bot accepts (200 characters), no more. */
export const MAX_QUERY_BIGRAMS = 200;

/**
 * Stage 4: Japanese text, which has no spaces, by weighted character pairs inside word-like runs; a trigram
 * FTS5 index narrows the candidates once there are many papers with Japanese text.
 */
export class JapaneseMatcher {
  private japanesePapers: PaperHead[] = [];
  /** In how many Japanese texts each character pair occurs (for weighting query bigrams). */
  private readonly bigramDocuments = new Map<string, number>();
  private readonly japaneseBigrams = new Map<number, PaperJapanese>();

  constructor(
    private readonly reader: SearchIndexReader,
    private readonly heads: PaperHeads,
    private readonly work: LookupWork,
  ) {
    for (const paper of heads.keyed(JAPANESE_TAG)) this.add(paper);
  }

  add(paper: PaperHead): void {
    if (!isJapanese(paper)) return;
    this.japanesePapers.push(paper);
    this.count(paper, 1);
  }

  /** Uses the character pairs remembered when the paper was added, so it works after its row changed or left. */
  remove(seq: number): void {
    const paper = this.japanesePapers.find((other) => other.seq === seq);
    if (!paper) return;
    this.count(paper, -1);
    this.japaneseBigrams.delete(seq);
    this.japanesePapers = this.japanesePapers.filter((other) => other.seq !== seq);
  }

  private count(paper: PaperHead, change: number): void {
    const { headline, body } = this.bigramsOf(paper);
    for (const gram of new Set([...headline, ...body])) {
      const documents = (this.bigramDocuments.get(gram) ?? 0) + change;
      if (documents > 0) this.bigramDocuments.set(gram, documents);
      else this.bigramDocuments.delete(gram);
    }
  }

  match(cleaned: string, offer: Offer): void {
    const text = cjkRuns(cleaned).join("");
    if (text.length === 0) return;
    const grams = this.queryBigrams(cleaned).slice(0, MAX_QUERY_BIGRAMS);
    this.work.japaneseBigrams += grams.length;
    if (grams.length === 0) {
      // One character: only a name can be meant.
      for (const paper of this.japanesePapers)
        if (this.bigramsOf(paper).names.text.includes(text)) offer(paper, LOOKUP_WEIGHTS.japanese.oneCharacterName, "japanese");
      return;
    }
    // As with words: a pair no text contains weighs as much as the rarest pair that some text does contain.
    const known = grams.map((gram) => this.bigramDocuments.get(gram) ?? 0);
    const rarestKnown = Math.min(...known.filter((documents) => documents > 0), this.japanesePapers.length);
    const weights = known.map((documents) => idf(this.japanesePapers.length, documents > 0 ? documents : rarestKnown));
    const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
    const covered = (set: Set<string>, also?: Set<string>) =>
      grams.reduce((sum, gram, index) => sum + (set.has(gram) || also?.has(gram) ? (weights[index] ?? 0) : 0), 0) / total;
    // A katakana name with a number is a version ("ジーピーティー4"): a paper named without that number is another model.
    const versions = [...cleaned.matchAll(/([\p{Script=Katakana}ー]{2,})[\s・-]?(\d+(?:\.\d+)?)(?![\d.]*[a-z])/gu)].map(
      ([, name = "", number = ""]) => ({ name, number }),
    );
    const words = katakanaWords(cleaned);
    const loneWord = cjkRuns(cleaned).length === 1 && words.length === 1;
    for (const paper of this.candidates(grams)) {
      const { headline: namePairs, body: bodyPairs, text: paperText, names: paperNames } = this.bigramsOf(paper);
      // A katakana word alone is one loanword: its pairs count only where the whole word is ("パーム" is not "ウォーム…" +
      // "…パー…"). Inside longer Japanese it may be a compound of known words ("ヒューマンデータ"), matched by pairs as before.
      const absent = loneWord ? words.filter((word) => !paperText.includes(word)).flatMap(bigrams) : [];
      const headline = absent.length > 0 ? without(namePairs, absent) : namePairs;
      const body = absent.length > 0 ? without(bodyPairs, absent) : bodyPairs;
      if (versions.length > 0) {
        const names = paperNames.text;
        if (versions.some(({ name, number }) => names.includes(name) && !names.includes(`${name}${number}`))) continue;
      }
      if (text.length >= 2 && paperNames.compact.includes(text)) {
        offer(paper, LOOKUP_WEIGHTS.japanese.inName, "japanese");
        continue;
      }
      const scored = japaneseScore({
        everywhereCoverage: covered(headline, body),
        nameCoverage: covered(headline),
        pairsFound: grams.filter((gram) => headline.has(gram) || body.has(gram)).length,
        // A query word that is one of the paper's whole names ("トランスフォーマー") says more than the same word inside a
        // longer name ("ビジョントランスフォーマー").
        wholeName: words.length > 0 && words.some((word) => paperNames.whole.has(word)),
      });
      if (scored) offer(paper, scored.score, "japanese", scored.uncapped);
    }
  }

  /** Some paper's Japanese text has this katakana word (from katakanaWords). */
  knows(word: string): boolean {
    if (this.japanesePapers.length <= JAPANESE_SCAN_LIMIT)
      return this.japanesePapers.some((paper) => this.bigramsOf(paper).text.includes(word));
    return [...word].length >= 3 && this.reader.rankedJapanese(ftsPhrase(word), 1).length > 0;
  }

  /** Content bigrams of the Japanese runs of a query; all-hiragana pairs (particles, endings) only if nothing else. */
  private queryBigrams(text: string): string[] {
    const all = [...new Set(cjkRuns(text).flatMap(bigrams))];
    const content = all.filter((gram) => !/^[\p{Script=Hiragana}ー]+$/u.test(gram));
    return content.length > 0 ? content : all;
  }

  /** Every paper with Japanese text while there are few; beyond that, FTS5's trigram index narrows them down. */
  private candidates(grams: string[]): Iterable<PaperHead> {
    if (this.japanesePapers.length <= JAPANESE_SCAN_LIMIT) return this.japanesePapers;
    const trigramsOfQuery = grams.filter((gram) => gram.length >= 2);
    const expression = trigramsOfQuery.map(ftsPhrase).join(" OR ");
    return this.reader
      .rankedJapanese(expression, FTS_CANDIDATES * 5)
      .map((row) => this.heads.get(row.rowid))
      .filter((paper): paper is PaperHead => paper !== undefined);
  }

  private bigramsOf(paper: PaperHead): PaperJapanese {
    let entry = this.japaneseBigrams.get(paper.seq);
    if (!entry) {
      const body = normalize(this.reader.storedJapanese(paper.seq));
      const names = headlineJa(paper);
      entry = {
        headline: new Set(cjkRuns(names).flatMap(bigrams)),
        body: new Set(cjkRuns(body).flatMap(bigrams)),
        text: compactKana(`${names} ${body}`),
        names: {
          text: names,
          compact: names.replace(/\s+/g, ""),
          whole: new Set([paper.titleJa, ...paper.aliases].map((name) => compactKana(normalize(name)))),
        },
      };
      this.japaneseBigrams.set(paper.seq, entry);
    }
    return entry;
  }
}

/** A paper's Japanese text as matched: pairs of its names and of its summary, the compacted text, its names. */
interface PaperJapanese {
  headline: Set<string>;
  body: Set<string>;
  text: string;
  /** Its Japanese title and aliases normalised (and without spaces), and each of them compacted. */
  names: { text: string; compact: string; whole: Set<string> };
}

/**
 * Word-like runs of Japanese: kanji with the kana that follow them (超えて), katakana words, hiragana.
 * "線形バイアスで入力長を外挿" → 線形, バイアス, で, 入力長を, 外挿. Pairs are taken inside runs, so a
 * katakana word and the kanji around it are not glued into pairs that mean nothing.
 */
function cjkRuns(text: string): string[] {
  return text.match(/[\p{Script=Han}々]+[\p{Script=Hiragana}]*|[\p{Script=Katakana}ー]+|[\p{Script=Hiragana}]+/gu) ?? [];
}

/** Katakana words of three or more characters, as compared with a paper's text (no final ー, no ・ or spaces). */
export function katakanaWords(text: string): string[] {
  return [...new Set((text.match(/[\p{Script=Katakana}ー・]{3,}/gu) ?? []).map(compactKana).filter((word) => [...word].length >= 3))];
}

function compactKana(text: string): string {
  return text.replace(/[・\s]+/g, "").replace(/ー+(?=[^\p{Script=Katakana}ー]|$)/gu, "");
}

function without(pairs: Set<string>, absent: string[]): Set<string> {
  const kept = new Set(pairs);
  for (const pair of absent) kept.delete(pair);
  return kept;
}

function bigrams(run: string): string[] {
  const chars = [...run];
  const grams: string[] = [];
  for (let i = 0; i + 2 <= chars.length; i += 1) grams.push(`${chars[i] ?? ""}${chars[i + 1] ?? ""}`);
  return grams;
}

function isJapanese(paper: PaperHead): boolean {
  return containsCjk(paper.titleJa) || paper.aliases.some(containsCjk);
}

function headlineJa(paper: PaperHead): string {
  return normalize([paper.titleJa, ...paper.aliases].join(" "));
}
