import { stemmer } from "stemmer";

/** Text normalisation shared by the catalog index and the resolver. */

const STOPWORDS = new Set([
  "a",
  "an",
  "the",
  "of",
  "for",
  "and",
  "or",
  "to",
  "in",
  "on",
  "with",
  "by",
  "via",
  "is",
  "are",
  "be",
  "all",
  "you",
  "your",
  "from",
  "at",
  "as",
  "its",
  "it",
  "that",
  "this",
  "into",
  "using",
  "paper",
  "papers",
  "about",
  "no",
  "not",
  "such",
  "like",
  "only",
  "up",
  "big",
  "own",
  "needed",
  "need",
  "any",
  "some",
  "there",
  "good",
  "best",
  "new",
  "old",
  "pls",
  "please",
  "plz",
  "many",
  "much",
  "per",
  "can",
  "get",
  "find",
  "show",
  "me",
  "i",
  "we",
  "one",
  "what",
  "which",
  "how",
  "why",
  "does",
  "do",
  "then",
  "it",
  "vs",
  "versus",
  // Function words of descriptions: "the one where …", "which paper says …", "because it was too …".
  "was",
  "were",
  "been",
  "being",
  "has",
  "have",
  "had",
  "did",
  "didnt",
  "doesnt",
  "dont",
  "isnt",
  "wasnt",
  "where",
  "when",
  "who",
  "whom",
  "whose",
  "while",
  "because",
  "so",
  "too",
  "very",
  "just",
  "also",
  "than",
  "they",
  "them",
  "their",
  "it's",
  "he",
  "she",
  "his",
  "her",
  "our",
  "us",
  "my",
  "these",
  "those",
  "here",
  "if",
  "but",
  "out",
  "over",
  "again",
  "once",
  "should",
  "would",
  "could",
  "might",
  "may",
  "will",
  "said",
  "say",
  "says",
  "saying",
  "showed",
  "shows",
  "thing",
  "things",
  "stuff",
  "something",
  "someone",
  "guy",
  "guys",
  "u",
  "ur",
  "lol",
  "idk",
  "remember",
  "recall",
  "called",
  "name",
  "named",
  "go",
  "goes",
  "going",
  "initially",
  "originally",
  "basically",
  "actually",
  "really",
  "kind",
  "sort",
  "way",
  "ones",
  "lot",
  "lots",
]);

/** Japanese filler people add around what they mean: 「LoRAの論文」, 「チンチラについて」. */
const JA_FILLER =
  /(?:の?論文(?:は|が|を|って)?|について|とは|を?教えて(?:ください)?|って何|の要約|まとめ|ある|あります(?:か)?|ない|を?探して(?:います)?|が?読みたい|を?見せて|を?ください|を?お願いします|(?:は|って)?どれ(?:でしたっけ|ですか|だっけ)?|でしたっけ|だっけ|するやつ|のやつ|[、,]|[?？!！。、])$/u;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export function normalize(text: string): string {
  const words = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/[\u2018\u2019\u201c\u201d"'`]/g, "")
    .replace(/\s+/g, " ")
    .replace(/\b(fine|pre|post)[- ](train|tun)/g, "$1$2")
    // Nouns written with or without a hyphen: "warm-up"/"warmup", "speed-up"/"speedup", "roll-out"/"rollout".
    .replace(/\b([a-z]{3,})-(up|out|off|down)\b/g, "$1$2")
    .replace(/\bparams?\b/g, (word) => (word === "params" ? "parameters" : "parameter"))
    .replace(/(\p{L})is(ation|ing|ed)\b/gu, "$1iz$2");
  // Most text has no numbers; only text with digits pays for their forms.
  return (/\d/.test(words) ? normalizeNumbers(words) : words).trim();
}

/** "1.3 billion" → 1.3b, "10,000" → 10000, "25 times"/"25倍"/"25分の1" → 25x, "4-bit"/"4ビット" → 4bit, "16 x 16" → 16x16. */
function normalizeNumbers(text: string): string {
  return text
    .replace(
      /\b(\d+(?:\.\d+)?) ?(?:(million|m)|(billion|b)|(trillion|t))\b/g,
      (_, number: string, million?: string, billion?: string) => `${number}${million ? "m" : billion ? "b" : "t"}`,
    )
    .replace(/(\d),(?=\d{3}(?!\d))/g, "$1")
    .replace(/(\d+(?:\.\d+)?)(万|億|兆)/gu, (_, number: string, unit: string) => japaneseQuantity(Number(number), unit))
    .replace(/(\d+(?:\.\d+)?)分の1/gu, " $1x ")
    .replace(/(\d+(?:\.\d+)?)(?: ?times\b|倍)/gu, "$1x ")
    .replace(/(\d+)[ -]?(?:bits?\b|ビット)/gu, "$1bit ")
    .replace(/\b(\d+) ?[x×] ?(\d+)\b/g, "$1x$2")
    .replace(/\s+/g, " ");
}

/** 15億 → 1.5b, 2兆 → 2t, 1万 → 10000: the forms the English text uses for the same quantities. */
function japaneseQuantity(number: number, unit: string): string {
  const value = number * (unit === "万" ? 1e4 : unit === "億" ? 1e8 : 1e12);
  const scaled = (divisor: number, suffix: string) => `${Number((value / divisor).toPrecision(6))}${suffix}`;
  if (value >= 1e12) return scaled(1e12, "t");
  if (value >= 1e9) return scaled(1e9, "b");
  if (value >= 1e6) return scaled(1e6, "m");
  return String(value);
}

/** Text as it goes into the full-text index: the same tokens, spelling unification and stems the queries get. */
export function searchableText(text: string): string {
  return tokenize(text).join(" ");
}

/** Strips Japanese filler and surrounding punctuation from a whole query. */
export function cleanQuery(text: string): string {
  let cleaned = normalize(text).replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, "");
  for (let i = 0; i < 4; i += 1) cleaned = cleaned.replace(JA_FILLER, "").trim();
  return cleaned;
}

