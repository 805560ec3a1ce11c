import { t, type Locale, type PlainMessageKey } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import type { SummarySource } from "./schema.js";
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
 * The summary to show a reader: in their language when one was written, otherwise English with a note;
 * the authors' abstract is marked as such.
 */
export function summaryFor(paper: Paper, locale: Locale): { text: string; notes: PlainMessageKey[]; fromAbstract: boolean } {
  const origin = summaryOrigin(paper);
  const inLocale = locale === "en" || !origin || origin.ja !== null;
  const fromAbstract = (inLocale ? (locale === "en" ? origin?.en : "written") : origin?.en) === "abstract";
  const notes: PlainMessageKey[] = [...(inLocale ? [] : ["paper.englishOnly" as const]), ...(fromAbstract ? ["paper.abstractNote" as const] : [])];
  return { text: inLocale ? paper.summary[locale] : paper.summary.en, notes, fromAbstract };
}

/** Key results to show in `locale`: none while the summary is the authors' abstract (we have none of our own). */
export function keyResultsFor(paper: Paper, locale: Locale): readonly string[] {
  return summaryFor(paper, locale).fromAbstract ? [] : paper.keyResults[locale];
}

/** The Japanese title when one was written (papers added from arXiv carry the English title there). */
export function japaneseTitle(paper: Paper): string | null {
  return paper.titleJa.trim() !== paper.title.trim() ? paper.titleJa : null;
}

/** Cuts at a word boundary where one is near and adds an ellipsis; never returns more than `max` characters. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return "…".slice(0, max);
  const cut = chars.slice(0, max - 1).join("");
  const lastSpace = cut.lastIndexOf(" ");
  return (lastSpace > max * 0.8 ? cut.slice(0, lastSpace) : cut).trimEnd() + "…";
}

/** "LoRA" for "LoRA: Low-Rank Adaptation of…", a short title as it is, an acronym id ("RAG", "SPIN"), else the id. */
export function paperShortName(paper: { id: string; title: string }): string {
  const head = paper.title.split(":")[0]?.trim() ?? "";
  if (head !== paper.title && head.length <= 30) return head;
  if (paper.title.length <= 40) return paper.title;
  return /^[a-z0-9]{2,5}$/.test(paper.id) ? paper.id.toUpperCase() : paper.id;
}

/** The plain-text answer used by the CLI and the console front end. */
export function renderPaperText(paper: Paper, locale: Locale): string {
  const summary = summaryFor(paper, locale);
  const titleJa = locale === "ja" ? japaneseTitle(paper) : null;
  const keyResults = keyResultsFor(paper, locale);
  const lines = [
    `${paper.title} (${paper.year})`,
    ...(titleJa ? [titleJa] : []),
    paper.url,
    "",
    `${t(locale, "paper.authors")}: ${authorLine(paper)}`,
    ...(paper.organisation ? [`${t(locale, "paper.organisation")}: ${paper.organisation}`] : []),
    `${t(locale, "paper.topics")}: ${paper.topics.map((topic) => topicLabel(locale, topic)).join(", ")}`,
    "",
    ...summary.notes.map((key) => `(${t(locale, key)})`),
    summary.text,
    ...(keyResults.length > 0 ? ["", `${t(locale, "paper.keyResults")}:`, ...keyResults.map((fact) => `  - ${fact}`)] : []),
  ];
  return lines.join("\n");
}
