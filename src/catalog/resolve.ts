import type { Db } from "../db/connection.js";
import { paperStore, type PaperStore } from "../db/papers.js";
import { searchIndexReader, type SearchIndexReader } from "../db/search.js";
import { arxivDisplayId } from "./arxiv-id.js";
import { bridgeJapanese } from "./lookup/bridge.js";
import { ExactNames, looksLikeUrl } from "./lookup/exact.js";
import { FullTextMatcher } from "./lookup/fulltext.js";
import { FuzzyNames } from "./lookup/fuzzy.js";
import { PaperHeads } from "./lookup/heads.js";
import { CURATED_TAG } from "./lookup/keys.js";
import { JapaneseMatcher, katakanaWords } from "./lookup/japanese.js";
import { SpellingCorrector } from "./lookup/spelling.js";
import { suggest } from "./lookup/suggest.js";
import { TermWeights } from "./lookup/term-weights.js";
import { isTie, MatchCollector, TIE_MARGIN } from "./lookup/collect.js";
import { exactScore } from "./lookup/score.js";
import { LOOKUP_WEIGHTS } from "./lookup/weights.js";
import { newLookupWork, RESULT_THRESHOLD, type LookupWork, type Match, type PaperHead, type Ranked } from "./lookup/types.js";
import { cleanQuery, compactKey, containsCjk, contentTokens } from "./text.js";
import type { Locale } from "../i18n/locale.js";
import type { Paper } from "./types.js";
import type { Topic } from "./schema.js";
import { matchTopic } from "./topics.js";

export type { LookupWork, Match, MatchKind } from "./lookup/types.js";
export { urlKey } from "./lookup/exact.js";

export interface Resolution {
  query: string;
  results: Match[];
  /** Close but not confident: offered as "did you mean" when `results` is empty. */
  suggestions: Paper[];
  /** The query named an arXiv paper that is not in the reading list. */
  unlistedArxivId: string | null;
  /**
   * The best results tie (a generic word: "llm", "model", "2023"), or the query named several papers (two links):
   * none of them is the answer, and `results` up to the first that scores less are the choice to offer.
   */
  ambiguous: boolean;
  /** The query named several papers (links, ids or names: "lora vs qlora"); `ambiguous` too. */
  severalNamed?: true;
}

/** Katakana words of one query checked against every paper's Japanese text. */
const MAX_UNKNOWN_CHECKS = 4;

/** Lookup keys looked at for a name prefix: bounded, whatever the size of the list ("a" starts many keys). */
const NAME_PREFIX_SCAN = 2_000;

export { TIE_MARGIN } from "./lookup/collect.js";

/** The results that tie with the best one (all of them when the query named several papers), best first. */
export function tiedResults(resolution: Resolution): Match[] {
  if (!resolution.ambiguous) return resolution.results.slice(0, 1);
  const best = resolution.results[0]?.score ?? 0;
  return resolution.results.filter((match) => match.matchedBy === "arxiv" || best - match.score < TIE_MARGIN);
}

export interface ResolveOptions {
  limit?: number;
  /** Treat the last word as a prefix (autocomplete while typing). */
  prefix?: boolean;
  /** Receives one line per scoring decision; for tuning (`paperbot paper --explain`). */
  explain?: (line: string) => void;
}

/**
 * Finds the paper a person means, in stages (src/catalog/lookup/): exact keys (ids, aliases, titles, URLs,
 * arXiv ids) from memory; whole-query fuzzy matching of short names; words through SQLite FTS5 after spelling
 * correction against the title/alias vocabulary; Japanese by character pairs; "did you mean" suggestions.
 */
export class PaperIndex {
  private readonly heads: PaperHeads;
  private readonly exact: ExactNames;
  private readonly fuzzy = new FuzzyNames();
  private readonly reader: SearchIndexReader;
  private readonly store: PaperStore;
  private readonly spelling: SpellingCorrector;
  private readonly weights: TermWeights;
  private readonly fullText: FullTextMatcher;
  private readonly japanese: JapaneseMatcher;
  private count: number;
  private readonly curatedTopics = new Map<number, readonly string[]>();
  /** What the stages have done so far (cumulative); tests check input bounds on these counts. */
  readonly work: LookupWork = newLookupWork();

