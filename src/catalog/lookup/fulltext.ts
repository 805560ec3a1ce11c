import { ftsPhrase, type SearchIndexReader, type SearchRow } from "../../db/search.js";
import { contentTokens, editDistance, normalize, tokenize, unstemmedWords } from "../text.js";
import type { SpellingCorrector } from "./spelling.js";
import type { TermWeights } from "./term-weights.js";
import type { PaperHeads } from "./heads.js";
import { textScore, type TextFeatures } from "./score.js";
import { FTS_CANDIDATES, type Offer, type PaperHead } from "./types.js";
import { EXPANSIONS, lookUp1, resemblesAny, StoredWords, versionNumbers, withExpansions } from "./fulltext-words.js";

/** Above this many matching rows, bm25 ordering over the whole corpus costs more than a lookup should. */
const FULL_RANK_BUDGET = 2_500;
/** Query words looked up in the index; the rest of a long query adds cost, not precision. */
const MAX_QUERY_WORDS = 12;
/** English word groups from the Japanese bridge, on top of the query's own words. */
const MAX_BRIDGED_WORDS = 12;

/**
 * Stage 3: words through SQLite FTS5 (unicode61) after spelling correction, scored by how much of the query
 * a paper's title, aliases and authors cover (and, less, its summary).
 */
export class FullTextMatcher {
  /** Lazily filled: the few papers a query touches, not the whole corpus. */
  private readonly normalizedTitles = new Map<number, string>();
  private readonly storedWords = new Map<number, { headline: StoredWords; everywhere: StoredWords; credits: StoredWords }>();
  private readonly titleWords = new Map<number, string[]>();

  constructor(
    private readonly reader: SearchIndexReader,
    private readonly heads: PaperHeads,
    private readonly spelling: SpellingCorrector,
    private readonly weights: TermWeights,
  ) {}

  clearCaches(): void {
    this.titleWords.clear();
    this.storedWords.clear();
    this.normalizedTitles.clear();
  }

  /** After a paper changed or left. */
  forget(seq: number): void {
    this.titleWords.delete(seq);
    this.storedWords.delete(seq);
    this.normalizedTitles.delete(seq);
  }

