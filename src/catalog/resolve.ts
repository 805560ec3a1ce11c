import type { Db } from "../db/connection.js";
import { creditLine } from "../db/papers.js";
import { findArxivReference, parseArxivReference } from "./arxiv-id.js";
import type { Locale } from "../i18n/locale.js";
import type { Paper } from "./types.js";
import { cleanQuery, compactKey, containsCjk, contentTokens, deletions, editDistance, normalize, tokenize } from "./text.js";

export type MatchKind = "arxiv" | "url" | "exact" | "fuzzy" | "text" | "japanese";

export interface Match {
  paper: Paper;
  /** 0..1; 1 is an exact id, alias, URL or arXiv id. */
  score: number;
  matchedBy: MatchKind;
}

export interface Resolution {
  query: string;
  results: Match[];
  /** Close but not confident: offered as "did you mean" when `results` is empty. */
  suggestions: Paper[];
  /** The query named an arXiv paper that is not in the reading list. */
  unlistedArxivId: string | null;
}

export interface ResolveOptions {
  limit?: number;
  /** Treat the last word as a prefix (autocomplete while typing). */
  prefix?: boolean;
  /** Receives one line per scoring decision; for tuning (`paperbot paper --explain`). */
  explain?: (line: string) => void;
}

const RESULT_THRESHOLD = 0.5;
const FTS_CANDIDATES = 40;
/** Above this many matching rows, bm25 ordering over the whole corpus costs more than a lookup should. */
const FULL_RANK_BUDGET = 2_500;
/** Up to this many papers with Japanese text are scored directly; more go through the trigram index first. */
const JAPANESE_SCAN_LIMIT = 2_000;

/** Proposes a paper with a score (capped for display) and, optionally, the uncapped evidence used to break ties. */
type Offer = (paper: Paper, score: number, kind: MatchKind, uncapped?: number) => void;

interface SearchRow {
  rowid: number;
  rank: number;
}

/**
 * Finds the paper a person means. Exact keys (ids, aliases, titles, URLs, arXiv ids) come from memory;
 * words go through SQLite FTS5 (unicode61 for Latin script, trigram for Japanese) after spelling
 * correction against the title/alias vocabulary; short names get whole-string fuzzy matching.
 */
export class PaperIndex {
  private readonly bySeq = new Map<number, Paper>();
  private readonly byArxivId = new Map<string, Paper>();
  private readonly exactKeys = new Map<string, Paper[]>();
  /** Keys worth fuzzy matching as a whole: aliases, ids and short names of curated papers. */
  private readonly fuzzyKeys: { key: string; paper: Paper }[] = [];
  private readonly headlineTokens = new Map<Paper, Set<string>>();
  private readonly vocabulary = new Map<string, number>();
  private readonly deletionIndex = new Map<string, string[]>();
  private readonly searchLatin;
  private readonly searchListed;
  private readonly searchUnranked;
  private readonly searchJapanese;
  private readonly storedBody;
  /** How many papers contain each indexed word (from FTS5's own statistics). */
  private readonly termDocuments = new Map<string, number>();
  private readonly japanesePapers: Paper[] = [];
  /** In how many Japanese texts each character pair occurs (for weighting query bigrams). */
  private readonly bigramDocuments = new Map<string, number>();
  private readonly japaneseBigrams = new Map<Paper, { headline: Set<string>; body: Set<string> }>();
  /** Lazily filled: the few papers a query touches, not the whole corpus. */
  private readonly normalizedTitles = new Map<Paper, string>();
  private readonly allTokens = new Map<Paper, Set<string>>();
  private readonly titleWords = new Map<Paper, string[]>();
  private readonly correctionCache = new Map<string, string[]>();

