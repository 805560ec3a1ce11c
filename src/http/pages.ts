import type { AppContext } from "../app.js";
import { orderPapers } from "../bundle/common.js";
import { renderHtml } from "../bundle/html.js";
import { bundleTimestamp } from "../bundle/service.js";
import type { Catalog } from "../catalog/catalog.js";
import type { DigestStore } from "../db/digest.js";
import type { Edition } from "../digest/content.js";
import { ARCHIVE_LIMIT, FEED_ENTRIES, html, pageHeaders, renderArchivePage, renderAtomFeed, renderEditionPage, type Page } from "../digest/web.js";
import { WEEK_LABEL_PATTERN } from "../digest/week.js";

/** The public pages the HTTP server serves besides the bundle: the reading list at `/`, the digest archive and its feed. */

/** The bundle's index.html for `/`, rendered once per catalog version. */
export function readingListPage(app: Pick<AppContext, "catalog" | "catalogUpdated">): () => string {
  let cached: { catalog: Catalog; html: string } | undefined;
  return () => {
    if (cached?.catalog !== app.catalog) {
      const papers = app.catalog.papers;
      cached = { catalog: app.catalog, html: renderHtml(orderPapers(papers), bundleTimestamp(papers, app.catalogUpdated)) };
    }
    return cached.html;
  };
}

/** The pages the bot's HTTP server publishes: the digest archive, its feed and the reading list at `/`. */
export function digestPages(options: { store: DigestStore; publicUrl: string; readingListHtml: () => string }) {
  const { store, publicUrl } = options;
  const published = (limit: number) =>
    store.publishedEditions(limit).map((row) => ({ edition: JSON.parse(row.contentJson) as Edition, week: row.week, publishedAt: row.publishedAt }));
  return (path: string): Page | null => {
    if (path === "/" || path === "/index.html") return { status: 200, contentType: "text/html; charset=utf-8", body: options.readingListHtml(), headers: pageHeaders() };
    if (path === "/digest" || path === "/digest/") return renderArchivePage(published(ARCHIVE_LIMIT), publicUrl);
    if (path === "/digest/ja" || path === "/digest/ja/") return renderArchivePage(published(ARCHIVE_LIMIT), publicUrl, "ja");
    if (path === "/digest.atom") return renderAtomFeed(published(FEED_ENTRIES), publicUrl);
    const match = /^\/digest\/([^/]+?)(\/ja)?$/.exec(path);
    const week = match?.[1];
    if (week === undefined) return null;
    const row = WEEK_LABEL_PATTERN.test(week) ? store.edition(week) : undefined;
    if (!row?.published_at) return html(404, "Not found", "<h1>No digest for that week</h1>");
    return renderEditionPage(JSON.parse(row.content_json) as Edition, publicUrl, match?.[2] ? "ja" : "en");
  };
}
