import type { Paper } from "../catalog/types.js";
import { arxivAbsUrl } from "../catalog/arxiv-id.js";
import { keyResultsFor } from "../catalog/format.js";
import {
  bundleSummary,
  groupByTopic,
  isoDate,
  oneLine,
  paperAnchor,
  pdfUrlFor,
  safeHttpUrl,
  topicAnchor,
  untopicedPapers,
} from "./common.js";
import { LOCALES, localized, t, type PlainMessageKey } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";

/**
 * Escapes text for inline Markdown (CommonMark/GFM): backslash-escapes the punctuation that starts emphasis, code,
 * links, HTML, tables and strikethrough, neutralises entity references, and escapes a leading block marker so a value
 * can never turn into a heading, list or quote. Newlines are folded to spaces.
 */
export function escapeMarkdown(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]<>|~]/g, (char) => `\\${char}`)
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "&amp;")
    .replace(/^([#>+\-=])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2");
}

/** A URL safe inside `[text](url)`: characters that would end or confuse the destination are percent-encoded. */
function markdownUrl(url: string): string {
  return url.replace(/[\s()<>\\]/g, (char) => encodeURIComponent(char));
}

function link(text: string, url: string | null): string {
  const safe = safeHttpUrl(url);
  return safe ? `[${escapeMarkdown(text)}](${markdownUrl(safe)})` : escapeMarkdown(text);
}

/** "Authors / 著者": a label from the locale files in both languages. */
function bilingualLabel(key: PlainMessageKey, separator = " / "): string {
  const text = localized(key);
  return `${escapeMarkdown(text.en)}${separator}${escapeMarkdown(text.ja)}`;
}

function paperEntry(paper: Paper): string[] {
  const lines: string[] = [];
  lines.push(`<a id="${paperAnchor(paper)}"></a>`, "");
  lines.push(`### ${escapeMarkdown(paper.title)}`, "");
  if (oneLine(paper.titleJa) !== oneLine(paper.title)) lines.push(`*${escapeMarkdown(paper.titleJa)}*`, "");

  const links: string[] = [];
  if (paper.arxivId) links.push(link(`arXiv:${paper.arxivId}`, arxivAbsUrl(paper.arxivId)));
  if (!paper.arxivId || safeHttpUrl(paper.url) !== safeHttpUrl(arxivAbsUrl(paper.arxivId))) links.push(link("Web", paper.url));
  const pdf = pdfUrlFor(paper);
  if (pdf) links.push(link("PDF", pdf));

  lines.push(`- **${bilingualLabel("paper.authors")}:** ${escapeMarkdown(paper.authors.join(", "))}`);
  if (paper.organisation) lines.push(`- **${bilingualLabel("paper.organisation")}:** ${escapeMarkdown(paper.organisation)}`);
  lines.push(`- **${bilingualLabel("paper.year")}:** ${paper.year}${paper.venue ? ` · ${escapeMarkdown(paper.venue)}` : ""}`);
  lines.push(`- **${bilingualLabel("paper.topics")}:** ${paper.topics.map((topic) => escapeMarkdown(topicLabel("en", topic))).join(", ")}`);
  lines.push(`- **${bilingualLabel("paper.links")}:** ${links.join(" · ")}`, "");

  for (const locale of LOCALES) {
    const colon = locale === "ja" ? "：" : ":";
    const summary = bundleSummary(paper, locale);
    const notes = summary.notes.map((note) => `*${escapeMarkdown(note)}* `).join("");
    lines.push(`**${escapeMarkdown(t(locale, "paper.summary"))}${colon}** ${notes}${escapeMarkdown(summary.text)}`, "");
  }
  for (const locale of LOCALES) {
    const results = keyResultsFor(paper, locale);
    if (results.length === 0) continue;
    lines.push(`**${escapeMarkdown(t(locale, "paper.keyResults"))}${locale === "ja" ? "：" : ":"}**`, "");
    for (const result of results) lines.push(`- ${escapeMarkdown(result)}`);
    lines.push("");
  }
  return lines;
}

export function renderReadme(ordered: readonly Paper[], generatedAt: Date): string {
  const groups = groupByTopic(ordered);
  const orphans = untopicedPapers(ordered);
  const withoutPdf = ordered.filter((paper) => !pdfUrlFor(paper));
  const lines: string[] = [];

  lines.push("# LLM reading list · LLM 論文リーディングリスト", "");
  lines.push(`${t("en", "count.papers", { count: ordered.length })} · generated ${isoDate(generatedAt)} by paperbot.`, "");
  lines.push(`全 ${t("ja", "count.papers", { count: ordered.length })} · paperbot により ${isoDate(generatedAt)} に生成。`, "");

  lines.push("## What is in this bundle / 同梱ファイル", "");
  lines.push("| File | Contents |", "| --- | --- |");
  lines.push("| `README.md` | This reading list, grouped by topic (English and Japanese summaries). |");
  lines.push("| `index.html` | The same list as a single offline web page. |");
  lines.push("| `papers.bib` | BibTeX, one entry per paper. |");
  lines.push("| `papers.csv` | Spreadsheet-friendly table (UTF-8 with BOM, opens in Excel). |");
  lines.push(
    "| `papers.json` | All paper data as JSON (`summarySource` marks a summary that is the authors' abstract, `summaryLanguage` the language each summary is in, `titleJaLanguage` a `titleJa` that repeats the English title). |",
  );
  lines.push("| `fetch-pdfs.sh` | Downloads the PDFs to `./pdfs/` on your own machine. |", "");

  lines.push("## About the PDFs / PDF について", "");
  lines.push(
    "The PDFs are **not** included: most arXiv licences do not allow redistribution. " +
      "Run `sh fetch-pdfs.sh` to download them yourself from arXiv (and, for papers not on arXiv, from the publisher's own URL). " +
      "The script waits 3 seconds between requests, as arXiv asks, and skips files you already have.",
    "",
  );
  lines.push(
    "PDF は同梱していません（arXiv の多くのライセンスでは再配布が認められていないため）。" +
      "`sh fetch-pdfs.sh` を実行すると、arXiv（arXiv にない論文は公開元の URL）から各自の環境にダウンロードできます。" +
      "arXiv の利用ルールに従いリクエスト間に 3 秒待機し、取得済みのファイルはスキップします。",
    "",
  );
  if (withoutPdf.length > 0) {
    lines.push(`Papers without a PDF link (see their web page): ${withoutPdf.map((paper) => escapeMarkdown(paper.title)).join("; ")}.`, "");
  }

  lines.push("## Topics / トピック", "");
  lines.push("A paper is listed under each of its topics here; its full entry is under its first topic below.", "");
  for (const group of groups) {
    const name = `${escapeMarkdown(topicLabel("en", group.topic))} · ${escapeMarkdown(topicLabel("ja", group.topic))}`;
    const heading = group.primary.length > 0 ? `[${name}](#${topicAnchor(group.topic)})` : name;
    lines.push(`- **${heading}** (${group.tagged.length})`);
    for (const paper of group.tagged) lines.push(`  - [${escapeMarkdown(paper.title)}](#${paperAnchor(paper)}) (${paper.year})`);
  }
  if (orphans.length > 0) {
    lines.push(`- **[${bilingualLabel("bundle.noTopic", " · ")}](#topic-other)** (${orphans.length})`);
    for (const paper of orphans) lines.push(`  - [${escapeMarkdown(paper.title)}](#${paperAnchor(paper)}) (${paper.year})`);
  }
  lines.push("");

  for (const group of groups) {
    if (group.primary.length === 0) continue;
    lines.push(`<a id="${topicAnchor(group.topic)}"></a>`, "");
    lines.push(`## ${escapeMarkdown(topicLabel("en", group.topic))} · ${escapeMarkdown(topicLabel("ja", group.topic))}`, "");
    for (const paper of group.primary) lines.push(...paperEntry(paper));
  }
  if (orphans.length > 0) {
    lines.push(`<a id="topic-other"></a>`, "", `## ${bilingualLabel("bundle.noTopic", " · ")}`, "");
    for (const paper of orphans) lines.push(...paperEntry(paper));
  }
  return (
    lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}
