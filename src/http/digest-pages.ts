import { safeHttpUrl } from "../bundle/common.js";
import { editionHtml } from "../digest/web.js";
import type { VoteCounts } from "../community/digest-top.js";
import { t, type Locale } from "../i18n/index.js";
import { html, joinHtml, joinXml, rawXml, xml } from "../shared/html.js";
import { headlineLine, HEADLINES_SHOWN, type EditionSummary } from "./editions.js";
import { errorPage, siteHeaders, sitePage, type SiteUrls } from "./layout.js";
import type { PageResponse } from "./page-response.js";

/** The digest's web pages: the archive (/digest, /digest/ja), one edition, and the Atom feeds in each language. */

function alternatesOf(make: (locale: Locale) => string): Record<Locale, string> {
  return { en: make("en"), ja: make("ja") };
}

/** `PUBLIC_URL/digest/<week>` (English) and `…/<week>/ja`: the digest's own rendering of the entries, in the site's frame. */
export function editionPage(urls: SiteUrls, summary: EditionSummary, locale: Locale, counts?: VoteCounts): PageResponse {
  const title = t(locale, "digest.title", { week: summary.week });
  return sitePage(urls, {
    status: 200,
    locale,
    title,
    description: t(locale, "web.editionDescription", { week: summary.week, titles: headlineLine(summary, locale) }),
    url: urls.edition(summary.week, locale),
    alternates: alternatesOf((other) => urls.edition(summary.week, other)),
    ogType: "article",
    body: html`<p><a href="${urls.archive(locale)}">← ${t(locale, "digest.webAll")}</a></p>
<h1>${title}</h1>
${editionHtml(summary.edition, locale, counts)}`,
  });
}

export function editionNotFound(urls: SiteUrls, locale: Locale): PageResponse {
  return errorPage(urls, 404, locale, t(locale, "web.notFoundDigest"));
}

/** The headline papers of an edition: the week's additions, or in a quiet week the reading-list pick, labelled. */
export function editionHeadlines(summary: EditionSummary, locale: Locale, shown: number, link: boolean) {
  const titles = summary.headlines.slice(0, shown);
  const more = summary.headlines.length - titles.length;
  const item = (headline: { title: string; url: string }) => {
    const href = link ? safeHttpUrl(headline.url) : null;
    return html`<li>${href ? html`<a href="${href}">${headline.title}</a>` : headline.title}</li>`;
  };
  const quiet = summary.lead === "pick" ? html`<p class="note">${t(locale, "web.latestQuiet")} ${t(locale, "digest.pick")}:</p>` : "";
  if (titles.length === 0) return html`<p class="note">${t(locale, "web.archiveNoHeadline")}</p>`;
  return html`${quiet}<ul>${joinHtml(titles.map(item))}${more > 0 ? html`<li class="note">${t(locale, "web.andMore", { count: more })}</li>` : ""}</ul>`;
}

/** One edition in a list: its week, the days it covers, and its headline papers. */
export function editionListItem(urls: SiteUrls, summary: EditionSummary, locale: Locale) {
  const counts = t(locale, "digest.counts", { papers: summary.added, candidates: summary.candidates });
  return html`<li><h2><a href="${urls.edition(summary.week, locale)}">${t(locale, "digest.title", { week: summary.week })}</a></h2>
<p class="meta">${t(locale, "digest.range", { start: summary.start, end: summary.end })}</p>
${editionHeadlines(summary, locale, HEADLINES_SHOWN, false)}
<p class="meta">${counts}</p></li>`;
}

/** The list of sent digests, newest first, each with its headline papers. */
export function archivePage(urls: SiteUrls, summaries: readonly EditionSummary[], locale: Locale): PageResponse {
  const heading = t(locale, "digest.webArchiveHeading");
  const items = summaries.map((summary) => editionListItem(urls, summary, locale));
  return sitePage(urls, {
    status: 200,
    locale,
    title: t(locale, "digest.webArchiveTitle"),
    description: t(locale, "web.archiveDescription", { count: summaries.length }),
    url: urls.archive(locale),
    alternates: alternatesOf((other) => urls.archive(other)),
    body: html`<h1>${heading}</h1>
<p><a href="${urls.feed(locale)}">${t(locale, locale === "ja" ? "web.feedJapanese" : "web.feedEnglish")}</a> · <a href="${urls.home(locale)}">${t(locale, "digest.webReadingList")}</a></p>
${items.length > 0 ? html`<ul class="plain">${joinHtml(items, "\n")}</ul>` : html`<p>${t(locale, "digest.webArchiveEmpty")}</p>`}`,
  });
}

/** RFC 4287, one feed per language: entries link that language's pages and carry its rendering of the edition. */
export function atomFeed(urls: SiteUrls, summaries: readonly EditionSummary[], locale: Locale): PageResponse {
  const updated = summaries.reduce((latest, entry) => (entry.publishedAt > latest ? entry.publishedAt : latest), new Date(0).toISOString());
  const entries = summaries.map((summary) => {
    const url = urls.edition(summary.week, locale);
    return xml`  <entry>
    <id>${url}</id>
    <title type="text">${t(locale, "digest.title", { week: summary.week })}</title>
    <updated>${summary.publishedAt}</updated>
    <published>${summary.publishedAt}</published>
    <link rel="alternate" type="text/html" hreflang="${locale}" href="${url}"/>
    <summary type="text">${headlineLine(summary, locale)}</summary>
    <content type="html">${editionHtml(summary.edition, locale)}</content>
  </entry>`;
  });
  const other: Locale = locale === "ja" ? "en" : "ja";
  const body = xml`${rawXml('<?xml version="1.0" encoding="utf-8"?>')}
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${locale}">
  <id>${urls.archive(locale)}</id>
  <title type="text">${t(locale, "web.feedTitle")}</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${urls.feed(locale)}"/>
  <link rel="alternate" type="text/html" hreflang="${locale}" href="${urls.archive(locale)}"/>
  <link rel="alternate" type="application/atom+xml" hreflang="${other}" href="${urls.feed(other)}"/>
  <author><name>paperbot</name></author>
  <generator>paperbot</generator>
${joinXml([...entries, rawXml("</feed>"), ""], "\n")}`;
  return { status: 200, contentType: "application/atom+xml; charset=utf-8", body: body.toString(), headers: siteHeaders(urls.base) };
}
