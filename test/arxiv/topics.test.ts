import { describe, expect, it } from "vitest";
import { DEFINING_PHRASES, mayNameTopic } from "../../src/arxiv/topics.js";

/** What the per-phrase search can find at all: some phrase in the lower-cased title or abstract. */
function somePhraseIn(text: { title: string; abstract: string }): boolean {
  const title = text.title.toLowerCase();
  const abstract = text.abstract.toLowerCase();
  return DEFINING_PHRASES.some((phrase) => title.includes(phrase) || abstract.includes(phrase));
}

/** mulberry32, so the random texts are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters whose lower case is (or contains) an ASCII letter, or that look like one: the hostile cases. */
const TRICKY = ["\u0130", "\u212a", "\u017f", "\u0131", "\u212b", "\u00df", "\uff41", "\u0307", "-", " ", "_", "\u00a0"];

describe("mayNameTopic (the check that lets most papers skip the defining-phrase search)", () => {
  it("is true whenever a defining phrase occurs in the lower-cased text, in any case and next to any character", () => {
    for (const phrase of DEFINING_PHRASES) {
      const variants = [phrase, phrase.toUpperCase(), phrase.replace(/(.)(.)/g, (_, a: string, b: string) => a.toUpperCase() + b)];
      for (const variant of variants)
        for (const around of TRICKY) {
          for (const text of [
            { title: `${around}${variant}${around}`, abstract: "" },
            { title: "", abstract: `On ${around}${variant}s and more` },
          ]) {
            expect(somePhraseIn(text)).toBe(true);
            expect(mayNameTopic(text)).toBe(true);
          }
        }
    }
  });

  it("never says no where the phrase search could say yes, on random texts of phrase letters and tricky characters", () => {
    const random = seeded(17);
    const letters = [...new Set(DEFINING_PHRASES.join(""))];
    const alphabet = [...letters, ...letters.map((letter) => letter.toUpperCase()), ...TRICKY];
    let withPhrase = 0;
    for (let round = 0; round < 20_000; round += 1) {
      // Pieces of real phrases with characters changed at random: many near-misses, some hits.
      const phrase = DEFINING_PHRASES[Math.floor(random() * DEFINING_PHRASES.length)] ?? "";
      const chars = [...phrase].map((char) => (random() < 0.08 ? (alphabet[Math.floor(random() * alphabet.length)] ?? char) : char));
      const text = random() < 0.5 ? { title: chars.join(""), abstract: "x" } : { title: "x", abstract: `a ${chars.join("")} b` };
      if (somePhraseIn(text)) {
        withPhrase += 1;
        expect(mayNameTopic(text), JSON.stringify(text)).toBe(true);
      }
    }
    expect(withPhrase).toBeGreaterThan(1000);
  });

  it("is false for text with none of the phrases, so such papers skip the search", () => {
    expect(mayNameTopic({ title: "Scaling laws for tokenizers", abstract: "We study vocabulary size and perplexity." })).toBe(false);
    expect(mayNameTopic({ title: "Agents", abstract: "" })).toBe(false);
  });
});