  /**
   * `bridged` are English word groups for the query's Japanese (lookup/bridge.ts), each a list of alternatives;
   * only those some paper contains are used, so the bridge's own words never count against a paper.
   */
  match(
    cleaned: string,
    prefix: boolean,
    offer: Offer,
    explain?: (line: string) => void,
    bridged: readonly string[][] = [],
    /** Words of the query no paper has (unknown katakana): they weigh against every paper. */
    unknown: readonly string[] = [],
  ): void {
    const tokens = [...new Set(contentTokens(cleaned))].slice(0, MAX_QUERY_WORDS);
    const rawWords = unstemmedWords(cleaned);
    // Numbers and single letters alone ("1", "2 * 3", "a_b_c", "' OR 1=1 --") name nothing; a year does ("2023").
    if (!tokens.some((token) => /\p{L}.*\p{L}|\p{L}\d|\d\p{L}/u.test(token) || /^(?:19|20)\d\d$/.test(token)) && bridged.length === 0)
      return;
    const groups = tokens.map((token) => withExpansions(this.spelling.corrections(token)));
    const expanded = tokens.map((token) => new Set(EXPANSIONS[this.spelling.corrections(token)[0] ?? ""] ?? []));
    /** Spelling corrections of each query word (not the word itself, nor its expansions), with how close each is. */
    const corrections = tokens.map((token) => {
      const closeness = new Map<string, number>();
      for (const word of this.spelling.corrections(token).slice(1))
        closeness.set(word, 1 - editDistance(token, word) / Math.max(token.length, word.length));
      return closeness;
    });
    const seen = new Set(groups.flat());
    for (const alternatives of bridged) {
      if (groups.length >= MAX_QUERY_WORDS + MAX_BRIDGED_WORDS) break;
      const variants = [...new Set(alternatives.flatMap(tokenize))];
      if (variants.length === 0 || variants.some((variant) => seen.has(variant))) continue;
      if (this.weights.documentFrequency(variants, false) === 0) continue;
      for (const variant of variants) seen.add(variant);
      groups.push(variants);
    }
    if (groups.length === 0) return;
    for (const word of unknown) groups.push([word]);
    // A name with perhaps a word or two ("gpt-4 technical report", "llama 3のモデル"), not a description.
    // Words after a number state a fact ("20 tokens per parameter"): names come before their versions.
    const nameQuery =
      !(/^\d/.test(cleaned) && groups.length > 1) &&
      groups.length <= 4 &&
      cleaned.split(" ").length <= 4 &&
      (cleaned.match(/[\p{Script=Han}\p{Script=Katakana}]/gu) ?? []).length <= 4;
    // Words without the glue of a sentence, as a title is written ("denoising diffusion probabilistic models").
    const titleLike = groups.length >= 3 && groups.length <= 4 && tokens.length === normalize(cleaned).split(" ").length;
    const lastIndex = groups.length - 1;
    const clause = (variants: string[], index: number): string => {
      const terms = variants.map((variant) => `${ftsPhrase(variant)}${prefix && index === lastIndex && variant.length >= 2 ? "*" : ""}`);
      return terms.length === 1 ? (terms[0] ?? "") : `(${terms.join(" OR ")})`;
    };
    const frequencies = groups.map((variants, index) => this.weights.documentFrequency(variants, prefix && index === lastIndex));
    const commonLimit = Math.max(200, this.weights.corpusSize() / 10);
    // Intersecting with words most papers contain costs a full posting-list walk and filters almost nothing;
    // coverage scoring below still rewards papers that have them.
    const telling = groups.map((variants, index) => ({ variants, index })).filter(({ index }) => (frequencies[index] ?? 0) <= commonLimit);
    const required = telling.length > 0 ? telling : groups.map((variants, index) => ({ variants, index }));
    const allWords = required.map(({ variants, index }) => clause(variants, index)).join(" AND ");
    let rows = this.search(allWords, Math.min(...required.map(({ index }) => frequencies[index] ?? 0)));
    let partial = false;
    if (rows.length === 0 && groups.length >= 2) {
      // Description-like queries: the rarer words joined by OR, then keep papers that contain most of them.
      const rare = groups
        .map((variants, index) => ({ variants, index, frequency: frequencies[index] ?? 0 }))
        .filter(({ frequency }) => frequency <= commonLimit);
      if (rare.length === 0) return;
      const anyWord = rare.map(({ variants, index }) => clause(variants, index)).join(" OR ");
      rows = this.search(
        anyWord,
        rare.reduce((sum, { frequency }) => sum + frequency, 0),
      );
      partial = true;
    }
    if (rows.length === 0) return;
    const correctedPhrase = groups.map((variants) => variants.at(-1) ?? "").join(" ");
    const phrases = [normalize(cleaned), correctedPhrase].filter((phrase) => phrase.length >= 6);
    const weights = this.weights.queryWeights(groups);
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0) || 1;
    explain?.(
      `text words: ${groups.map((variants, index) => `${variants.join("|")}=${(weights[index] ?? 0).toFixed(2)}`).join(" ")}${partial ? " (any word)" : ""}`,
    );
    const specific = groups.map((variants) => /\d/.test(variants[0] ?? ""));
    const versions = versionNumbers(cleaned);
    for (const row of rows) {
      const paper = this.heads.get(row.rowid);
      if (!paper) continue;
      const { headline, everywhere } = this.wordsOf(paper);
      // Which query words the paper has, in its names and anywhere: looked up once per paper.
      // Paraphrases (EXPANSIONS) are evidence in a paper's text, not its name: "bigger" is not BERT's "bert-large".
      const lookUp = (words: StoredWords) =>
        groups.map((variants, index) =>
          variants.some(
            (variant) =>
              !(words === headline && expanded[index]?.has(variant)) &&
              (words.has(variant) || (prefix && index === lastIndex && words.hasPrefix(variant))),
          ),
        );
      const inHeadline = lookUp(headline);
      // A name found only through corrected words is a typo of that name: it counts as much as the same typo of a
      // whole name (lookup/fuzzy.ts) and a little less, so "gtp3" is GPT-3, not the paper with the alias "gpt3 self-inst".
      let correctedCloseness: number | null = null;
      let namedAsTyped = false;
      inHeadline.forEach((found, index) => {
        if (!found) return;
        const variants = groups[index] ?? [];
        const typed = variants.filter((variant) => !corrections[index]?.has(variant));
        if (typed.some((variant) => headline.has(variant) || (prefix && index === lastIndex && headline.hasPrefix(variant))))
          namedAsTyped = true;
        else {
          const closeness = Math.max(
            0,
            ...variants.filter((variant) => headline.has(variant)).map((variant) => corrections[index]?.get(variant) ?? 0),
          );
          correctedCloseness = Math.min(correctedCloseness ?? closeness, closeness);
        }
      });
      const inPaper = inHeadline.map((found, index) => found || lookUp1(everywhere, groups[index] ?? [], prefix && index === lastIndex));
      const inSet = (words: StoredWords) => {
        const found = words === headline ? inHeadline : inPaper;
        return (_: string[], index: number): boolean => found[index] ?? false;
      };
      const covered = (words: StoredWords, counts: (variants: string[]) => boolean = () => true) => {
        const hit = inSet(words);
        return (
          groups.reduce((sum, variants, index) => sum + (counts(variants) && hit(variants, index) ? (weights[index] ?? 0) : 0), 0) /
          totalWeight
        );
      };
      // In a name, a number after a word is a version ("llama 3", "gpt-4"): the paper must have it in its name.
      // A description mentioning another model ("finetune gpt-3 with …") says nothing about versions.
      if (nameQuery && versions.some(({ number }) => !headline.has(number))) {
        explain?.(
          `text ${paper.id}: another version of a name it has (${versions.map(({ name, number }) => `${name} ${number}`).join(", ")})`,
        );
        continue;
      }
      // In a description, numbers ("25 agents", "a 65b model") are facts, not names: that a paper's alias has
      // the number ("llama-65b") does not make it the paper meant; they count as found anywhere in it.
      const coverage = nameQuery ? covered(headline) : covered(headline, (variants) => !/^\d/.test(variants[0] ?? ""));
      const fullCoverage = covered(everywhere);
      if (explain) {
        const found = (words: StoredWords) =>
          groups
            .filter(inSet(words))
            .map((variants) => variants[0])
            .join(" ") || "-";
        const missing =
          groups
            .filter((variants, index) => !inSet(everywhere)(variants, index))
            .map((variants) => variants[0])
            .join(" ") || "-";
        explain(
          `text ${paper.id}: name/credit [${found(headline)}] anywhere [${found(everywhere)}] missing [${missing}] coverage ${coverage.toFixed(2)}/${fullCoverage.toFixed(2)}`,
        );
        explain(`text ${paper.id}: fields ${this.fieldsExplained(paper, groups.filter(inSet(everywhere)))}`);
      }
      const specificGroups = groups.filter((_, index) => specific[index]);
      const titleWords = this.titleWordsOf(paper);
      const queryWords = new Set(groups.flat());
      // A short name whose other word this paper has only in passing ("batch normalization", "code llama",
      // "multi-query attention") names another paper. Such a word comes before the name or is joined to it
      // ("code llama", "sentence-bert"); a word after the name is something remembered ("bert glue", "bert squad").
      const nameAt = inHeadline.indexOf(true);
      const features: TextFeatures = {
        partial,
        everywhereCoverage: fullCoverage,
        nameCoverage: coverage,
        // bm25 only chose the rows; as a ratio (best / rank) it rewarded the poorer matches, so it no longer ranks them.
        bm25Matched: row.rank < 0,
        titleCoverage: titleWords.length > 0 ? titleWords.filter((word) => queryWords.has(word)).length / titleWords.length : 0,
        phraseInTitle: phrases.some((phrase) => this.normalizedTitle(paper).includes(phrase)),
        // Sizes and versions ("65b", "48gb") are the most telling words of a description.
        specificFound: specificGroups.length > 0 ? specificGroups.filter(inSet(everywhere)).length / specificGroups.length : null,
        // "kaplan scaling", "vaswani 2017": people cite a paper by its first author.
        firstAuthorNamed: groups.some((variants) => variants.includes(paper.firstAuthor)),
        curated: paper.aliases.length > 0,
        queryWords: groups.length,
        contentWords: tokens.length,
        wordsFound: groups.filter(inSet(everywhere)).length,
        nameQuery,
        // A word of a title-like query the paper lacks speaks against it, unless it looks like a typo of one of
        // the paper's names ("constituional ai anthropic").
        lacksTitleWord:
          titleLike &&
          groups.some(
            (variants, index) =>
              !inSet(everywhere)(variants, index) && !(frequencies[index] === 0 && resemblesAny(variants[0] ?? "", headline)),
          ),
        otherWordInPassing:
          nameQuery &&
          groups.length === 2 &&
          groups.some((_, index) => !specific[index] && !inHeadline[index] && inPaper[index] && (index < nameAt || !cleaned.includes(" "))),
        namedAsTyped,
        correctedCloseness,
        // One word that shares only its stem with the paper's names ("performer" and "…transformer-level performance")
        // is another word, not a name: a hint at most.
        stemOnlyName:
          namedAsTyped && rawWords.length === 1 && groups.length === 1 && !this.namedAlike(paper, rawWords[0] ?? "", tokens[0] ?? ""),
      };
      // Found through some of the words only: most of a description, and nearly all of a name-like query
      // ("denoising diffusion probabilistic models" is not Consistency Models, which has three of its words).
      // A few words found only in a summary ("resnet", "mistral 7b") are a hint; words only the bridge supplied
      // are a translation; a remembered number with all the other words ("20 tokens per parameter") is a fact.
      const scored = textScore(features);
      if (!scored) continue;
      if (explain && scored.cappedAt !== null)
        explain(`text ${paper.id}: named only through corrected words, at most ${scored.cappedAt.toFixed(3)}`);
      offer(paper, scored.score, "text", scored.uncapped);
    }
  }

  /**
   * bm25 over the whole corpus when few papers match; otherwise the curated list first (small and fast),
   * and only if nothing there matches, an unranked slice of the corpus.
   */
  private search(expression: string, matchingEstimate: number): SearchRow[] {
    if (matchingEstimate <= FULL_RANK_BUDGET) return this.reader.ranked(expression, FTS_CANDIDATES);
    const listed = this.reader.rankedListed(expression, FTS_CANDIDATES);
    return listed.length > 0 ? listed : this.reader.unranked(expression, FTS_CANDIDATES);
  }

  /**
   * For --explain: which of the paper's fields hold each found query word, as the stored text would (title, aliases,
   * topics, authors, organisation, year, summary, key results): "20@organisation perform@aliases".
   */
  private fieldsExplained(paper: PaperHead, found: string[][]): string {
    const full = this.heads.paper(paper);
    if (!full) return "-";
    const fields: [string, string][] = [
      ["title", paper.title],
      ["aliases", [paper.id.replaceAll("-", " "), ...paper.aliases].join(" ; ")],
      ["topics", full.topics.join(" ").replaceAll("-", " ")],
      ["authors", full.authors.join(" ; ")],
      ["organisation", full.organisation ?? ""],
      ["year", String(full.year)],
      ["summary", `${full.summary.en} ${full.summary.ja}`],
      ["key results", [...full.keyResults.en, ...full.keyResults.ja].join(" ")],
    ];
    const words = fields.map(([name, text]) => [name, new Set(tokenize(text))] as const);
    const described = found.map((variants) => {
      const where = words.filter(([, set]) => variants.some((variant) => set.has(variant))).map(([name]) => name);
      return `${variants[0] ?? ""}@${where.join(",") || "?"}`;
    });
    return described.join(" ") || "-";
  }

  /** The paper's credits have the word, or some word of its title or aliases, as written, is the word or nearly (plural, suffix of up to two letters). */
  private namedAlike(paper: PaperHead, word: string, token: string): boolean {
    if (word.length === 0) return true;
    // Credits (authors, organisation, year) are matched as the index has them: "rafailov".
    // …but alone, an author other than the first ("sam", "kim") is not how people name a paper.
    if (this.wordsOf(paper).credits.has(token) && this.citedBy(paper, token)) return true;
    for (const name of unstemmedWords([paper.title, paper.id, ...paper.aliases].join(" "))) {
      let shared = 0;
      while (shared < word.length && shared < name.length && word[shared] === name[shared]) shared += 1;
      if (shared >= Math.max(word.length, name.length) - 2) return true;
    }
    return false;
  }

  /** A paper is cited by its first author's last name, its organisation or its year. */
  private citedBy(paper: PaperHead, token: string): boolean {
    if (token === paper.firstAuthor) return true;
    const full = this.heads.paper(paper);
    return full !== undefined && contentTokens(`${full.organisation ?? ""} ${full.year}`).includes(token);
  }

  private titleWordsOf(paper: PaperHead): string[] {
    let words = this.titleWords.get(paper.seq);
    if (!words) {
      words = contentTokens(paper.title);
      if (this.titleWords.size > 5_000) this.titleWords.clear();
      this.titleWords.set(paper.seq, words);
    }
    return words;
  }

  private normalizedTitle(paper: PaperHead): string {
    let title = this.normalizedTitles.get(paper.seq);
    if (title === undefined) {
      title = normalize(paper.title);
      this.normalizedTitles.set(paper.seq, title);
    }
    return title;
  }

  /**
   * The words a paper is named and cited by (title, id and aliases, topics, authors, organisation, year) and
   * all its words (with the summaries and key results), read back already tokenised and stemmed from the index.
   */
  private wordsOf(paper: PaperHead): { headline: StoredWords; everywhere: StoredWords; credits: StoredWords } {
    let words = this.storedWords.get(paper.seq);
    if (!words) {
      const fields = this.reader.storedFields(paper.seq);
      const headline = fields ? `${fields.title} ${fields.aliases} ${fields.topics} ${fields.authors}` : "";
      words = {
        headline: new StoredWords(headline),
        everywhere: new StoredWords(`${headline} ${fields?.body ?? ""}`),
        credits: new StoredWords(fields?.authors ?? ""),
      };
      if (this.storedWords.size > 5_000) this.storedWords.clear();
      this.storedWords.set(paper.seq, words);
    }
    return words;
  }
}
