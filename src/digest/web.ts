import { escapeHtml } from "../bundle/html.js";
import { safeHttpUrl } from "../bundle/common.js";
import { t, type Locale } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { oneLineSummary, type Edition, type EditionPaper } from "./content.js";

/** A response the HTTP server sends as is. */
export interface Page {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

/** Plain pages: no scripts at all; inline style only. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Editions the archive lists and the feed carries. */
export const ARCHIVE_LIMIT = 200;
export const FEED_ENTRIES = 20;

const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}" +
  "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}li{margin:.6rem 0}.note{color:#5f6368}.ja{color:#5f6368;font-size:.9em}";

export function pageHeaders(): Record<string, string> {
  return { "Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300" };
}

export function html(status: number, title: string, body: string, lang: Locale = "en"): Page {
  const document = `<!doctype html>\n<html lang="${lang}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
  return { status, contentType: "text/html; charset=utf-8", body: document, headers: pageHeaders() };
}

function link(text: string, url: string): string {
  const safe = safeHttpUrl(url);
  return safe ? `<a href="${escapeHtml(safe)}" rel="noopener noreferrer">${escapeHtml(text)}</a>` : escapeHtml(text);
}

/** The topics a paper or candidate matched, labelled in the page's language, so readers find theirs. */
function topicsLine(locale: Locale, topics: readonly string[]): string {
  if (topics.length === 0) return "";
  return `<br><span class="note">${escapeHtml(t(locale, "digest.webTopics", { topics: topics.map((topic) => topicLabel(locale, topic)).join(", ") }))}</span>`;
}

function paperItem(paper: EditionPaper, locale: Locale): string {
  const notes = (paper.notes?.[locale] ?? []).map((key) => ` <em class="note">${escapeHtml(t(locale, key))}</em>`).join("");
  const heading =
    locale === "ja" && paper.titleJa
      ? `${link(paper.titleJa, paper.url)} <span class="ja" lang="en">${escapeHtml(paper.title)}</span>`
      : `${link(paper.title, paper.url)} <span class="ja" lang="ja">${escapeHtml(paper.titleJa)}</span>`;
  return `<li>${heading}<br>${escapeHtml(oneLineSummary(paper.summary[locale], 400))}${notes}${topicsLine(locale, paper.topics)}</li>`;
}

/** The edition as an HTML fragment (the page's body and the Atom entry's content), in English or Japanese. */
export function editionHtml(edition: Edition, locale: Locale = "en"): string {
  const item = (paper: EditionPaper) => paperItem(paper, locale);
  const parts = [`<p class="note">${escapeHtml(t(locale, "digest.range", { start: edition.start.slice(0, 10), end: new Date(Date.parse(edition.end) - 1).toISOString().slice(0, 10) }))}</p>`];
  if (edition.papers.length === 0) parts.push(`<p>${escapeHtml(t(locale, "digest.quiet"))}</p>`);
  else parts.push(`<h2>${escapeHtml(t(locale, "digest.added"))}</h2>`, `<ol>${edition.papers.map(item).join("\n")}</ol>`);
  parts.push(`<h2>${escapeHtml(t(locale, "digest.candidates"))}</h2>`);
  if (edition.candidates.length === 0) parts.push(`<p>${escapeHtml(t(locale, "digest.noCandidates"))}</p>`);
  else {
    const items = edition.candidates.map(
      (candidate) =>
        `<li>${link(candidate.title, candidate.url)} (arXiv ${escapeHtml(candidate.arxivId)}) <em>${escapeHtml(t(locale, "digest.candidateNote", { score: candidate.score.toFixed(2) }))}</em><br>${escapeHtml(oneLineSummary(candidate.excerpt, 400))}${topicsLine(locale, candidate.topics)}</li>`,
    );
    parts.push(`<ol>${items.join("\n")}</ol>`);
  }
  if (edition.picks.length > 0) parts.push(`<h2>${escapeHtml(t(locale, "digest.pick"))}</h2>`, `<ul>${edition.picks.map(item).join("\n")}</ul>`);
  return parts.join("\n");
}

/** `PUBLIC_URL/digest/<week>` (English) and `…/<week>/ja` (Japanese, where ja DMs link), each linking the other. */
export function renderEditionPage(edition: Edition, publicUrl: string, locale: Locale = "en"): Page {
  const title = t(locale, "digest.title", { week: edition.week });
  const base = `${escapeHtml(publicUrl)}/digest/${escapeHtml(edition.week)}`;
  const other = locale === "ja" ? `<a href="${base}" hreflang="en" lang="en">English</a>` : `<a href="${base}/ja" hreflang="ja" lang="ja">日本語</a>`;
  return html(200, title, `<p><a href="${escapeHtml(publicUrl)}/digest${locale === "ja" ? "/ja" : ""}">← ${escapeHtml(t(locale, "digest.webAll"))}</a> · ${other}</p>\n<h1>${escapeHtml(title)}</h1>\n${editionHtml(edition, locale)}`, locale);
}

/** The list of sent digests at /digest, or in Japanese at /digest/ja (linking the Japanese pages). */
export function renderArchivePage(editions: readonly { week: string; publishedAt: string }[], publicUrl: string, locale: Locale = "en"): Page {
  const base = `${escapeHtml(publicUrl)}/digest`;
  const suffix = locale === "ja" ? "/ja" : "";
  const items = editions.map((edition) => `<li><a href="${base}/${escapeHtml(edition.week)}${suffix}">${escapeHtml(edition.week)}</a> <span class="note">${escapeHtml(edition.publishedAt.slice(0, 10))}</span></li>`);
  const other = locale === "ja" ? `<a href="${base}" hreflang="en" lang="en">English</a>` : `<a href="${base}/ja" hreflang="ja" lang="ja">日本語</a>`;
  const body = [
    `<h1>${escapeHtml(t(locale, "digest.webArchiveHeading"))}</h1>`,
    `<p><a href="${escapeHtml(publicUrl)}/digest.atom">${escapeHtml(t(locale, "digest.webFeed"))}</a> · <a href="${escapeHtml(publicUrl)}/">${escapeHtml(t(locale, "digest.webReadingList"))}</a> · ${other}</p>`,
    items.length > 0 ? `<ul>${items.join("\n")}</ul>` : `<p>${escapeHtml(t(locale, "digest.webArchiveEmpty"))}</p>`,
  ];
  return html(200, t(locale, "digest.webArchiveTitle"), body.join("\n"), locale);
}

/** RFC 4287: feed and entries with id, title, updated, links; the HTML content escaped as text. */
export function renderAtomFeed(editions: readonly { edition: Edition; publishedAt: string }[], publicUrl: string): Page {
  const updated = editions.reduce((latest, entry) => (entry.publishedAt > latest ? entry.publishedAt : latest), new Date(0).toISOString());
  const entries = editions.map(({ edition, publishedAt }) => {
    const url = `${publicUrl}/digest/${edition.week}`;
    const summary = t("en", "digest.counts", { papers: edition.papers.length, candidates: edition.candidates.length });
    return [
      "  <entry>",
      `    <id>${escapeHtml(url)}</id>`,
      `    <title type="text">${escapeHtml(t("en", "digest.title", { week: edition.week }))}</title>`,
      `    <updated>${escapeHtml(publishedAt)}</updated>`,
      `    <published>${escapeHtml(publishedAt)}</published>`,
      `    <link rel="alternate" type="text/html" href="${escapeHtml(url)}"/>`,
      `    <summary type="text">${escapeHtml(summary)}</summary>`,
      `    <content type="html">${escapeHtml(editionHtml(edition))}</content>`,
      "  </entry>",
    ].join("\n");
  });
  const body = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
    `  <id>${escapeHtml(publicUrl)}/digest</id>`,
    '  <title type="text">paperbot: weekly LLM papers digest</title>',
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeHtml(publicUrl)}/digest.atom"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeHtml(publicUrl)}/digest"/>`,
    "  <author><name>paperbot</name></author>",
    "  <generator>paperbot</generator>",
    ...entries,
    "</feed>",
    "",
  ].join("\n");
  return { status: 200, contentType: "application/atom+xml; charset=utf-8", body, headers: pageHeaders() };
}
