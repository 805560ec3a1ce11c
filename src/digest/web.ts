import { safeHttpUrl } from "../bundle/common.js";
import { shownNotes } from "../catalog/format.js";
import { t, type Locale } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { html, joinHtml, joinXml, raw, rawXml, xml, type SafeHtml } from "../shared/html.js";
import { candidateNote, oneLineSummary, type Edition, type EditionPaper } from "./content.js";
import { votableEditionPaper, type VoteCounts } from "../community/digest-top.js";

/** A response the HTTP server sends as is. The same object is returned while its content has not changed. */
export interface Page {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

/** Plain pages: no scripts at all; inline style only. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Editions the archive lists and the feed carries. */
export const ARCHIVE_LIMIT = 200;
export const FEED_ENTRIES = 20;

const STYLE = raw(
  "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}" +
    "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}li{margin:.6rem 0}.note{color:#5f6368}.ja{color:#5f6368;font-size:.9em}",
);

export function pageHeaders(): Record<string, string> {
  return { "Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300" };
}

export function htmlPage(status: number, title: string, body: SafeHtml, lang: Locale = "en"): Page {
  const document = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
  return { status, contentType: "text/html; charset=utf-8", body: document.toString(), headers: pageHeaders() };
}

function link(text: string, url: string): SafeHtml {
  const safe = safeHttpUrl(url);
  return safe ? html`<a href="${safe}" rel="noopener noreferrer">${text}</a>` : html`${text}`;
}

/** The topics a paper or candidate matched, labelled in the page's language, so readers find theirs. */
function topicsLine(locale: Locale, topics: readonly string[]): SafeHtml {
  if (topics.length === 0) return html``;
  return html`<br><span class="note">${t(locale, "digest.webTopics", { topics: topics.map((topic) => topicLabel(locale, topic)).join(", ") })}</span>`;
}

/** votes (issue 18): " · 👍 12" after a paper with votes, when the page shows counts. */
function votesOf(counts: VoteCounts | undefined, paperKey: string): SafeHtml {
  const count = counts?.get(paperKey) ?? 0;
  return count > 0 ? html` <span class="votes">· 👍 ${t("en", "votes.button", { count }).replace("👍 ", "")}</span>` : html``;
}

function paperItem(paper: EditionPaper, locale: Locale, counts?: VoteCounts): SafeHtml {
  const notes = shownNotes(paper.notes?.[locale] ?? []).map((key) => html` <em class="note">${t(locale, key)}</em>`);
  // Papers added from arXiv carry the English title as their Japanese one: shown once, not as its own translation.
  const translated = paper.titleJa.trim() !== "" && paper.titleJa.trim() !== paper.title.trim();
  const heading = !translated
    ? html`${link(paper.title, paper.url)}`
    : locale === "ja"
      ? html`${link(paper.titleJa, paper.url)} <span class="ja" lang="en">${paper.title}</span>`
      : html`${link(paper.title, paper.url)} <span class="ja" lang="ja">${paper.titleJa}</span>`;
  return html`<li>${heading}${votesOf(counts, votableEditionPaper(paper).paperKey)}<br>${oneLineSummary(paper.summary[locale], 400)}${notes}${topicsLine(locale, paper.topics)}</li>`;
}

/** The edition as an HTML fragment (the page's body and the Atom entry's content), in English or Japanese. */
export function editionHtml(edition: Edition, locale: Locale = "en", counts?: VoteCounts): SafeHtml {
  const item = (paper: EditionPaper) => paperItem(paper, locale, counts);
  const range = t(locale, "digest.range", {
    start: edition.start.slice(0, 10),
    end: new Date(Date.parse(edition.end) - 1).toISOString().slice(0, 10),
  });
  const parts: SafeHtml[] = [html`<p class="note">${range}</p>`];
  if (edition.papers.length === 0) parts.push(html`<p>${t(locale, "digest.quiet")}</p>`);
  else parts.push(html`<h2>${t(locale, "digest.added")}</h2>`, html`<ol>${joinHtml(edition.papers.map(item), "\n")}</ol>`);
  parts.push(html`<h2>${t(locale, "digest.candidates")}</h2>`);
  if (edition.candidates.length === 0) parts.push(html`<p>${t(locale, "digest.noCandidates")}</p>`);
  else {
    const items = edition.candidates.map(
      (candidate) =>
        html`<li>${link(candidate.title, candidate.url)} (arXiv ${candidate.arxivId})${votesOf(counts, candidate.arxivId)} <em>${candidateNote(locale, candidate)}</em><br>${oneLineSummary(candidate.excerpt, 400)}${topicsLine(locale, candidate.topics)}</li>`,
    );
    parts.push(html`<ol>${joinHtml(items, "\n")}</ol>`);
  }
  if (edition.picks.length > 0)
    parts.push(html`<h2>${t(locale, "digest.pick")}</h2>`, html`<ul>${joinHtml(edition.picks.map(item), "\n")}</ul>`);
  // votes (issue 18): the week's most voted papers, with their counts when the edition was sent.
  if (edition.community && edition.community.length > 0) {
    const top = edition.community.map(
      (pick) =>
        html`<li>${link(locale === "ja" ? pick.titleJa : pick.title, pick.url)} · 👍 ${t(locale, "top.votes", { count: pick.votes })}</li>`,
    );
    parts.push(html`<h2>${t(locale, "digest.topCommunity")}</h2>`, html`<ol>${joinHtml(top, "\n")}</ol>`);
  }
  return joinHtml(parts, "\n");
}

function otherLanguageLink(base: string, locale: Locale): SafeHtml {
  return locale === "ja"
    ? html`<a href="${base}" hreflang="en" lang="en">English</a>`
    : html`<a href="${base}/ja" hreflang="ja" lang="ja">日本語</a>`;
}

/** `PUBLIC_URL/digest/<week>` (English) and `…/<week>/ja` (Japanese, where ja DMs link), each linking the other. */
export function renderEditionPage(edition: Edition, publicUrl: string, locale: Locale = "en", counts?: VoteCounts): Page {
  const title = t(locale, "digest.title", { week: edition.week });
  const other = otherLanguageLink(`${publicUrl}/digest/${edition.week}`, locale);
  const back = `${publicUrl}/digest${locale === "ja" ? "/ja" : ""}`;
  return htmlPage(
    200,
    title,
    html`<p><a href="${back}">← ${t(locale, "digest.webAll")}</a> · ${other}</p>\n<h1>${title}</h1>\n${editionHtml(edition, locale, counts)}`,
    locale,
  );
}

/** The list of sent digests at /digest, or in Japanese at /digest/ja (linking the Japanese pages). */
export function renderArchivePage(
  editions: readonly { week: string; publishedAt: string }[],
  publicUrl: string,
  locale: Locale = "en",
): Page {
  const base = `${publicUrl}/digest`;
  const suffix = locale === "ja" ? "/ja" : "";
  const items = editions.map(
    (edition) =>
      html`<li><a href="${`${base}/${edition.week}${suffix}`}">${edition.week}</a> <span class="note">${edition.publishedAt.slice(0, 10)}</span></li>`,
  );
  const body = [
    html`<h1>${t(locale, "digest.webArchiveHeading")}</h1>`,
    html`<p><a href="${`${publicUrl}/digest.atom`}">${t(locale, "digest.webFeed")}</a> · <a href="${`${publicUrl}/`}">${t(locale, "digest.webReadingList")}</a> · ${otherLanguageLink(base, locale)}</p>`,
    items.length > 0 ? html`<ul>${joinHtml(items, "\n")}</ul>` : html`<p>${t(locale, "digest.webArchiveEmpty")}</p>`,
  ];
  return htmlPage(200, t(locale, "digest.webArchiveTitle"), joinHtml(body, "\n"), locale);
}

/** RFC 4287: feed and entries with id, title, updated, links; the HTML content escaped as text. */
export function renderAtomFeed(editions: readonly { edition: Edition; publishedAt: string }[], publicUrl: string): Page {
  const updated = editions.reduce((latest, entry) => (entry.publishedAt > latest ? entry.publishedAt : latest), new Date(0).toISOString());
  const entries = editions.map(({ edition, publishedAt }) => {
    const url = `${publicUrl}/digest/${edition.week}`;
    const summary = t("en", "digest.counts", { papers: edition.papers.length, candidates: edition.candidates.length });
    return xml`  <entry>
    <id>${url}</id>
    <title type="text">${t("en", "digest.title", { week: edition.week })}</title>
    <updated>${publishedAt}</updated>
    <published>${publishedAt}</published>
    <link rel="alternate" type="text/html" href="${url}"/>
    <summary type="text">${summary}</summary>
    <content type="html">${editionHtml(edition)}</content>
  </entry>`;
  });
  const body = xml`${rawXml('<?xml version="1.0" encoding="utf-8"?>')}
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>${publicUrl}/digest</id>
  <title type="text">paperbot: weekly LLM papers digest</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${publicUrl}/digest.atom"/>
  <link rel="alternate" type="text/html" href="${publicUrl}/digest"/>
  <author><name>paperbot</name></author>
  <generator>paperbot</generator>
${joinXml([...entries, rawXml("</feed>"), ""], "\n")}`;
  return { status: 200, contentType: "application/atom+xml; charset=utf-8", body: body.toString(), headers: pageHeaders() };
}