  constructor(db: Db, papers: readonly { seq: number; paper: Paper }[]) {
    for (const { seq, paper } of papers) this.add(seq, paper);
    for (const paper of this.japanesePapers) {
      const { headline, body } = this.bigramsOf(paper);
      for (const gram of new Set([...headline, ...body])) this.bigramDocuments.set(gram, (this.bigramDocuments.get(gram) ?? 0) + 1);
    }
    for (const word of this.vocabulary.keys()) {
      if (word.length < 4) continue;
      for (const variant of [word, ...deletions(word)]) {
        const bucket = this.deletionIndex.get(variant);
        if (bucket) bucket.push(word);
        else this.deletionIndex.set(variant, [word]);
      }
    }
    this.searchListed = db.prepare<[string, number], SearchRow>(
      `SELECT rowid, bm25(paper_search_listed, 8.0, 10.0, 3.0, 4.0, 1.0) AS rank FROM paper_search_listed
       WHERE paper_search_listed MATCH ? ORDER BY rank LIMIT ?`,
    );
    this.searchUnranked = db.prepare<[string, number], SearchRow>(
      `SELECT rowid, -1.0 AS rank FROM paper_search WHERE paper_search MATCH ? LIMIT ?`,
    );
    this.searchLatin = db.prepare<[string, number], SearchRow>(
      `SELECT rowid, bm25(paper_search, 8.0, 10.0, 3.0, 4.0, 1.0) AS rank FROM paper_search
       WHERE paper_search MATCH ? ORDER BY rank LIMIT ?`,
    );
    for (const row of db.prepare<[], { term: string; doc: number }>("SELECT term, doc FROM paper_search_terms").iterate()) {
      this.termDocuments.set(row.term, row.doc);
    }
    this.storedBody = db.prepare<[number], { body: string }>("SELECT body FROM paper_search WHERE rowid = ?");
    this.searchJapanese = db.prepare<[string, number], SearchRow>(
      `SELECT rowid, bm25(paper_search_ja, 10.0, 10.0, 1.0) AS rank FROM paper_search_ja
       WHERE paper_search_ja MATCH ? ORDER BY rank LIMIT ?`,
    );
  }

  get size(): number {
    return this.bySeq.size;
  }

  /** Forgets what earlier queries computed (spelling corrections, token sets); benchmarks measure without them. */
  clearCaches(): void {
    this.correctionCache.clear();
    this.titleWords.clear();
    this.allTokens.clear();
    this.normalizedTitles.clear();
  }

  private add(seq: number, paper: Paper): void {
    this.bySeq.set(seq, paper);
    if (containsCjk(paper.titleJa) || paper.aliases.some(containsCjk)) this.japanesePapers.push(paper);
    if (paper.arxivId) this.byArxivId.set(paper.arxivId, paper);
    const shortName = paper.title.includes(":") ? paper.title.slice(0, paper.title.indexOf(":")) : undefined;
    const names = [paper.id, paper.title, paper.titleJa, ...paper.aliases, ...(shortName ? [shortName] : [])];
    const keys = new Set([...names.map(compactKey), urlKey(paper.url), ...(paper.pdfUrl ? [urlKey(paper.pdfUrl)] : [])]);
    for (const key of keys) {
      if (key.length === 0) continue;
      const bucket = this.exactKeys.get(key);
      if (bucket) bucket.push(paper);
      else this.exactKeys.set(key, [paper]);
    }
    if (paper.aliases.length > 0) {
      for (const name of [paper.id, ...paper.aliases, ...(shortName ? [shortName] : [])]) {
        const key = compactKey(name);
        if (key.length >= 3) this.fuzzyKeys.push({ key, paper });
      }
    }
    const tokens = new Set([
      ...tokenize(paper.title),
      ...paper.aliases.flatMap(tokenize),
      ...tokenize(paper.id),
      ...paper.topics.flatMap(tokenize),
      ...tokenize(creditLine(paper)),
    ]);
    this.headlineTokens.set(paper, tokens);
    for (const token of tokens) this.vocabulary.set(token, (this.vocabulary.get(token) ?? 0) + 1);
  }