  /**
   * Reads only what SQLite already holds and is small: the name vocabulary (FTS5's statistics) and the curated
   * and Japanese-named papers. Exact keys, word counts, names and summaries are asked of SQLite by the queries.
   */
  constructor(db: Db) {
    this.reader = searchIndexReader(db);
    this.store = paperStore(db);
    this.heads = new PaperHeads(this.store, this.reader);
    this.exact = new ExactNames(this.heads);
    for (const head of this.heads.keyed(CURATED_TAG)) this.fuzzy.add(head);
    this.count = this.store.count();
    this.spelling = new SpellingCorrector(
      (function* (terms) {
        for (const { term, doc } of terms) yield [term, doc] as const;
      })(this.reader.headlineTerms()),
      this.work,
      {
        isCorpusWord: (word) => this.isCorpusWord(word),
        isNameWord: (word) => this.reader.inNameColumns(word),
      },
    );
    this.weights = new TermWeights(this.reader, () => this.count);
    this.fullText = new FullTextMatcher(this.reader, this.heads, this.spelling, this.weights);
    this.japanese = new JapaneseMatcher(this.reader, this.heads, this.work);
  }

  /** Ordinary words appear in many papers' text; a few misspellings in 100,000 abstracts do not make a word. */
  private isCorpusWord(word: string): boolean {
    return this.weights.documents(word) >= Math.max(1, Math.ceil(this.count / 20_000));
  }

  get size(): number {
    return this.count;
  }

  /**
   * Takes in a paper whose row, search documents and keys were just written (db/papers.ts `insert`/`update`),
   * in time independent of the number of papers. For a changed paper, `remove` its old version first.
   */
  add(seq: number): void {
    const head = this.heads.get(seq);
    if (!head) return;
    this.curatedTopics.delete(seq);
    this.count += 1;
    this.fuzzy.add(head);
    this.japanese.add(head);
    this.spelling.addWords(this.storedWords(seq, false));
    this.weights.paperChanged(this.storedWords(seq, true), 1);
  }

  /**
   * Forgets a paper. Called while its search documents are still in the database (before deleting or changing
   * the row), word statistics follow exactly; called after another transaction already changed or deleted it
   * (`afterWrite`), remembered word counts are dropped and read again from SQLite when next needed.
   */
  remove(seq: number, options: { afterWrite?: boolean } = {}): void {
    if (options.afterWrite) this.weights.clearCache();
    else {
      if (!this.reader.storedFields(seq)) return;
      this.spelling.removeWords(this.storedWords(seq, false));
      this.weights.paperChanged(this.storedWords(seq, true), -1);
    }
    this.count -= 1;
    this.curatedTopics.delete(seq);
    this.japanese.remove(seq);
    this.fuzzy.remove(seq);
    this.fullText.forget(seq);
    this.heads.forget(seq);
  }

  /**
   * Forgets what earlier queries computed (spelling corrections, papers' words); benchmarks measure without
   * them. Word counts are index statistics, like the term table they replace, and stay.
   */
  clearCaches(): void {
    this.spelling.clearCache();
    this.fullText.clearCaches();
  }

  /** A paper's distinct stored words: of its name columns, or of all columns (with the summaries). */
  private storedWords(seq: number, withBody: boolean): Set<string> {
    const fields = this.reader.storedFields(seq);
    const text = fields ? `${fields.title} ${fields.aliases} ${fields.topics} ${fields.authors}${withBody ? ` ${fields.body}` : ""}` : "";
    const words = new Set(text.split(" "));
    words.delete("");
    return words;
  }

  /** The listed papers with a topic: those the query's words found first, best first, then in reading-list order. */
  private topicPapers(topic: Topic, ranked: readonly Ranked[]): PaperHead[] {
    const order = new Map(ranked.map((match, index) => [match.paper.seq, index]));
    return this.heads
      .keyed(CURATED_TAG)
      .filter((head) => this.topicsOf(head).includes(topic))
      .sort((a, b) => (order.get(a.seq) ?? Infinity) - (order.get(b.seq) ?? Infinity) || a.position - b.position);
  }

  /** A listed paper's topics, remembered (a topic query looks at every listed paper) until the paper changes. */
  private topicsOf(head: PaperHead): readonly string[] {
    let topics = this.curatedTopics.get(head.seq);
    if (!topics) {
      topics = this.paperOf(head)?.topics ?? [];
      this.curatedTopics.set(head.seq, topics);
    }
    return topics;
  }

  private paperOf(head: PaperHead): Paper | undefined {
    return this.heads.paper(head);
  }

