import { safeHttpUrl } from "../bundle/common.js";
import type { DigestStore } from "../db/digest.js";
import { t, type Locale } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { html, joinHtml, joinXml, raw, rawXml, xml, type SafeHtml } from "../shared/html.js";
import { oneLineSummary, type Edition, type EditionPaper } from "./content.js";
import { WEEK_LABEL_PATTERN } from "./week.js";

/** A response the HTTP server sends as is. The same object is returned while its content has not changed. */
export interface Page {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

/** Plain pages: no scripts at all; inline style only. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const ARCHIVE_LIMIT = 200;
const FEED_ENTRIES = 20;
/** Edition pages kept rendered (each week in two languages); older ones are rendered again when asked for. */
const EDITION_PAGES_CACHED = 64;

const STYLE = raw(
  "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}" +
    "h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}li{margin:.6rem 0}.note{color:#5f6368}.ja{color:#5f6368;font-size:.9em}",
);

function pageHeaders(): Record<string, string> {
  return { "Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300" };
}

function htmlPage(status: number, title: string, body: SafeHtml, lang: Locale = "en"): Page {
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

function paperItem(paper: EditionPaper, locale: Locale): SafeHtml {
  const notes = (paper.notes?.[locale] ?? []).map((key) => html` <em class="note">${t(locale, key)}</em>`);
  const heading =
    locale === "ja" && paper.titleJa
      ? html`${link(paper.titleJa, paper.url)} <span class="ja" lang="en">${paper.title}</span>`
      : html`${link(paper.title, paper.url)} <span class="ja" lang="ja">${paper.titleJa}</span>`;
  return html`<li>${heading}<br>${oneLineSummary(paper.summary[locale], 400)}${notes}${topicsLine(locale, paper.topics)}</li>`;
}

/** The edition as an HTML fragment (the page's body and the Atom entry's content), in English or Japanese. */
export function editionHtml(edition: Edition, locale: Locale = "en"): SafeHtml {
  const item = (paper: EditionPaper) => paperItem(paper, locale);
  const range = t(locale, "digest.range", { start: edition.start.slice(0, 10), end: new Date(Date.parse(edition.end) - 1).toISOString().slice(0, 10) });
  const parts: SafeHtml[] = [html`<p class="note">${range}</p>`];
  if (edition.papers.length === 0) parts.push(html`<p>${t(locale, "digest.quiet")}</p>`);
  else parts.push(html`<h2>${t(locale, "digest.added")}</h2>`, html`<ol>${joinHtml(edition.papers.map(item), "\n")}</ol>`);
  parts.push(html`<h2>${t(locale, "digest.candidates")}</h2>`);
  if (edition.candidates.length === 0) parts.push(html`<p>${t(locale, "digest.noCandidates")}</p>`);
  else {
    const items = edition.candidates.map(
      (candidate) =>
        html`<li>${link(candidate.title, candidate.url)} (arXiv ${candidate.arxivId}) <em>${t(locale, "digest.candidateNote", { score: candidate.score.toFixed(2) })}</em><br>${oneLineSummary(candidate.excerpt, 400)}${topicsLine(locale, candidate.topics)}</li>`,
    );
    parts.push(html`<ol>${joinHtml(items, "\n")}</ol>`);
  }
  if (edition.picks.length > 0) parts.push(html`<h2>${t(locale, "digest.pick")}</h2>`, html`<ul>${joinHtml(edition.picks.map(item), "\n")}</ul>`);
  return joinHtml(parts, "\n");
}

function otherLanguageLink(base: string, locale: Locale): SafeHtml {
  return locale === "ja" ? html`<a href="${base}" hreflang="en" lang="en">English</a>` : html`<a href="${base}/ja" hreflang="ja" lang="ja">日本語</a>`;
}

/** `PUBLIC_URL/digest/<week>` (English) and `…/<week>/ja` (Japanese, where ja DMs link), each linking the other. */
export function renderEditionPage(edition: Edition, publicUrl: string, locale: Locale = "en"): Page {
  const title = t(locale, "digest.title", { week: edition.week });
  const other = otherLanguageLink(`${publicUrl}/digest/${edition.week}`, locale);
  const back = `${publicUrl}/digest${locale === "ja" ? "/ja" : ""}`;
  return htmlPage(200, title, html`<p><a href="${back}">← ${t(locale, "digest.webAll")}</a> · ${other}</p>\n<h1>${title}</h1>\n${editionHtml(edition, locale)}`, locale);
}

/** The list of sent digests at /digest, or in Japanese at /digest/ja (linking the Japanese pages). */
export function renderArchivePage(editions: readonly { week: string; publishedAt: string }[], publicUrl: string, locale: Locale = "en"): Page {
  const base = `${publicUrl}/digest`;
  const suffix = locale === "ja" ? "/ja" : "";
  const items = editions.map((edition) => html`<li><a href="${`${base}/${edition.week}${suffix}`}">${edition.week}</a> <span class="note">${edition.publishedAt.slice(0, 10)}</span></li>`);
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

/** One rendered page per key: rendered again only when the key changes. */
function memo<K>(render: (key: K) => Page): (key: K) => Page {
  let cached: { key: K; page: Page } | undefined;
  return (key) => {
    if (!cached || cached.key !== key) cached = { key, page: render(key) };
    return cached.page;
  };
}

/**
 * The pages the bot's HTTP server publishes: the digest archive, its feed and the reading list at `/`. Each page is
 * rendered once per change of what it shows and the same Page object returned until then (the server keys its
 * encoded body and ETag on it).
 */
export function digestPages(options: { store: DigestStore; publicUrl: string; readingListHtml: () => string }) {
  const { store, publicUrl } = options;
  const readingList = memo((body: string): Page => ({ status: 200, contentType: "text/html; charset=utf-8", body, headers: pageHeaders() }));
  const archive = { en: memo((_version: string) => renderArchivePage(store.publishedWeeks(ARCHIVE_LIMIT), publicUrl)), ja: memo((_version: string) => renderArchivePage(store.publishedWeeks(ARCHIVE_LIMIT), publicUrl, "ja")) };
  const feed = memo((_version: string) =>
    renderAtomFeed(
      store.publishedEditions(FEED_ENTRIES).map((row) => ({ edition: JSON.parse(row.contentJson) as Edition, publishedAt: row.publishedAt })),
      publicUrl,
    ),
  );
  const notFound = htmlPage(404, "Not found", raw("<h1>No digest for that week</h1>"));
  // A published edition never changes, so its pages stay valid; the map is bounded, oldest use first out.
  const editionPages = new Map<string, Page>();
  const editionPage = (week: string, locale: Locale): Page => {
    const key = `${week}/${locale}`;
    const hit = editionPages.get(key);
    if (hit) {
      editionPages.delete(key);
      editionPages.set(key, hit);
      return hit;
    }
    const row = WEEK_LABEL_PATTERN.test(week) ? store.edition(week) : undefined;
    if (!row?.published_at) return notFound;
    const page = renderEditionPage(JSON.parse(row.content_json) as Edition, publicUrl, locale);
    editionPages.set(key, page);
    if (editionPages.size > EDITION_PAGES_CACHED) editionPages.delete(editionPages.keys().next().value ?? key);
    return page;
  };
  return (path: string): Page | null => {
    if (path === "/" || path === "/index.html") return readingList(options.readingListHtml());
    if (path === "/digest" || path === "/digest/") return archive.en(store.publishedVersion());
    if (path === "/digest/ja" || path === "/digest/ja/") return archive.ja(store.publishedVersion());
    if (path === "/digest.atom") return feed(store.publishedVersion());
    const match = /^\/digest\/([^/]+?)(\/ja)?$/.exec(path);
    const week = match?.[1];
    if (week === undefined) return null;
    return editionPage(week, match?.[2] ? "ja" : "en");
  };
}
