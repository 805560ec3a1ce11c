import { z } from "zod";
import { paperTitle } from "../catalog/format.js";
import type { Edition } from "../digest/content.js";
import { t, type Locale } from "../i18n/index.js";

/**
 * What the web home and archive read of a stored edition: its headline papers. Read loosely (zod, unknown fields
 * kept) so the digest's entries can grow without these pages re-rendering them; the entry itself is the digest's.
 */
const headlinePaper = z.looseObject({ title: z.string(), titleJa: z.string().optional(), url: z.string() });
const storedEdition = z.looseObject({
  week: z.string(),
  start: z.string(),
  end: z.string(),
  papers: z.array(headlinePaper).default([]),
  candidates: z.array(headlinePaper).default([]),
  picks: z.array(headlinePaper).default([]),
});

export interface Headline {
  title: string;
  url: string;
}

export interface EditionSummary {
  week: string;
  publishedAt: string;
  /** The first and last day it covers (ISO dates). */
  start: string;
  end: string;
  /** Papers added that week, else the reading-list pick; candidates never lead. */
  headlines: Headline[];
  /** What the headlines are: the papers added that week, or (a quiet week) the reading-list pick. */
  lead: "added" | "pick";
  added: number;
  candidates: number;
  /** The full edition, for the pages that show it (through the digest's own renderer). */
  edition: Edition;
}

export const HEADLINES_SHOWN = 3;

/** A stored edition's headlines; null when the JSON is not an edition (logged by the caller, page left out). */
export function summarizeEdition(contentJson: string, publishedAt: string, locale: Locale): EditionSummary | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(contentJson);
  } catch {
    return null;
  }
  const result = storedEdition.safeParse(parsed);
  if (!result.success) return null;
  const data = result.data;
  const lead = data.papers.length > 0 ? data.papers : data.picks;
  const end = Date.parse(data.end);
  return {
    week: data.week,
    publishedAt,
    start: data.start.slice(0, 10),
    end: Number.isFinite(end) ? new Date(end - 1).toISOString().slice(0, 10) : data.end.slice(0, 10),
    headlines: lead.map((paper) => ({ title: paperTitle({ title: paper.title, titleJa: paper.titleJa ?? "" }, locale), url: paper.url })),
    lead: data.papers.length > 0 ? "added" : "pick",
    added: data.papers.length,
    candidates: data.candidates.length,
    edition: parsed as Edition,
  };
}

/** "Title A; Title B; Title C and 2 more": a description line for meta tags and the feed's summaries. */
export function headlineLine(summary: EditionSummary, locale: Locale, shown = HEADLINES_SHOWN): string {
  const titles = summary.headlines.slice(0, shown).map((headline) => headline.title);
  const more = summary.headlines.length - titles.length;
  const separator = locale === "ja" ? "、" : "; ";
  const line = titles.join(separator);
  if (line === "") return t(locale, "web.archiveNoHeadline");
  return more > 0 ? `${line} ${t(locale, "web.andMore", { count: more })}` : line;
}
