import { describe, expect, it } from "vitest";
import { ja } from "../../src/i18n/ja.js";
import { moderationJa } from "../../src/i18n/moderation.ja.js";

/** Placeholders that carry words (a topic, a title, a keyword), which may themselves be Japanese. */
const WORD_PLACEHOLDER = /\{(?:topic|title|what|papers|field|keyword)\}\**/;
const PARTICLE = "[のをはがにへでとやも]";

function forms(template: string | Readonly<Record<string, string>>): string[] {
  return typeof template === "string" ? [template] : Object.values(template);
}

describe("Japanese templates: no space between a word and its particle", () => {
  it("no word placeholder is followed by a space and a particle (検索 を解除), nor preceded by a particle and a space", () => {
    const after = new RegExp(`${WORD_PLACEHOLDER.source} ${PARTICLE}`, "u");
    const before = new RegExp(`${PARTICLE} \\**\\{(?:topic|title|what|papers|field|keyword)\\}`, "u");
    const offending = Object.entries({ ...ja, ...moderationJa }).flatMap(([key, template]) =>
      forms(template)
        .filter((form) => after.test(form) || before.test(form))
        .map((form) => `${key}: ${form}`),
    );
    expect(offending).toEqual([]);
  });

  it("the related-papers title quotes the title, so a title ending in Japanese reads right", () => {
    expect(ja["paper.relatedTitle"].replace("{title}", "LLM の限界")).toBe("「LLM の限界」の関連論文");
    expect(ja["following.unfollowTopic"].replace("{topic}", "検索拡張")).toBe("検索拡張を解除");
  });
});
