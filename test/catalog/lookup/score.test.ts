import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  exactScore,
  fuzzyScore,
  japaneseScore,
  nameWithinScore,
  suggestionScore,
  textScore,
  type JapaneseFeatures,
  type TextFeatures,
} from "../../../src/catalog/lookup/score.js";
import { LOOKUP_WEIGHTS, type LookupWeights } from "../../../src/catalog/lookup/weights.js";
import { repoRoot } from "../../support/app.js";

const lookupDir = join(repoRoot, "src", "catalog", "lookup");
const scoringFiles = [join(repoRoot, "src", "catalog", "resolve.ts"), ...readdirSync(lookupDir).map((name) => join(lookupDir, name))];

/** Source without comments and string literals (regex literals of these files hold no numbers with a dot). */
function code(text: string): string {
  let out = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? "";
    const next = text[index + 1] ?? "";
    if (char === "/" && next === "/") {
      while (index < text.length && text[index] !== "\n") index += 1;
    } else if (char === "/" && next === "*") {
      const end = text.indexOf("*/", index + 2);
      index = end < 0 ? text.length : end + 2;
    } else if (char === '"' || char === "'" || char === "`") {
      index += 1;
      while (index < text.length && text[index] !== char) index += text[index] === "\\" ? 2 : 1;
      index += 1;
      out += " ";
    } else {
      out += char;
      index += 1;
    }
  }
  return out;
}

const fractions = (text: string) => code(text).match(/(?<![\w.\\])\d*\.\d+(?![\w.])/g) ?? [];

