import type { Catalog } from "../catalog/catalog.js";
import { validateQuery } from "../catalog/query.js";
import { tiedResults } from "../catalog/resolve.js";
import type { Paper } from "../catalog/types.js";
import { renderMessage, t, type Locale } from "../i18n/index.js";
import { html, joinHtml, type SafeHtml } from "../shared/html.js";
import { paperListItem } from "./home.js";
import { searchForm, sitePage, type SiteUrls } from "./layout.js";
import type { PageResponse } from "./page-response.js";

/** Results a search page lists: the lookup's best, as /paper would rank them. */
export const SEARCH_RESULTS = 10;

function list(papers: readonly Paper[], locale: Locale): SafeHtml {
  return html`<ol>${joinHtml(
    papers.map((paper) => paperListItem(paper, locale, { topics: true })),
    "\n",
  )}</ol>`;
}

/** What a search finds, as the lookup behind /paper finds it: the answer, a tie to choose from, or "did you mean". */
function results(catalog: Catalog, query: string, locale: Locale): SafeHtml {
  const checked = validateQuery(query);
  if (!checked.ok) return html`<p role="status">${renderMessage(locale, checked)}</p>`;
  const resolution = catalog.resolve(checked.value, locale, { limit: SEARCH_RESULTS });
  const shown = checked.value;
  if (resolution.ambiguous) {
    const tied = tiedResults(resolution).map((match) => match.paper);
    return html`<p role="status">${t(locale, "web.searchTie", { query: shown })}</p>\n${list(tied, locale)}`;
  }
  if (resolution.results.length > 0) {
    const papers = resolution.results.map((match) => match.paper);
    return html`<p role="status">${t(locale, "web.searchResults", { count: papers.length, query: shown })}</p>\n${list(papers, locale)}`;
  }
  const none = html`<p role="status">${t(locale, "web.searchNone", { query: shown })}</p>`;
  if (resolution.unlistedArxivId)
    return html`<p role="status">${t(locale, "web.searchUnlisted", { arxivId: resolution.unlistedArxivId })}</p>`;
  if (resolution.suggestions.length === 0) return none;
  return html`${none}\n<p>${t(locale, "web.searchDidYouMean")}</p>\n${list(resolution.suggestions.slice(0, SEARCH_RESULTS), locale)}`;
}

/** `/search?q=` (and `/ja/search?q=`): the results rendered on the server, so the box works without scripts. */
export function searchPage(urls: SiteUrls, catalog: Catalog, rawQuery: string | null, locale: Locale): PageResponse {
  const query = rawQuery ?? "";
  const asked = query.trim() !== "";
  const title = asked ? t(locale, "web.searchTitle", { query: query.trim().slice(0, 80) }) : t(locale, "web.searchLabel");
  return sitePage(urls, {
    status: 200,
    locale,
    title,
    description: t(locale, "web.searchDescription"),
    url: urls.search(locale, asked ? query : undefined),
    alternates: { en: urls.search("en", asked ? query : undefined), ja: urls.search("ja", asked ? query : undefined) },
    noindex: asked,
    headers: { "Cache-Control": "public, max-age=60" },
    body: html`<h1>${asked ? title : t(locale, "web.navSearch")}</h1>
${searchForm(urls, locale, query)}
${asked ? results(catalog, query, locale) : ""}
<p><a href="${urls.home(locale)}#list">${t(locale, "web.searchBrowse")}</a></p>`,
  });
}