  resolve(query: string, locale: Locale, options: ResolveOptions = {}): Resolution {
    const limit = options.limit ?? 5;
    const cleaned = cleanQuery(query);
    const resolution: Resolution = { query, results: [], suggestions: [], unlistedArxivId: null };
    if (cleaned.length === 0) return resolution;

    const arxivId = parseArxivReference(query) ?? parseArxivReference(cleaned) ?? findArxivReference(cleaned);
    if (arxivId) {
      const paper = this.byArxivId.get(arxivId);
      if (paper) resolution.results.push({ paper, score: 1, matchedBy: "arxiv" });
      else resolution.unlistedArxivId = arxivId;
      return resolution;
    }

    const matches = new Map<Paper, Match>();
    const latinAndJapanese = new Map<Paper, Set<MatchKind>>();
    /** Uncapped evidence, so two capped scores still rank by how well they matched. */
    const strength = new Map<Paper, number>();
    const offer = (paper: Paper, score: number, matchedBy: MatchKind, uncapped = score): void => {
      options.explain?.(`${matchedBy} ${paper.id} ${score.toFixed(3)} (${uncapped.toFixed(3)})`);
      // A mixed query ("混合エキスパート Hugging Face blog") is better answered by a paper matching both halves.
      let bonus = 0;
      if (matchedBy === "text" || matchedBy === "japanese") {
        const kinds = latinAndJapanese.get(paper) ?? new Set<MatchKind>();
        kinds.add(matchedBy);
        latinAndJapanese.set(paper, kinds);
        if (kinds.size === 2) bonus = 0.05;
      }
      const previous = matches.get(paper);
      const ceiling = matchedBy === "exact" || matchedBy === "arxiv" || matchedBy === "url" ? 1 : 0.99;
      const combined = Math.min(ceiling, Math.max(score, previous?.score ?? 0) + bonus);
      strength.set(paper, Math.max(strength.get(paper) ?? 0, uncapped + bonus, combined));
      if (!previous || previous.score < combined) matches.set(paper, { paper, score: combined, matchedBy });
    };

    const looksLikeUrl = /^(?:https?:\/\/|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+\/)\S*$/i.test(cleaned);
    const exact = this.exactKeys.get(looksLikeUrl ? urlKey(query.trim()) : compactKey(cleaned));
    if (exact) {
      exact.forEach((paper, rank) => offer(paper, exact.length === 1 ? 1 : 0.97 - rank * 0.01, looksLikeUrl ? "url" : "exact"));
    }
    // While typing, an exact hit comes first but the other candidates still matter ("llama" → LLaMA, Llama 2, Llama Guard).
    if ((!exact || options.prefix) && !looksLikeUrl) {
      this.namesWithin(cleaned, offer);
      this.fuzzyMatch(cleaned, offer);
      this.textMatch(cleaned, options.prefix ?? false, offer);
      if (containsCjk(cleaned)) this.japaneseMatch(cleaned, offer);
    }

    // For Japanese users a Japanese-text match wins a tie.
    const preference = (match: Match) => (strength.get(match.paper) ?? 0) + (locale === "ja" && match.matchedBy === "japanese" ? 0.01 : 0);
    // In a mixed query ("拡散モデル DDPM"), a paper found through its Japanese half alone must also be about the Latin words.
    if (containsCjk(cleaned) && contentTokens(cleaned).length > 0) {
      for (const [paper, match] of matches) {
        if (match.matchedBy === "japanese" && !latinAndJapanese.get(paper)?.has("text")) matches.set(paper, { ...match, score: match.score * 0.7 });
      }
    }
    const ranked = [...matches.values()].sort(
      (a, b) => b.score - a.score || preference(b) - preference(a) || a.paper.position - b.paper.position || a.paper.id.localeCompare(b.paper.id),
    );
    resolution.results = ranked.filter((match) => match.score >= RESULT_THRESHOLD).slice(0, limit);
    if (resolution.results.length === 0 && !looksLikeUrl) {
      resolution.suggestions = this.suggest(cleaned, ranked);
    }
    return resolution;
  }

  private fuzzyMatch(cleaned: string, offer: Offer): void {
    const key = compactKey(cleaned);
    if (key.length < 3 || key.length > 40) return;
    const allowed = key.length <= 4 ? 1 : key.length <= 11 ? 2 : 3;
    for (const candidate of this.fuzzyKeys) {
      if (Math.abs(candidate.key.length - key.length) > allowed) continue;
      // Short keys need a shared first letter: "lora" must not become "dora".
      if (key.length <= 5 && key[0] !== candidate.key[0]) continue;
      // Edits must not replace the start of a name ("dpo explained" is not "moe explained") …
      if (!startsAlike(key, candidate.key)) continue;
      const distance = editDistance(key, candidate.key, allowed);
      if (distance > allowed) continue;
      // … and two edits in a short name need most letter pairs in common ("resnet" is not "restem").
      if (distance >= 2 && bigramSimilarity(key, candidate.key) < 0.5) continue;
      // Version numbers are not typos: "gpt5" is not "gpt3", "llama3" is not "llama2".
      if (digitsOf(key) !== digitsOf(candidate.key)) continue;
      const closeness = 1 - distance / Math.max(key.length, candidate.key.length);
      offer(candidate.paper, 0.5 + 0.4 * closeness, "fuzzy");
    }
  }