/** A small deterministic generator, so the property checks below see the same features on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textFeatures(next: () => number): TextFeatures {
  const flag = () => next() < 0.5;
  const queryWords = 1 + Math.floor(next() * 8);
  return {
    partial: flag(),
    everywhereCoverage: next(),
    nameCoverage: next(),
    bm25Matched: flag(),
    titleCoverage: next(),
    phraseInTitle: flag(),
    specificFound: flag() ? null : Math.floor(next() * 4) / 3,
    firstAuthorNamed: flag(),
    curated: flag(),
    queryWords,
    contentWords: flag() ? 0 : queryWords,
    wordsFound: Math.floor(next() * (queryWords + 1)),
    nameQuery: flag(),
    lacksTitleWord: flag(),
    otherWordInPassing: flag(),
    namedAsTyped: flag(),
    correctedCloseness: flag() ? null : next(),
    stemOnlyName: next() < 0.1,
  };
}

describe("lookup weights: one table", () => {
  it("holds every fractional constant of the resolver: none is left in the stages or resolve.ts", () => {
    const stages = scoringFiles.filter((file) => !file.endsWith("weights.ts"));
    expect(stages.length).toBeGreaterThanOrEqual(12);
    const found = stages.flatMap((file) =>
      fractions(readFileSync(file, "utf8")).map((literal) => `${file.slice(repoRoot.length)}: ${literal}`),
    );
    expect(found).toEqual([]);
    // The check sees literals where they are: the table has dozens.
    expect(fractions(readFileSync(join(lookupDir, "weights.ts"), "utf8")).length).toBeGreaterThan(30);
  });

  it("describes every weight with a line on what it rewards", () => {
    const source = readFileSync(join(lookupDir, "weights.ts"), "utf8");
    const lines = source.slice(source.indexOf("const TABLE")).split("\n");
    const isWeight = (line: string) => /^\s+\w+: [-\d\w][^{]*,$/.test(line);
    const weights = lines.filter(isWeight);
    expect(weights.length).toBeGreaterThan(50);
    // Each weight follows its comment, or follows a weight its comment introduces ("…scores this…", "…and this").
    const undescribed = lines.filter(
      (line, at) => isWeight(line) && !/\*\/\s*$/.test(lines[at - 1] ?? "") && !isWeight(lines[at - 1] ?? ""),
    );
    expect(undescribed).toEqual([]);
  });
});

describe("lookup scoring: pure functions of named features", () => {
  it("gives the same score for the same features, without changing them", () => {
    const next = random(16);
    for (let sample = 0; sample < 500; sample += 1) {
      const features = Object.freeze(textFeatures(next));
      const first = textScore(features);
      expect(textScore({ ...features })).toEqual(first);
      if (first) {
        expect(first.score).toBeGreaterThanOrEqual(0);
        expect(first.score).toBeLessThanOrEqual(LOOKUP_WEIGHTS.text.ceiling);
        expect(first.uncapped).toBeGreaterThanOrEqual(first.score);
      }
    }
  });

  it("reads its weights from the table it is given, and nothing else", () => {
    const next = random(7);
    const zeroRewards: LookupWeights = {
      ...LOOKUP_WEIGHTS,
      text: {
        ...LOOKUP_WEIGHTS.text,
        everywhere: 0,
        name: 0,
        bm25Matched: 0,
        titleWords: 0,
        phraseInTitle: 0,
        specificSpread: 0,
        firstAuthor: 0,
        curated: 0,
      },
    };
    for (let sample = 0; sample < 200; sample += 1) {
      const features = { ...textFeatures(next), partial: false, specificFound: null, namedAsTyped: true, stemOnlyName: false };
      // With every reward at zero, what is left is the base (under whatever cap applies).
      expect(textScore(features, zeroRewards)?.score).toBe(Math.min(LOOKUP_WEIGHTS.text.base, textScore(features)?.score ?? Infinity));
    }
    const features = {
      ...textFeatures(next),
      partial: false,
      everywhereCoverage: 1,
      nameCoverage: 1,
      namedAsTyped: true,
      stemOnlyName: false,
      contentWords: 2,
      queryWords: 2,
    };
    const doubled: LookupWeights = { ...LOOKUP_WEIGHTS, text: { ...LOOKUP_WEIGHTS.text, everywhere: 0.7, ceiling: 5 } };
    expect((textScore(features, doubled)?.uncapped ?? 0) - (textScore(features)?.uncapped ?? 0)).toBeCloseTo(
      LOOKUP_WEIGHTS.text.everywhere,
      10,
    );
  });

  it("rewards more of the query found, never less", () => {
    const next = random(3);
    for (let sample = 0; sample < 300; sample += 1) {
      const features = textFeatures(next);
      const more = {
        ...features,
        everywhereCoverage: Math.min(1, features.everywhereCoverage + 0.2),
        nameCoverage: Math.min(1, features.nameCoverage + 0.2),
      };
      const [before, after] = [textScore(features), textScore(more)];
      if (before && after) expect(after.uncapped).toBeGreaterThanOrEqual(before.uncapped);
      if (before) expect(after).not.toBeNull();
      const japanese: JapaneseFeatures = {
        everywhereCoverage: next(),
        nameCoverage: next(),
        pairsFound: Math.floor(next() * 6),
        wholeName: next() < 0.5,
      };
      const fuller = japaneseScore({ ...japanese, everywhereCoverage: Math.min(1, japanese.everywhereCoverage + 0.1) });
      const base = japaneseScore(japanese);
      if (base) expect(fuller?.uncapped ?? 0).toBeGreaterThanOrEqual(base.uncapped);
    }
  });

  it("keeps thin evidence under an answer: a word found only in a summary, a name only through its stem", () => {
    const thin: TextFeatures = {
      ...textFeatures(random(1)),
      partial: false,
      nameCoverage: 0,
      queryWords: 2,
      nameQuery: true,
      everywhereCoverage: 1,
      bm25Matched: true,
      curated: true,
    };
    expect(textScore(thin)?.score).toBeLessThan(LOOKUP_WEIGHTS.resultThreshold);
    const stem: TextFeatures = { ...thin, nameCoverage: 1, namedAsTyped: true, stemOnlyName: true };
    expect(textScore(stem)?.score).toBeLessThan(LOOKUP_WEIGHTS.resultThreshold);
    expect(textScore({ ...stem, stemOnlyName: false })?.score).toBeGreaterThanOrEqual(LOOKUP_WEIGHTS.resultThreshold);
  });

  it("orders names: a whole name, then a shared name in list order, a name inside a query, a typo", () => {
    expect(exactScore(0, 1)).toBe(1);
    const shared = [0, 1, 2].map((rank) => exactScore(rank, 3));
    expect(shared).toEqual([...shared].sort((a, b) => b - a));
    for (let rank = 1; rank < shared.length; rank += 1)
      expect((shared[rank - 1] ?? 0) - (shared[rank] ?? 0)).toBeGreaterThan(LOOKUP_WEIGHTS.ties.margin);
    expect(nameWithinScore(LOOKUP_WEIGHTS.nameWithin.minShare / 2, false)).toBeNull();
    const within = nameWithinScore(1, false);
    expect(within?.score).toBeLessThan(exactScore(0, 2));
    expect(nameWithinScore(1, true)?.score).toBeLessThan(within?.score ?? 0);
    expect(fuzzyScore(1)).toBeLessThan(within?.score ?? 0);
    expect(fuzzyScore(0.8)).toBeLessThan(fuzzyScore(0.9));
    expect(suggestionScore(LOOKUP_WEIGHTS.suggest.minNameCloseness - 0.01)).toBeNull();
    expect(suggestionScore(0.8)).toBeLessThan(suggestionScore(0.9) ?? 0);
  });
});
