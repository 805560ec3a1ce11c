import type { Paper } from "../catalog/types.js";
import { bundleSummary, pdfUrlFor, publicPaper } from "./common.js";
import type { Locale } from "../i18n/index.js";

export const CSV_HEADER = [
  "id",
  "arxiv_id",
  "title",
  "authors",
  "organisation",
  "year",
  "topics",
  "url",
  "pdf_url",
  "summary_en",
  "summary_ja",
] as const;

/** UTF-8 byte-order mark: makes Excel read the file as UTF-8 (Japanese text would be mojibake otherwise). */
export const UTF8_BOM = "\uFEFF";

/**
 * One RFC 4180 field. Fields containing a comma, quote, CR or LF (or leading/trailing spaces) are quoted, with quotes
 * doubled. Text that a spreadsheet would run as a formula (leading =, +, -, @, tab or CR) gets a leading apostrophe,
 * the usual CSV-injection guard; our ids, URLs and numbers never start with those characters.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A summary cell: the reader's-language summary, led by its notes in brackets when it is the authors' abstract or English. */
function summaryCell(paper: Paper, locale: Locale): string {
  const summary = bundleSummary(paper, locale);
  const open = locale === "ja" ? "（" : "(";
  const close = locale === "ja" ? "）" : ") ";
  return summary.notes.map((note) => `${open}${note}${close}`).join("") + summary.text;
}

export function renderCsv(ordered: readonly Paper[]): string {
  const rows: (string | number | null)[][] = [[...CSV_HEADER]];
  for (const paper of ordered) {
    rows.push([
      paper.id,
      paper.arxivId,
      paper.title,
      paper.authors.join("; "),
      paper.organisation ?? null,
      paper.year,
      paper.topics.join("; "),
      paper.url,
      pdfUrlFor(paper),
      summaryCell(paper, "en"),
      summaryCell(paper, "ja"),
    ]);
  }
  return UTF8_BOM + rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function renderJson(ordered: readonly Paper[], generatedAt: Date): string {
  const document = {
    generatedAt: generatedAt.toISOString(),
    count: ordered.length,
    papers: ordered.map(publicPaper),
  };
  return JSON.stringify(document, null, 2) + "\n";
}
