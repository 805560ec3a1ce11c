import { t, type Locale, type PlainMessageKey } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { plainLine, plainParagraphs, truncate } from "../shared/safe-text.js";
import { texToText } from "../arxiv/tex.js";

export { truncate } from "../shared/safe-text.js";
import type { SummaryLanguage, SummarySource } from "./schema.js";
import type { Paper } from "./types.js";

export function authorLine(paper: Paper): string {
  return paper.authors.join(", ").replace(/, et al\.$/, " et al.");
}

/**
 * Where a paper's summaries come from: the moderators' record, else the catalog entry's `summarySource` (a paper
 * moderators added, exported and synced back); undefined when people wrote both.
 */
export function summaryOrigin(paper: Paper): SummarySource | undefined {
  return paper.moderation?.summary ?? paper.summarySource;
}

/**
 * The marks papers.json and `catalog export` carry for a paper whose summaries are not both written by people:
 * `summarySource.ja` is "abstract" when `summary.ja` holds the authors' abstract (null: it repeats a written English
 * summary), and `summaryLanguage` says which language each slot is in. Undefined when both were written.
 */
export function summaryMarks(
  source: SummarySource | undefined,
): { summarySource: SummarySource; summaryLanguage: SummaryLanguage } | undefined {
  if (!source || (source.en === "written" && source.ja === "written")) return undefined;
  const ja = source.ja ?? (source.en === "abstract" ? "abstract" : null);
  return { summarySource: { en: source.en, ja }, summaryLanguage: { en: "en", ja: ja === "written" ? "ja" : "en" } };
}

/**
 * The summary to show a reader: in their language when one was written, otherwise English with a note;
 * the authors' abstract is marked as such.
 */
export function summaryFor(paper: Paper, locale: Locale): { text: string; notes: PlainMessageKey[]; fromAbstract: boolean } {
  const origin = summaryOrigin(paper);
  const inLocale = locale === "en" || !origin || origin.ja === "written";
  const fromAbstract = (inLocale ? (locale === "en" ? origin?.en : "written") : origin?.en) === "abstract";
  // One note says both (no summary in your language; this is the authors' abstract), never two stacked on one paper.
  const note: PlainMessageKey | null = inLocale
    ? fromAbstract
      ? "paper.abstractNote"
      : null
    : fromAbstract
      ? "paper.englishAbstractNote"
      : "paper.englishOnly";
  const text = inLocale ? paper.summary[locale] : paper.summary.en;
  // The authors' abstract of a paper added before TeX was rendered where arXiv text enters is rendered here.
  return { text: fromAbstract ? texToText(text) : text, notes: note ? [note] : [], fromAbstract };
}

/** Notes as shown: editions frozen before the combined note carry the two stacked ones, shown now as one. */
export function shownNotes(notes: readonly PlainMessageKey[]): PlainMessageKey[] {
  if (!notes.includes("paper.englishOnly") || !notes.includes("paper.abstractNote")) return [...notes];
  const rest = notes.filter((note) => note !== "paper.englishOnly" && note !== "paper.abstractNote");
  return ["paper.englishAbstractNote", ...rest];
}

/** True when the summary shown is in English standing in for the reader's language. */
export function summaryInEnglishInstead(notes: readonly PlainMessageKey[]): boolean {
  return notes.includes("paper.englishOnly") || notes.includes("paper.englishAbstractNote");
}

/** Key results to show in `locale`: none while the summary is the authors' abstract (we have none of our own). */
export function keyResultsFor(paper: Paper, locale: Locale): readonly string[] {
  return summaryFor(paper, locale).fromAbstract ? [] : paper.keyResults[locale];
}

/**
 * The mark papers.json and `catalog export` carry when `titleJa` is the English title standing in (papers added
 * from arXiv, or an entry that was exported with the mark): `{ titleJaLanguage: "en" }`; undefined otherwise.
 */
export function titleJaMark(paper: Paper): { titleJaLanguage: "en" } | undefined {
  const standIn = paper.source === "moderator" || paper.titleJaLanguage === "en";
  return standIn && japaneseTitle(paper) === null ? { titleJaLanguage: "en" } : undefined;
}

/** The Japanese title when one was written (papers added from arXiv carry the English title there). */
export function japaneseTitle(paper: Paper): string | null {
  return paper.titleJa.trim() !== paper.title.trim() ? paper.titleJa : null;
}