  /** Known word, or the closest known words at edit distance 1 (2 for long words); remembered per word. */
  private corrections(token: string): string[] {
    let found = this.correctionCache.get(token);
    if (!found) {
      found = this.computeCorrections(token);
      if (this.correctionCache.size >= 10_000) this.correctionCache.clear();
      this.correctionCache.set(token, found);
    }
    return found;
  }

  private computeCorrections(token: string): string[] {
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

  private textMatch(cleaned: string, prefix: boolean, offer: Offer): void {
    const tokens = [...new Set(contentTokens(cleaned))].slice(0, 12);
    if (tokens.length === 0) return;
    const groups = tokens.map((token) => this.corrections(token));
    const lastIndex = groups.length - 1;
    const clause = (variants: string[], index: number): string => {
      const terms = variants.map((variant) => `"${variant}"${prefix && index === lastIndex && variant.length >= 2 ? "*" : ""}`);
      return terms.length === 1 ? (terms[0] ?? "") : `(${terms.join(" OR ")})`;
    };
    const frequencies = groups.map((variants, index) => this.documentFrequency(variants, prefix && index === lastIndex));
    const commonLimit = Math.max(200, this.bySeq.size / 10);
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
      rows = this.search(anyWord, rare.reduce((sum, { frequency }) => sum + frequency, 0));
      partial = true;
    }
    if (rows.length === 0) return;
    const best = rows[0]?.rank ?? -1;
    const correctedPhrase = groups.map((variants) => variants.at(-1) ?? "").join(" ");
    const phrases = [normalize(cleaned), correctedPhrase].filter((phrase) => phrase.length >= 6);
    const weights = this.queryWeights(groups);
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0) || 1;
    const specific = groups.map((variants) => /\d/.test(variants[0] ?? ""));
    const versions = versionNumbers(cleaned);
    for (const row of rows) {
      const paper = this.bySeq.get(row.rowid);
      if (!paper) continue;
      const headline = this.headlineTokens.get(paper) ?? new Set<string>();
      const inSet = (words: Set<string>) => (variants: string[], index: number): boolean =>
        variants.some((variant) => words.has(variant) || (prefix && index === lastIndex && [...words].some((word) => word.startsWith(variant))));
      const covered = (words: Set<string>) => {
        const hit = inSet(words);
        return groups.reduce((sum, variants, index) => sum + (hit(variants, index) ? (weights[index] ?? 0) : 0), 0) / totalWeight;
      };
      // A number right after a name is a version ("llama 3", "gpt-4"): the paper must have it in its name.
      if (versions.some((version) => !headline.has(version))) continue;
      const coverage = covered(headline);
      const relevance = best < 0 && row.rank < 0 ? best / row.rank : 0;
      const curated = paper.aliases.length > 0 ? 0.05 : 0;
      const everywhere = this.tokensOf(row.rowid, paper, headline);
      const fullCoverage = covered(everywhere);
      if (partial && (fullCoverage < 0.6 || groups.filter(inSet(everywhere)).length < 2)) continue;
      // Sizes and versions ("65b", "48gb") are the most telling words of a description.
      const specificGroups = groups.filter((_, index) => specific[index]);
      const specificBonus = specificGroups.length > 0 ? (specificGroups.filter(inSet(everywhere)).length / specificGroups.length - 0.5) * 0.2 : 0;
      const titleWords = this.titleWordsOf(paper);
      const queryWords = new Set(groups.flat());
      const titleCoverage = titleWords.length > 0 ? titleWords.filter((word) => queryWords.has(word)).length / titleWords.length : 0;
      const inTitle = phrases.some((phrase) => this.normalizedTitle(paper).includes(phrase)) ? 0.1 : 0;
      // "kaplan scaling", "vaswani 2017": people cite a paper by its first author.
      const firstAuthor = groups.some((variants) => variants.includes(this.firstAuthorOf(paper))) ? 0.05 : 0;
      const score =
        (partial ? 0.1 : 0.15) +
        0.35 * fullCoverage +
        0.3 * coverage +
        0.1 * relevance +
        0.05 * titleCoverage +
        inTitle +
        specificBonus +
        firstAuthor +
        curated;
      // A few words found only in a summary ("resnet", "mistral 7b", "chain of thought prompting") are a hint, not an answer.
      const ceiling = coverage === 0 && groups.length <= 3 ? RESULT_THRESHOLD - 0.05 : 0.94;
      offer(paper, Math.min(ceiling, score), "text", score);
    }
  }

  /** Names inside a longer query: "the transformer paper", "guanaco model", "dpo explained". */
  private namesWithin(cleaned: string, offer: Offer): void {
    // Japanese has no spaces: "post-lnとpre-lnの違い" splits where the script changes.
    const words = cleaned.split(/\s+/).flatMap((word) => word.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+/gu) ?? []);
    if (words.length < 2 || words.length > 12) return;
    const wordGroups = words.map((word) => contentTokens(word).map((token) => this.corrections(token)));
    const flatWeights = this.queryWeights(wordGroups.flat());
    let next = 0;
    const contentWeights = wordGroups.map((groups) => groups.reduce((sum) => sum + (flatWeights[next++] ?? 0), 0));
    const totalWeight = contentWeights.reduce((sum, weight) => sum + weight, 0);
    if (totalWeight === 0) return;
    for (let size = Math.min(4, words.length - 1); size >= 1; size -= 1) {
      for (let start = 0; start + size <= words.length; start += 1) {
        const key = compactKey(words.slice(start, start + size).join(" "));
        const papers = key.length >= 2 ? this.exactKeys.get(key) : undefined;
        if (!papers) continue;
        const share = contentWeights.slice(start, start + size).reduce((sum, weight) => sum + weight, 0) / totalWeight;
        if (share < 0.4) continue;
        // A version next to a name means another model: "llama 3" is not LLaMA, "gpt 4o" is not GPT-3.
        const after = words[start + size];
        if (after !== undefined && /^v?\d+(?:\.\d+)?[a-z]?$/.test(after)) continue;
        const shared = papers.length === 1 ? 1 : 0.95;
        for (const paper of papers) offer(paper, (0.5 + 0.45 * share) * shared, "exact", (0.5 + 0.5 * share) * shared);
      }
    }
  }

  private firstAuthorOf(paper: Paper): string {
    return tokenize(paper.authors[0] ?? "").at(-1) ?? "";
  }

  private titleWordsOf(paper: Paper): string[] {
    let words = this.titleWords.get(paper);
    if (!words) {
      words = contentTokens(paper.title);
      if (this.titleWords.size > 5_000) this.titleWords.clear();
      this.titleWords.set(paper, words);
    }
    return words;
  }

  private normalizedTitle(paper: Paper): string {
    let title = this.normalizedTitles.get(paper);
    if (title === undefined) {
      title = normalize(paper.title);
      this.normalizedTitles.set(paper, title);
    }
    return title;
  }

  /** Headline words plus the summary's, read back already tokenised and stemmed from the search index. */
  private tokensOf(seq: number, paper: Paper, headline: Set<string>): Set<string> {
    let tokens = this.allTokens.get(paper);
    if (!tokens) {
      tokens = new Set(headline);
      for (const word of (this.storedBody.get(seq)?.body ?? "").split(" ")) tokens.add(word);
      if (this.allTokens.size > 5_000) this.allTokens.clear();
      this.allTokens.set(paper, tokens);
    }
    return tokens;
  }

  /** Upper bound of the papers containing any of the variants. */
  private documentFrequency(variants: string[], prefix: boolean): number {
    if (prefix) return this.bySeq.size;
    return variants.reduce((sum, variant) => sum + (this.termDocuments.get(variant) ?? 0), 0);
  }

  /**
   * How telling a query word is (inverse document frequency). A misspelt word weighs what its correction
   * weighs; a word no paper contains weighs the most, so a query about something else is not "mostly covered".
   */
  private weightOf(variants: string[]): number {
    const known = variants.map((variant) => this.termDocuments.get(variant) ?? 0).filter((doc) => doc > 0);
    return known.length > 0 ? this.idf(Math.min(...known)) : Number.POSITIVE_INFINITY;
  }

  private idf(documents: number): number {
    return Math.log((this.bySeq.size + 1) / (documents + 0.5));
  }

  /** Words no paper contains weigh as much as the rarest known word of the query (or a word in one paper). */
  private queryWeights(groups: string[][]): number[] {
    const weights = groups.map((variants) => this.weightOf(variants));
    const finite = weights.filter((weight) => Number.isFinite(weight));
    const unknownWeight = finite.length > 0 ? Math.max(...finite) : this.idf(1);
    return weights.map((weight) => (Number.isFinite(weight) ? weight : unknownWeight));
  }

  /**
   * bm25 over the whole corpus when few papers match; otherwise the curated list first (small and fast),
   * and only if nothing there matches, an unranked slice of the corpus.
   */
  private search(expression: string, matchingEstimate: number): SearchRow[] {
    if (matchingEstimate <= FULL_RANK_BUDGET) return this.searchLatin.all(expression, FTS_CANDIDATES);
    const listed = this.searchListed.all(expression, FTS_CANDIDATES);
    return listed.length > 0 ? listed : this.searchUnranked.all(expression, FTS_CANDIDATES);
  }

  private japaneseMatch(cleaned: string, offer: Offer): void {
    const text = cjkRuns(cleaned).join("");
    if (text.length === 0) return;
    const grams = this.queryBigrams(cleaned);
    if (grams.length === 0) {
      // One character: only a name can be meant.
      for (const paper of this.japanesePapers) if (headlineJa(paper).includes(text)) offer(paper, 0.7, "japanese");
      return;
    }
    // As with words: a pair no text contains weighs as much as the rarest pair that some text does contain.
    const known = grams.map((gram) => this.bigramDocuments.get(gram) ?? 0);
    const idf = (documents: number) => Math.log((this.japanesePapers.length + 1) / (documents + 0.5));
    const rarestKnown = Math.min(...known.filter((documents) => documents > 0), this.japanesePapers.length);
    const weights = known.map((documents) => idf(documents > 0 ? documents : rarestKnown));
    const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
    const covered = (set: Set<string>, also?: Set<string>) =>
      grams.reduce((sum, gram, index) => sum + (set.has(gram) || also?.has(gram) ? (weights[index] ?? 0) : 0), 0) / total;
    for (const paper of this.japaneseCandidates(grams)) {
      const { headline, body } = this.bigramsOf(paper);
      if (text.length >= 2 && headlineJa(paper).replace(/\s+/g, "").includes(text)) {
        offer(paper, 0.85, "japanese");
        continue;
      }
      const headlineCoverage = covered(headline);
      const fullCoverage = covered(headline, body);
      const pairsFound = grams.filter((gram) => headline.has(gram) || body.has(gram)).length;
      if (fullCoverage < 0.5 || pairsFound < 2) continue;
      // As for Latin words: a little text found only in a summary is a hint, not an answer.
      const ceiling = headlineCoverage === 0 && pairsFound <= 3 ? RESULT_THRESHOLD - 0.05 : 0.9;
      offer(paper, Math.min(ceiling, 0.2 + 0.4 * fullCoverage + 0.3 * headlineCoverage), "japanese");
    }
  }

  /** Content bigrams of the Japanese runs of a query; all-hiragana pairs (particles, endings) only if nothing else. */
  private queryBigrams(text: string): string[] {
    const all = [...new Set(cjkRuns(text).flatMap(bigrams))];
    const content = all.filter((gram) => !/^[\p{Script=Hiragana}ー]+$/u.test(gram));
    return content.length > 0 ? content : all;
  }

  /** Every paper with Japanese text while there are few; beyond that, FTS5's trigram index narrows them down. */
  private japaneseCandidates(grams: string[]): Iterable<Paper> {
    if (this.japanesePapers.length <= JAPANESE_SCAN_LIMIT) return this.japanesePapers;
    const trigramsOfQuery = grams.filter((gram) => gram.length >= 2);
    const expression = trigramsOfQuery.map((gram) => `"${gram.replaceAll('"', '""')}"`).join(" OR ");
    return this.searchJapanese
      .all(expression, FTS_CANDIDATES * 5)
      .map((row) => this.bySeq.get(row.rowid))
      .filter((paper): paper is Paper => paper !== undefined);
  }

  private bigramsOf(paper: Paper): { headline: Set<string>; body: Set<string> } {
    let entry = this.japaneseBigrams.get(paper);
    if (!entry) {
      entry = {
        headline: new Set(cjkRuns(headlineJa(paper)).flatMap(bigrams)),
        body: new Set(cjkRuns(normalize(`${paper.summary.ja} ${paper.keyResults.ja.join(" ")}`)).flatMap(bigrams)),
      };
      this.japaneseBigrams.set(paper, entry);
    }
    return entry;
  }

  private suggest(cleaned: string, ranked: Match[]): Paper[] {
    const key = compactKey(cleaned);
    const scored = new Map<Paper, number>();
    for (const match of ranked) scored.set(match.paper, match.score);
    if (key.length >= 3 && key.length <= 40) {
      for (const candidate of this.fuzzyKeys) {
        if (candidate.key.length * 2 < key.length || key.length * 2 < candidate.key.length) continue;
        if (!startsAlike(key, candidate.key)) continue;
        const longest = Math.max(key.length, candidate.key.length);
        const distance = editDistance(key, candidate.key, Math.floor(longest / 2));
        const closeness = 1 - distance / longest;
        if (closeness >= 0.5) scored.set(candidate.paper, Math.max(scored.get(candidate.paper) ?? 0, closeness * 0.6));
      }
    }
    return [...scored.entries()]
      .filter(([, score]) => score >= 0.3)
      .sort((a, b) => b[1] - a[1] || a[0].position - b[0].position)
      .slice(0, 3)
      .map(([paper]) => paper);
  }
}

