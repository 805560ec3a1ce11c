import { afterAll, describe, expect, it } from "vitest";
import { MAX_QUERY_LENGTH } from "../../../src/catalog/query.js";
import { PaperIndex, type LookupWork } from "../../../src/catalog/resolve.js";
import { MAX_QUERY_BIGRAMS } from "../../../src/catalog/lookup/japanese.js";
import { MAX_CORRECTED_WORD_LENGTH, MAX_SPELLING_COMPARISONS, SpellingCorrector } from "../../../src/catalog/lookup/spelling.js";
import { newLookupWork } from "../../../src/catalog/lookup/types.js";
import { createTestApp } from "../../support/app.js";

const app = createTestApp();
afterAll(() => app.close());
const index = new PaperIndex(app.db);

/** Deletion variants of one word of the longest corrected length: n single and at most n(n-1)/2 double deletions. */
const VARIANTS_PER_WORD = MAX_CORRECTED_WORD_LENGTH + (MAX_CORRECTED_WORD_LENGTH * (MAX_CORRECTED_WORD_LENGTH - 1)) / 2;
/** Query words corrected per query: 24 for names within the query, 12 for the full-text stage. */
const WORDS_PER_QUERY = 36;

function workOf(query: string, prefix = false): LookupWork {
  index.clearCaches();
  const before = { ...index.work };
  index.resolve(query, "en", prefix ? { prefix: true, limit: 25 } : {});
  const after = index.work;
  return {
    wordsCorrected: after.wordsCorrected - before.wordsCorrected,
    spellingVariants: after.spellingVariants - before.spellingVariants,
    spellingComparisons: after.spellingComparisons - before.spellingComparisons,
    japaneseBigrams: after.japaneseBigrams - before.japaneseBigrams,
  };
}

let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const letters = (count: number) =>
  Array.from({ length: count }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(random() * 26)] ?? "a").join("");
const words = (length: number, wordLength: number) =>
  Array.from({ length: Math.ceil(length / (wordLength + 1)) }, () => letters(wordLength))
    .join(" ")
    .slice(0, length);
const kanji = (count: number) => Array.from({ length: count }, () => String.fromCharCode(0x4e00 + Math.floor(random() * 2_000))).join("");

describe("lookup work is bounded whatever the input (the hostile probe's long words)", () => {
  it.each([200, 800, 2_000, 10_000])("does no spelling work for a single %i-character word", (length) => {
    const query = "rlhf".repeat(length).slice(0, length);
    for (const prefix of [false, true]) {
      const work = workOf(prefix ? query.slice(0, -1) : query, prefix);
      expect(work.wordsCorrected).toBe(0);
      expect(work.spellingVariants).toBe(0);
    }
  });

  it("corrects a word of the longest corrected length with at most n + n(n-1)/2 variants", () => {
    const work = workOf(letters(MAX_CORRECTED_WORD_LENGTH));
    expect(work.wordsCorrected).toBeGreaterThanOrEqual(1);
    expect(work.spellingVariants).toBeLessThanOrEqual(work.wordsCorrected * VARIANTS_PER_WORD);
    expect(work.spellingComparisons).toBeLessThanOrEqual(work.wordsCorrected * MAX_SPELLING_COMPARISONS);
  });

  it.each([
    ["7-letter words", (length: number) => words(length, 7)],
    ["20-letter words", (length: number) => words(length, MAX_CORRECTED_WORD_LENGTH)],
    ["hyphenated words", (length: number) => `${words(length / 2, 8).replaceAll(" ", "-")} ${words(length / 2, 8).replaceAll(" ", "-")}`],
    ["misspelt names", (length: number) => "attentoin tranformer chinchila ".repeat(length).slice(0, length)],
  ])("bounds the words corrected in 10,000 characters of %s, also while typing", (_, make) => {
    for (const prefix of [false, true]) {
      const work = workOf(make(10_000), prefix);
      expect(work.wordsCorrected).toBeLessThanOrEqual(WORDS_PER_QUERY);
      expect(work.spellingVariants).toBeLessThanOrEqual(WORDS_PER_QUERY * VARIANTS_PER_WORD);
      expect(work.spellingComparisons).toBeLessThanOrEqual(WORDS_PER_QUERY * MAX_SPELLING_COMPARISONS);
    }
  });

  it("scores at most the character pairs of a query the bot accepts, however long the Japanese text", () => {
    expect(MAX_QUERY_BIGRAMS).toBeGreaterThanOrEqual(MAX_QUERY_LENGTH - 1);
    for (const prefix of [false, true]) expect(workOf(kanji(10_000), prefix).japaneseBigrams).toBeLessThanOrEqual(MAX_QUERY_BIGRAMS);
    expect(workOf("低ランク行列で微調整").japaneseBigrams).toBeGreaterThan(0);
  });

  it("still corrects ordinary typos", () => {
    expect(index.resolve("chinchila", "en").results[0]?.paper.id).toBe("chinchilla");
    expect(index.resolve("flash atention", "en").results[0]?.paper.id).toBe("flashattention");
  });
});

describe("spelling corrector", () => {
  const vocabulary = new Map([
    ["train", 3],
    ["attent", 2],
    ["transform", 5],
  ]);

  it("takes words longer than the corrected length as they are, without work or cache", () => {
    const work = newLookupWork();
    const corrector = new SpellingCorrector(vocabulary, work);
    const long = "transformz".repeat(1_000);
    expect(corrector.corrections(long)).toEqual([long]);
    expect(work).toEqual(newLookupWork());
  });

  it("finds known words one or two edits away and counts the work", () => {
    const work = newLookupWork();
    const corrector = new SpellingCorrector(vocabulary, work);
    expect(corrector.corrections("trainig")).toEqual(["trainig", "train"]);
    expect(corrector.corrections("atent")).toEqual(["atent", "attent"]);
    expect(work.wordsCorrected).toBe(2);
    expect(work.spellingVariants).toBeGreaterThan(0);
    expect(work.spellingVariants).toBeLessThanOrEqual(7 + 21 + 5);
    corrector.corrections("trainig");
    expect(work.wordsCorrected).toBe(2);
  });
});
