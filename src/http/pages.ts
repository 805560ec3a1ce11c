import type { AppContext } from "../app.js";
import { orderPapers } from "../bundle/common.js";
import { renderHtml } from "../bundle/html.js";
import { bundleTimestamp } from "../bundle/service.js";
import type { Catalog } from "../catalog/catalog.js";
import type { DigestStore } from "../db/digest.js";
import type { Edition } from "../digest/content.js";
import {
  ARCHIVE_LIMIT,
  FEED_ENTRIES,
  htmlPage,
  pageHeaders,
  renderArchivePage,
  renderAtomFeed,
  renderEditionPage,
  type Page,
} from "../digest/web.js";
import type { Locale } from "../i18n/index.js";
import { raw } from "../shared/html.js";
import { WEEK_LABEL_PATTERN } from "../digest/week.js";
import { editionVoteKeys, type VoteCounts } from "../community/digest-top.js";

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

/** One rendered page per key: rendered again only when the key changes. */
function memo<K>(render: (key: K) => Page): (key: K) => Page {
  let cached: { key: K; page: Page } | undefined;
  return (key) => {
    if (!cached || cached.key !== key) cached = { key, page: render(key) };
    return cached.page;
  };
}

/** Edition pages kept rendered (each week in two languages); older ones are rendered again when asked for. */
const EDITION_PAGES_CACHED = 64;

/**
 * The pages the bot's HTTP server publishes: the digest archive, its feed and the reading list at `/`. Each page is
 * rendered once per change of what it shows and the same Page object returned until then (the server keys its
 * encoded body and ETag on it).
 */
export function digestPages(options: {
  store: DigestStore;
  publicUrl: string;
  readingListHtml: () => string;
  /** votes (issue 18): live totals by paper key, shown beside each paper of an edition page. */
  votes?: (keys: readonly string[]) => VoteCounts;
}) {
  const { store, publicUrl } = options;
  const readingList = memo((body: string): Page => ({
    status: 200,
    contentType: "text/html; charset=utf-8",
    body,
    headers: pageHeaders(),
  }));
  const archive = {
    en: memo((_version: string) => renderArchivePage(store.publishedWeeks(ARCHIVE_LIMIT), publicUrl)),
    ja: memo((_version: string) => renderArchivePage(store.publishedWeeks(ARCHIVE_LIMIT), publicUrl, "ja")),
  };
  const feed = memo((_version: string) =>
    renderAtomFeed(
      store
        .publishedEditions(FEED_ENTRIES)
        .map((row) => ({ edition: JSON.parse(row.contentJson) as Edition, publishedAt: row.publishedAt })),
      publicUrl,
    ),
  );
  // A published edition never changes: parsed once (bounded, oldest first out).
  const editions = new Map<string, Edition>();
  const publishedEdition = (week: string): Edition | undefined => {
    const known = editions.get(week);
    if (known) return known;
    const row = store.edition(week);
    if (!row?.published_at) return undefined;
    const edition = JSON.parse(row.content_json) as Edition;
    editions.set(week, edition);
    if (editions.size > EDITION_PAGES_CACHED) editions.delete(editions.keys().next().value ?? week);
    return edition;
  };
  const notFound = htmlPage(404, "Not found", raw("<h1>No digest for that week</h1>"));
  // A published edition never changes, so its pages stay valid; the map is bounded, oldest use first out.
  const editionPages = new Map<string, Page>();
  const editionPage = (week: string, locale: Locale): Page => {
    // votes (issue 18): the page changes with its papers' counts, so they are part of the cache key.
    const edition = WEEK_LABEL_PATTERN.test(week) ? publishedEdition(week) : undefined;
    const counts = edition && options.votes ? options.votes(editionVoteKeys(edition)) : undefined;
    const key = `${week}/${locale}/${counts ? [...counts.values()].join(",") : ""}`;
    const hit = editionPages.get(key);
    if (hit) {
      editionPages.delete(key);
      editionPages.set(key, hit);
      return hit;
    }
    if (!edition) return notFound;
    const page = renderEditionPage(edition, publicUrl, locale, counts);
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