/** A key without spaces or punctuation: "GPT 3", "gpt-3" and "GPT３" all become "gpt3". */
export function compactKey(text: string): string {
  return normalize(text).replace(/[\s\p{P}\p{S}]+/gu, "");
}

/** Porter stems for words; tokens with digits (gpt3, 65b, 16x16) stay as they are. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer(word);
    if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}

/** Text repeats its words: indexing 100,000 summaries stems a few thousand distinct words, not millions. */
const stems = new Map<string, string>();
const STEM_CACHE_LIMIT = 50_000;

/** Latin-script word tokens (split on anything that is not a letter or digit), lowercased and de-pluralised. */
export function tokenize(text: string): string[] {
  return rawTokens(text).map(stem);
}

/** Content words as written (lowercased, not stemmed). */
export function unstemmedWords(text: string): string[] {
  return rawTokens(text).filter((token) => !STOPWORDS.has(token));
}

export function contentTokens(text: string): string[] {
  return rawTokens(text)
    .filter((token) => !STOPWORDS.has(token))
    .map(stem);
}

/**
 * Words split at punctuation and at Japanese text ("1枚のgpuで65bモデル" → 1, gpu, 65b); a decimal stays one
 * word, its point written "p" so the full-text tokenizer keeps it whole ("1.3b" → "1p3b").
 */
function rawTokens(text: string): string[] {
  return normalize(text)
    .split(LATIN_WORD_BREAK)
    .filter((token) => token.length > 0)
    .map((token) => (token.includes(".") ? token.replaceAll(".", "p") : token));
}

const LATIN_WORD_BREAK = /(?<!\d)\.|\.(?!\d)|[^\p{L}\p{N}.]+|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々]+/u;

export function containsCjk(text: string): boolean {
  return CJK.test(text);
}

let rowBuffers: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  if (rowBuffers[0].length < cols) rowBuffers = [new Int32Array(cols * 2), new Int32Array(cols * 2), new Int32Array(cols * 2)];
  let [prevPrev, prev, current] = rowBuffers;
  for (let j = 0; j < cols; j += 1) prev[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = i;
    const charA = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j += 1) {
      const charB = b.charCodeAt(j - 1);
      let value = Math.min((prev[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (charA === charB ? 0 : 1));
      if (i > 1 && j > 1 && charA === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === charB) {
        value = Math.min(value, (prevPrev[j - 2] ?? 0) + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [prevPrev, prev, current] = [prev, current, prevPrev];
  }
  return prev[cols - 1] ?? max + 1;
}

/** Single-deletion variants, the key of a symmetric-delete spelling index. */
export function deletions(word: string): string[] {
  const variants = new Set<string>();
  for (let i = 0; i < word.length; i += 1) variants.add(word.slice(0, i) + word.slice(i + 1));
  return [...variants];
}