  /**
   * Papers whose names start with what was typed, for autocomplete's first keystrokes ("lo" → LoRA, "be" → BERT,
   * "scaling l" → Scaling Laws) and partial arXiv ids ("2106.09", "https://arxiv.org/abs/2305.1829"). Ids and
   * short names first, then titles, then aliases; within each, reading-list order.
   */
  namesStartingWith(typed: string, limit: number): Paper[] {
    const idPrefix =
      /^(?:(?:https?:\/\/)?(?:www\.)?(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/|(?:https?:\/\/)?(?:(?:dx\.)?doi\.org\/|doi:\s*)?10\.48550\/arxiv\.|arxiv\s*[:.]?\s*)?(\d{2,4}(?:\.\d{0,5})?)$/i.exec(
        typed.trim(),
      )?.[1];
    if (idPrefix) {
      return this.reader
        .arxivFrom(idPrefix, limit)
        .flatMap((seq) => this.heads.get(seq) ?? [])
        .flatMap((head) => this.paperOf(head) ?? []);
    }
    // While typing, one kana is already a name's start: "ら" is "ラ" (LoRA, LLaMA).
    const key = compactKey(hiraganaAsKatakana(cleanQuery(typed), 1));
    if (key.length === 0 || key.startsWith("#")) return [];
    const tier = (head: PaperHead): number => {
      const starts = (name: string) => compactKey(name).startsWith(key);
      const shortName = head.title.includes(":") ? head.title.slice(0, head.title.indexOf(":")) : "";
      if (compactKey(head.id) === key || (shortName && compactKey(shortName) === key)) return 0;
      if (starts(head.id) || (shortName && starts(shortName))) return 1;
      if (starts(head.title) || starts(head.titleJa)) return 2;
      return head.aliases.some(starts) ? 3 : 4;
    };
    return this.reader
      .keyedFrom(key, NAME_PREFIX_SCAN)
      .flatMap((seq) => this.heads.get(seq) ?? [])
      .map((head) => ({ head, tier: tier(head) }))
      .filter(({ tier }) => tier < 4)
      .sort((a, b) => a.tier - b.tier || a.head.position - b.head.position)
      .slice(0, limit)
      .flatMap(({ head }) => this.paperOf(head) ?? []);
  }

  resolve(query: string, locale: Locale, options: ResolveOptions = {}): Resolution {
    const limit = options.limit ?? 5;
    // Names written in hiragana are their katakana ("ちんちら" is "チンチラ").
    const cleaned = hiraganaAsKatakana(cleanQuery(query));
    const resolution: Resolution = { query, results: [], suggestions: [], unlistedArxivId: null, ambiguous: false };
    if (cleaned.length === 0) return resolution;

    const named = this.exact.arxivAll(query, cleaned);
    if (named.length > 0) {
      for (const arxiv of named) {
        const paper = arxiv.paper && this.paperOf(arxiv.paper);
        if (paper) resolution.results.push({ paper, score: 1, matchedBy: "arxiv" });
        else resolution.unlistedArxivId ??= arxivDisplayId(arxiv.arxivId);
      }
      // Two links in one query: both are offered, neither is dropped silently.
      resolution.ambiguous = resolution.results.length > 1;
      if (resolution.ambiguous) resolution.severalNamed = true;
      if (named.length > 1 || !named[0]?.paper) return resolution;
    }
    const isUrl = looksLikeUrl(cleaned);
    const exact = named.length === 0 ? this.exact.whole(query, cleaned, isUrl) : undefined;
    // A whole name or link is the answer, before any word is weighed or corrected. While typing, the other
    // candidates still matter ("llama" → LLaMA, Llama 2, Llama Guard), so they are looked for below.
    if (exact && !options.prefix) {
      const matchedBy = isUrl ? ("url" as const) : ("exact" as const);
      resolution.results = exact.slice(0, limit).flatMap((head, rank) => {
        const score = exactScore(rank, exact.length);
        options.explain?.(`${matchedBy} ${head.id} ${score.toFixed(3)} (${score.toFixed(3)})`);
        const paper = score >= RESULT_THRESHOLD ? this.paperOf(head) : undefined;
        return paper ? [{ paper, score, matchedBy }] : [];
      });
      if (resolution.results.length > 0) return resolution;
    }
    // Names (or an id and a name) and nothing else: "lora vs qlora", "1706.03762 bert".
    const several = this.exact.severalNamed(cleaned);
    if (several) {
      resolution.results = several.slice(0, limit).flatMap((head) => {
        const paper = this.paperOf(head);
        return paper
          ? [{ paper, score: 1, matchedBy: head.arxivId && cleaned.includes(head.arxivId) ? ("arxiv" as const) : ("exact" as const) }]
          : [];
      });
      resolution.ambiguous = resolution.severalNamed = true;
      return resolution;
    }
    if (named.length > 0) return resolution;
    const collector = new MatchCollector(
      options.explain,
      containsCjk(cleaned) && contentTokens(cleaned).length > 0,
      containsCjk(cleaned) && contentTokens(cleaned).length === 0,
    );
    const offer = collector.offer;
    if (exact) {
      exact.forEach((paper, rank) => offer(paper, exactScore(rank, exact.length), isUrl ? "url" : "exact"));
    }
    // While typing, an exact hit comes first but the other candidates still matter ("llama" → LLaMA, Llama 2, Llama Guard).
    if ((!exact || options.prefix) && !isUrl) {
      this.exact.namesWithin(
        cleaned,
        offer,
        (token) => this.spelling.corrections(token),
        (groups) => this.weights.queryWeights(groups),
        (token) => this.weights.documents(token) === 0 && this.spelling.corrections(token).length === 1,
      );
      // A word papers use as it is ("lamda", in a summary) is that word, not a typo of a name ("llama").
      const words = contentTokens(cleaned);
      if (!(words.length === 1 && !/\s/.test(cleaned) && this.isCorpusWord(words[0] ?? ""))) this.fuzzy.match(cleaned, offer);
      const bridged = containsCjk(cleaned) ? bridgeJapanese(cleaned) : [];
      if (bridged.length > 0)
        options.explain?.(`bridge: ${bridged.map(({ japanese, english }) => `${japanese}→${english.join("|")}`).join(" ")}`);
      // Katakana words no paper has and the bridge does not translate ("ミストラル") count against every paper, as an
      // unknown English word does: "ミストラル7B" is not every paper with "7b".
      const unknown = containsCjk(cleaned)
        ? katakanaWords(cleaned)
            .slice(0, MAX_UNKNOWN_CHECKS)
            .filter((word) => bridgeJapanese(word).length === 0 && !this.japanese.knows(word))
        : [];
      if (unknown.length > 0) options.explain?.(`unknown japanese words: ${unknown.join(" ")}`);
      this.fullText.match(
        cleaned,
        options.prefix ?? false,
        offer,
        options.explain,
        bridged.map(({ english }) => english),
        unknown,
      );
      if (containsCjk(cleaned)) this.japanese.match(cleaned, offer);
    }

    const ranked = collector.ranked(cleaned, locale);
    // A catalog topic's name ("diffusion", "safety", "拡散モデル") means that topic's papers: a choice, never one of them.
    const topic = exact || options.prefix ? null : matchTopic(cleaned);
    const inTopic = topic ? this.topicPapers(topic, ranked) : [];
    if (inTopic.length >= 2) {
      options.explain?.(`topic ${topic}: ${inTopic.map((head) => head.id).join(" ")}`);
      resolution.results = inTopic
        .slice(0, limit)
        .flatMap((head) => this.paperOf(head) ?? [])
        .map((paper) => ({ paper, score: LOOKUP_WEIGHTS.topic, matchedBy: "text" as const }));
      resolution.ambiguous = true;
      return resolution;
    }
    for (const match of ranked) {
      if (match.score < RESULT_THRESHOLD || resolution.results.length >= limit) break;
      const paper = this.paperOf(match.paper);
      if (paper) resolution.results.push({ paper, score: match.score, matchedBy: match.matchedBy });
    }
    resolution.ambiguous = isTie(ranked);
    if (resolution.results.length === 0 && !isUrl) {
      resolution.suggestions = suggest(cleaned, ranked, this.fuzzy.keys)
        .map((head) => this.paperOf(head))
        .filter((paper): paper is Paper => paper !== undefined);
    }
    return resolution;
  }
}

/** An all-hiragana query, in katakana: hiragana (U+3041–U+3096) is katakana (U+30A1–U+30F6) less 0x60. */
function hiraganaAsKatakana(text: string, minLength = 2): string {
  if (!/^[\p{Script=Hiragana}ー\s]+$/u.test(text) || [...text.replace(/\s+/g, "")].length < minLength) return text;
  return text.replace(/[\u3041-\u3096]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0x60));
}