/** The title a reader in `locale` sees: the Japanese one for ja when one was written. */
export function paperTitle(paper: Pick<Paper, "title" | "titleJa">, locale: Locale): string {
  return locale === "ja" && paper.titleJa.trim() !== "" ? paper.titleJa : paper.title;
}

const SHORT_NAME_MAX = 40;
const SHORT_HEAD_MAX = 30;
/** Ids like "rag", "spin", "gpt-1": names people write in capitals. */
const ACRONYM_ID = /^[a-z0-9]{2,5}(?:-[0-9]+)?$/;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

type Nameable = {
  id: string;
  title: string;
  aliases?: readonly string[];
  summary?: { en: string };
  keyResults?: { en: readonly string[] };
};

/** `name` (its words joined by spaces or hyphens, any case) as `text` writes it, as a whole word; null when absent. */
function asWritten(name: string, text: string): string | null {
  const words = name.split(/[\s-]+/).filter((word) => word !== "");
  if (words.length === 0) return null;
  const pattern = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s-]");
  const found = new RegExp(`(?<![\\p{L}\\p{N}]|[\\p{L}\\p{N}]-)${pattern}(?![\\p{L}\\p{N}]|-[\\p{L}\\p{N}])`, "iu").exec(text);
  return found ? found[0] : null;
}

/**
 * A paper's name in a sentence ("like LoRA and RETRO"), never its internal id: the title's part before a colon
 * ("LoRA"), a short title as it is, the id as the paper's own text writes it ("InstructGPT", "HyDE"), an acronym
 * id in capitals ("GPT-1"), the first alias the text writes ("Sparsely-Gated Mixture-of-Experts"), else the
 * title cut at a word boundary.
 */
export function paperShortName(paper: Nameable): string {
  // Names are listed with commas ("like A, B and C"), so a name with a comma of its own ("Train Short, Test Long")
  // gives way to the next choice (here ALiBi).
  const head = paper.title.split(":")[0]?.trim() ?? "";
  if (head !== paper.title && head.length > 0 && head.length <= SHORT_HEAD_MAX && !head.includes(",")) return head;
  if (paper.title.length <= SHORT_NAME_MAX && !paper.title.includes(",")) return paper.title;
  const text = [paper.title, paper.summary?.en ?? "", ...(paper.keyResults?.en ?? [])].join("\n");
  const fits = (found: string | null): found is string => found !== null && found.length <= SHORT_NAME_MAX;
  // Ids of a few words are names; a longer one is a slug of the title (papers moderators added), no better than the title.
  const fromId = paper.id.split("-").length <= 3 ? asWritten(paper.id, text) : null;
  if (fits(fromId)) return fromId;
  if (ACRONYM_ID.test(paper.id)) return paper.id.toUpperCase();
  for (const alias of paper.aliases ?? []) {
    if (alias.length > SHORT_NAME_MAX || CJK.test(alias) || !/\p{Script=Latin}/u.test(alias)) continue;
    const found = asWritten(alias, text);
    if (fits(found)) return found;
  }
  return truncate(paper.title, SHORT_NAME_MAX);
}

/** The plain-text answer used by the CLI and the console front end. */
export function renderPaperText(paper: Paper, locale: Locale): string {
  const summary = summaryFor(paper, locale);
  const titleJa = locale === "ja" ? japaneseTitle(paper) : null;
  const keyResults = keyResultsFor(paper, locale);
  // Text from arXiv and moderators on a terminal: one line each (no escape codes, bidi overrides or line breaks).
  const lines = [
    `${plainLine(paper.title)} (${paper.year})`,
    ...(titleJa ? [plainLine(titleJa)] : []),
    paper.url,
    "",
    `${t(locale, "paper.authors")}: ${plainLine(authorLine(paper))}`,
    ...(paper.organisation ? [`${t(locale, "paper.organisation")}: ${plainLine(paper.organisation)}`] : []),
    `${t(locale, "paper.topics")}: ${paper.topics.map((topic) => topicLabel(locale, topic)).join(", ")}`,
    "",
    ...summary.notes.map((key) => `(${t(locale, key)})`),
    plainParagraphs(summary.text),
    ...(keyResults.length > 0 ? ["", `${t(locale, "paper.keyResults")}:`, ...keyResults.map((fact) => `  - ${plainLine(fact)}`)] : []),
  ];
  return lines.join("\n");
}
