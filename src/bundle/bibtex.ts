import type { Paper } from "../catalog/types.js";
import { arxivAbsUrl } from "../catalog/arxiv-id.js";
import { oneLine } from "./common.js";
import { t } from "../i18n/index.js";

/**
 * Escapes text for a brace-delimited BibTeX field value (UTF-8 kept as is; biber/bibtexu and modern LaTeX read it).
 *
 * Braces: BibTeX's own parser counts every `{`/`}` — even `\{` — when it looks for the end of a field, so a lone
 * `\{` from a title would make the .bib unparseable. Literal braces therefore become `\textbraceleft{}` /
 * `\textbraceright{}`, which keep the field balanced and print as braces.
 */
export function escapeBibtex(text: string): string {
  return oneLine(text).replace(/[\\{}&%$#_~^]/g, (char) => {
    switch (char) {
      case "\\":
        return "\\textbackslash{}";
      case "{":
        return "\\textbraceleft{}";
      case "}":
        return "\\textbraceright{}";
      case "~":
        return "\\textasciitilde{}";
      case "^":
        return "\\textasciicircum{}";
      default:
        return `\\${char}`;
    }
  });
}

/** A URL for a verbatim `url` field: only characters that break the field (braces, backslash, whitespace) are encoded. */
function bibUrl(url: string): string {
  return url.replace(/[{}\\\s]/g, (char) => encodeURIComponent(char));
}

/** A URL inside `\url{...}` used as an argument (howpublished): `%` and `#` must also be escaped for LaTeX. */
function bibUrlMacro(url: string): string {
  return `\\url{${bibUrl(url).replace(/[%#]/g, (char) => `\\${char}`)}}`;
}

const ET_AL = /^(?:et\.?\s*al\.?|others|and others)$/i;

/** BibTeX author list: names joined by " and "; "et al." becomes the BibTeX keyword "others". */
export function bibtexAuthors(authors: readonly string[]): string {
  const names: string[] = [];
  let others = false;
  for (const raw of authors) {
    const author = oneLine(raw);
    if (ET_AL.test(author)) {
      others = true;
      continue;
    }
    const trailing = /^(.*?)[,\s]+et\.?\s*al\.?$/i.exec(author);
    const name = trailing?.[1] ? trailing[1] : author;
    if (trailing) others = true;
    // A name containing the word "and" (e.g. an organisation) would be split by BibTeX: protect it with braces.
    const escaped = escapeBibtex(name);
    names.push(/\band\b/i.test(name) ? `{${escaped}}` : escaped);
  }
  if (others || names.length === 0) names.push("others");
  return names.join(" and ");
}

const STOP_WORDS = new Set([
  "a",
  "an",
  "the",
  "on",
  "of",
  "in",
  "for",
  "to",
  "and",
  "or",
  "with",
  "via",
  "is",
  "are",
  "be",
  "from",
  "towards",
  "toward",
  "at",
  "by",
  "as",
  "do",
  "does",
  "can",
  "we",
  "you",
  "your",
  "what",
  "how",
  "why",
  "when",
  "its",
  "it",
]);

function asciiFold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

function surname(author: string): string {
  const name = oneLine(author);
  if (ET_AL.test(name)) return "";
  if (name.includes(",")) return asciiFold(name.split(",")[0] ?? "").replace(/[^a-z0-9]/g, "");
  const tokens = name.split(" ").filter((token) => !/^(?:jr\.?|sr\.?|ii|iii|iv|et|al\.?)$/i.test(token));
  return asciiFold(tokens[tokens.length - 1] ?? "").replace(/[^a-z0-9]/g, "");
}

/** Google-Scholar-style key: first author's surname + year + first significant title word, e.g. vaswani2017attention. */
export function bibtexKeyBase(paper: Pick<Paper, "id" | "authors" | "year" | "title">): string {
  const fallback = paper.id.replace(/[^a-z0-9]/g, "") || "paper";
  let who = "";
  for (const author of paper.authors) {
    who = surname(author);
    if (who) break;
  }
  const words = asciiFold(paper.title)
    .replace(/(?<=[a-z0-9])-(?=[a-z0-9])/g, "") // "GPT-4" → "gpt4", "Few-Shot" → "fewshot"
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
  const word = words.find((candidate) => !STOP_WORDS.has(candidate)) ?? words[0] ?? "";
  return `${who || fallback}${paper.year}${word || (who ? fallback : "")}`;
}

/** Assigns unique keys in the given order: the first paper keeps the base key, later ones get b, c, … suffixes. */
export function bibtexKeys(ordered: readonly Pick<Paper, "id" | "authors" | "year" | "title">[]): string[] {
  const used = new Set<string>();
  const next = new Map<string, number>(); // per base: the suffix number to try next (keeps large lists linear)
  const withSuffix = (base: string, n: number): string => (n < 26 ? `${base}${String.fromCharCode(97 + n)}` : `${base}-${n}`);
  return ordered.map((paper) => {
    const base = bibtexKeyBase(paper);
    let n = next.get(base) ?? 0;
    let key = n === 0 ? base : withSuffix(base, n);
    while (used.has(key)) key = withSuffix(base, ++n);
    next.set(base, n + 1);
    used.add(key);
    return key;
  });
}

function entry(type: string, key: string, fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  const body = fields.map(([name, value]) => `  ${name.padEnd(width)} = {${value}}`).join(",\n");
  return `@${type}{${key},\n${body}\n}\n`;
}

export function renderBibtex(ordered: readonly Paper[], generatedAt: Date): string {
  const keys = bibtexKeys(ordered);
  const entries = ordered.map((paper, index) => {
    const key = keys[index] ?? paper.id;
    const fields: [string, string][] = [
      // Double braces keep capitalisation (BERT, GPT-4, LoRA) in styles that lower-case titles.
      ["title", `{${escapeBibtex(paper.title)}}`],
      ["author", bibtexAuthors(paper.authors)],
      ["year", String(paper.year)],
    ];
    if (paper.arxivId) {
      fields.push(
        ["journal", `arXiv preprint arXiv:${escapeBibtex(paper.arxivId)}`],
        ["eprint", escapeBibtex(paper.arxivId)],
        ["archivePrefix", "arXiv"],
        ["url", bibUrl(arxivAbsUrl(paper.arxivId))],
      );
    } else {
      fields.push(["howpublished", bibUrlMacro(paper.url)], ["url", bibUrl(paper.url)]);
    }
    if (paper.organisation) fields.push(["institution", escapeBibtex(paper.organisation)]);
    if (paper.venue) fields.push(["note", escapeBibtex(paper.venue)]);
    if (paper.topics.length > 0) fields.push(["keywords", paper.topics.map(escapeBibtex).join(", ")]);
    return entry(paper.arxivId ? "article" : "misc", key, fields);
  });
  const header = `% LLM reading list: ${t("en", "count.papers", { count: ordered.length })}, generated ${generatedAt.toISOString()} by paperbot.\n% Encoding: UTF-8.\n\n`;
  return header + entries.join("\n");
}