/** Numbers that follow a name: "gpt-4" → 4, "llama 3" → 3; not "from 175 seed tasks", "25 agents" or "bm25". */
function versionNumbers(text: string): string[] {
  const versions: string[] = [];
  for (const match of text.matchAll(/\b([a-z][a-z0-9]*)[- ](\d+)(?![\d.]*[a-z])/g)) {
    const [, name = "", number = ""] = match;
    if (!contentTokens(name).length) continue;
    versions.push(number);
  }
  return versions;
}

/** The first two letters differ by at most one edit ("qlroa"/"qlora" yes, "dpo…"/"moe…" no). */
function startsAlike(a: string, b: string): boolean {
  const [a0, a1] = [a[0], a[1]];
  const [b0, b1] = [b[0], b[1]];
  return a0 === b0 || a1 === b1 || (a0 === b1 && a1 === b0) || a0 === b1 || a1 === b0;
}

/** Dice coefficient over letter pairs. */
function bigramSimilarity(a: string, b: string): number {
  const pairs = (text: string) => {
    const counts = new Map<string, number>();
    for (let i = 0; i + 1 < text.length; i += 1) counts.set(text.slice(i, i + 2), (counts.get(text.slice(i, i + 2)) ?? 0) + 1);
    return counts;
  };
  const left = pairs(a);
  const right = pairs(b);
  let shared = 0;
  for (const [pair, count] of left) shared += Math.min(count, right.get(pair) ?? 0);
  const total = Math.max(0, a.length - 1) + Math.max(0, b.length - 1);
  return total === 0 ? 0 : (2 * shared) / total;
}

function digitsOf(text: string): string {
  return text.replace(/\D+/g, " ").trim();
}

/**
 * Word-like runs of Japanese: kanji with the kana that follow them (超えて), katakana words, hiragana.
 * "線形バイアスで入力長を外挿" → 線形, バイアス, で, 入力長を, 外挿. Pairs are taken inside runs, so a
 * katakana word and the kanji around it are not glued into pairs that mean nothing.
 */
function cjkRuns(text: string): string[] {
  return text.match(/[\p{Script=Han}々]+[\p{Script=Hiragana}]*|[\p{Script=Katakana}ー]+|[\p{Script=Hiragana}]+/gu) ?? [];
}

function bigrams(run: string): string[] {
  const chars = [...run];
  const grams: string[] = [];
  for (let i = 0; i + 2 <= chars.length; i += 1) grams.push(`${chars[i] ?? ""}${chars[i + 1] ?? ""}`);
  return grams;
}

function headlineJa(paper: Paper): string {
  return normalize([paper.titleJa, ...paper.aliases].join(" "));
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
