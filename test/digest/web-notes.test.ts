import { describe, expect, it } from "vitest";
import { parseFragment, type DefaultTreeAdapterMap } from "parse5";
import type { Edition, EditionPaper } from "../../src/digest/content.js";
import { editionHtml } from "../../src/digest/web.js";
import { digestMessagesText, renderDigestMessages } from "../../src/digest/render.js";
import { t } from "../../src/i18n/index.js";

type Node = DefaultTreeAdapterMap["node"];

/** Text of every element with the class, read back by parse5 (not by our own HTML code). */
function textsOfClass(fragment: string, className: string): string[] {
  const found: string[] = [];
  const text = (node: Node): string =>
    "value" in node && node.nodeName === "#text" ? node.value : "childNodes" in node ? node.childNodes.map(text).join("") : "";
  const walk = (node: Node) => {
    if ("attrs" in node && node.attrs.some((attr) => attr.name === "class" && attr.value.split(" ").includes(className)))
      found.push(text(node));
    if ("childNodes" in node) node.childNodes.forEach(walk);
  };
  walk(parseFragment(fragment) as unknown as Node);
  return found;
}

const added: EditionPaper = {
  id: "inelastic-effects-in-molecular-transport",
  title: "Inelastic effects in molecular transport junctions",
  // Papers added from arXiv carry the English title as their Japanese one.
  titleJa: "Inelastic effects in molecular transport junctions",
  url: "https://arxiv.org/abs/2401.00001",
  topics: [],
  summary: { en: "The authors' abstract.", ja: "The authors' abstract." },
  // As editions frozen before the combined note stored it.
  notes: { en: ["paper.abstractNote"], ja: ["paper.englishOnly", "paper.abstractNote"] },
};
const translated: EditionPaper = {
  ...added,
  id: "lora",
  title: "LoRA",
  titleJa: "LoRA: 低ランク適応",
  notes: undefined,
  summary: { en: "S", ja: "要約" },
};
const edition: Edition = {
  week: "2026-W49",
  start: "2026-11-30T00:00:00.000Z",
  end: "2026-12-07T00:00:00.000Z",
  papers: [added, translated],
  candidates: [],
  picks: [],
};

describe("digest pages: one note per paper, no English title passed off as a Japanese one", () => {
  it("the English page shows an untranslated title once and a written Japanese title beside the English one", () => {
    const page = editionHtml(edition, "en").toString();
    expect(textsOfClass(page, "ja")).toEqual(["LoRA: 低ランク適応"]);
    expect(page.split(added.title)).toHaveLength(2);
  });

  it("the Japanese page says 'no Japanese summary; the authors' abstract' in one note", () => {
    const page = editionHtml(edition, "ja").toString();
    expect(textsOfClass(page, "note").filter((note) => note.includes("アブストラクト") || note.includes("日本語の要約"))).toEqual([
      t("ja", "paper.englishAbstractNote"),
    ]);
    expect(textsOfClass(page, "ja")).toEqual(["LoRA"]);
  });

  it("the Discord digest in Japanese carries the one note too", () => {
    const text = digestMessagesText(
      renderDigestMessages(
        edition,
        { locale: "ja", forYou: null },
        { web: "https://paperbot.example/digest/2026-W49", list: "https://paperbot.example/" },
      ),
    );
    expect(text).toContain(t("ja", "paper.englishAbstractNote"));
    expect(text).not.toContain(t("ja", "paper.englishOnly"));
  });
});
