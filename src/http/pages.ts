import type { Catalog } from "../catalog/catalog.js";
import type { DigestStore } from "../db/digest.js";
import { ARCHIVE_LIMIT, FEED_ENTRIES } from "../digest/web.js";
import { t, type Locale } from "../i18n/index.js";
import { archivePage, atomFeed, editionNotFound, editionPage } from "./digest-pages.js";
import { summarizeEdition, type EditionSummary } from "./editions.js";
import { homePage } from "./home.js";
import { errorPage, siteUrls } from "./layout.js";
import { negotiateLocale, type PageRequest } from "./negotiate.js";
import type { ErrorReason, PageResponse, PageSource } from "./page-response.js";
import { searchPage } from "./search.js";
import { editionVoteKeys, type VoteCounts } from "../community/digest-top.js";

/**
 * The public web pages of the bot: the home at `/` (and `/ja/`), search, the digest archive, its editions and the
 * Atom feeds. Each page is rendered once per change of what it shows and the same object returned until then (the
 * server keys its encoded body and ETag on it); search pages are rendered per query.
 */

const ERROR_TEXT: Record<ErrorReason, "web.notFoundText" | "web.badRequest" | "web.linkExpired" | "web.linkInvalid" | "web.busy"> = {
  notFound: "web.notFoundText",
  badRequest: "web.badRequest",
  linkExpired: "web.linkExpired",
  linkInvalid: "web.linkInvalid",
  busy: "web.busy",
};

/** A page source for the HTTP server: pages by path (null when the path is not one), and error pages for browsers. */
export type SitePages = PageSource;

export interface SitePagesOptions {
  store: DigestStore;
  publicUrl: string;
  /** The current catalog (it is replaced when moderators add papers or the file changes). */
  catalog: () => Catalog;
  /** For the "add to your server" link; without it the home says how to get one. */
  applicationId?: string | undefined;
  /** Called when a stored edition cannot be read (it is then left out of the pages). */
  onBadEdition?: (week: string) => void;
  /** votes (issue 18): live totals by paper key, shown beside each paper of an edition page. */
  votes?: (keys: readonly string[]) => VoteCounts;
}

/** One rendered value per key: rendered again only when the key changes. */
function memo<K, V>(render: (key: K) => V): (key: K) => V {
  let cached: { key: K; value: V } | undefined;
  return (key) => {
    if (!cached || cached.key !== key) cached = { key, value: render(key) };
    return cached.value;
  };
}

/** Edition pages kept rendered (each week in two languages); older ones are rendered again when asked for. */
const EDITION_PAGES_CACHED = 64;
const EDITION = /^\/digest\/(\d{4}-w\d{2})(?:\/(ja|en))?$/;

export function sitePages(options: SitePagesOptions): SitePages {
  const { store, onBadEdition } = options;
  const urls = siteUrls(options.publicUrl);

  const rows = memo((_version: string) => store.publishedEditions(ARCHIVE_LIMIT));
  const summariesIn = (locale: Locale) =>
    memo((version: string): EditionSummary[] =>
      rows(version).flatMap((row) => {
        const summary = summarizeEdition(row.contentJson, row.publishedAt, locale);
        if (!summary) onBadEdition?.(row.week);
        return summary ? [summary] : [];
      }),
    );
  const summaries = { en: summariesIn("en"), ja: summariesIn("ja") };
  const perLocale = <V>(make: (locale: Locale) => V): Record<Locale, V> => ({ en: make("en"), ja: make("ja") });

  const archive = perLocale((locale) => memo((version: string) => archivePage(urls, summaries[locale](version), locale)));
  const feed = perLocale((locale) => memo((version: string) => atomFeed(urls, summaries[locale](version).slice(0, FEED_ENTRIES), locale)));
  // `/` answers by Accept-Language (and says so with Vary); `/ja/`, `/en/` and `?lang=` do not negotiate.
  const homes = new Map<string, { catalog: Catalog; version: string; page: PageResponse }>();
  const home = (locale: Locale, negotiated: boolean): PageResponse => {
    const key = `${locale}/${negotiated}`;
    const catalog = options.catalog();
    const version = store.publishedVersion();
    const cached = homes.get(key);
    if (cached?.catalog === catalog && cached.version === version) return cached.page;
    const input = { papers: catalog.papers, latest: summaries[locale](version)[0] ?? null, applicationId: options.applicationId };
    const page = homePage(urls, input, locale, negotiated);
    homes.set(key, { catalog, version, page });
    return page;
  };

  const errors = new Map<string, PageResponse>();
  const errorFor = (status: number, reason: ErrorReason, locale: Locale): PageResponse => {
    const key = `${status}/${reason}/${locale}`;
    let page = errors.get(key);
    if (!page) errors.set(key, (page = errorPage(urls, status, locale, t(locale, ERROR_TEXT[reason]))));
    return page;
  };
  const notFoundEdition = perLocale((locale) => editionNotFound(urls, locale));

  // A published edition never changes, so its pages stay valid; the map is bounded, oldest use first out.
  const editionPages = new Map<string, PageResponse>();
  // A published edition never changes: read and checked once per language (bounded, oldest first out).
  const editionSummaries = new Map<string, EditionSummary>();
  const editionSummary = (week: string, locale: Locale): EditionSummary | null => {
    const known = editionSummaries.get(`${week}/${locale}`);
    if (known) return known;
    const row = store.edition(week);
    const summary = row?.published_at ? summarizeEdition(row.content_json, row.published_at, locale) : null;
    if (!summary) return null;
    editionSummaries.set(`${week}/${locale}`, summary);
    if (editionSummaries.size > EDITION_PAGES_CACHED) editionSummaries.delete(editionSummaries.keys().next().value ?? week);
    return summary;
  };
  const edition = (week: string, locale: Locale): PageResponse => {
    const summary = editionSummary(week, locale);
    // votes (issue 18): the page changes with its papers' counts, so they are part of the cache key.
    const counts = summary && options.votes ? options.votes(editionVoteKeys(summary.edition)) : undefined;
    const key = `${week}/${locale}/${counts ? [...counts.values()].join(",") : ""}`;
    const hit = editionPages.get(key);
    if (hit) {
      editionPages.delete(key);
      editionPages.set(key, hit);
      return hit;
    }
    if (!summary) return notFoundEdition[locale];
    const page = editionPage(urls, summary, locale, counts);
    editionPages.set(key, page);
    if (editionPages.size > EDITION_PAGES_CACHED) editionPages.delete(editionPages.keys().next().value ?? key);
    return page;
  };

  const route = (rawPath: string, request?: PageRequest): PageResponse | null => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return null;
    }
    // Forgiving: upper or lower case, trailing slashes.
    const path = (decoded.length > 1 ? decoded.replace(/\/+$/, "") : decoded).toLowerCase() || "/";
    const chosen = request?.query.get("lang")?.toLowerCase();
    const explicit: Locale | null = chosen === "ja" || chosen === "en" ? chosen : null;
    switch (path) {
      case "/":
      case "/index.html":
        return explicit ? home(explicit, false) : home(negotiateLocale(request), true);
      case "/ja":
      case "/ja/index.html":
        return home("ja", false);
      case "/en":
      case "/en/index.html":
        return home("en", false);
      case "/search":
        return searchPage(urls, options.catalog(), request?.query.get("q") ?? null, explicit ?? negotiateLocale(request));
      case "/ja/search":
      case "/en/search":
        return searchPage(urls, options.catalog(), request?.query.get("q") ?? null, path.startsWith("/ja") ? "ja" : "en");
      case "/digest":
      case "/en/digest":
        return archive[explicit ?? "en"](store.publishedVersion());
      case "/digest/ja":
      case "/ja/digest":
        return archive.ja(store.publishedVersion());
      case "/digest.atom":
        return feed[explicit ?? "en"](store.publishedVersion());
      case "/digest.ja.atom":
      case "/digest/ja.atom":
      case "/ja/digest.atom":
        return feed.ja(store.publishedVersion());
    }
    const match = EDITION.exec(path);
    const week = match?.[1];
    if (week !== undefined) return edition(week.toUpperCase(), match?.[2] === "ja" ? "ja" : (explicit ?? "en"));
    if (path.startsWith("/digest/")) return notFoundEdition[path.endsWith("/ja") ? "ja" : "en"];
    return null;
  };
  return Object.assign(route, {
    errorPage: (status: number, reason: ErrorReason, request?: PageRequest) => errorFor(status, reason, negotiateLocale(request)),
  });
}

/**
 * The call sites written before the web home (`digestPages({ store, publicUrl, readingListHtml: readingListPage(app) })`)
 * keep working: `readingListPage` now hands over the app's current catalog, which the home renders by topic.
 */
export function readingListPage(app: { readonly catalog: Catalog }): () => Catalog {
  return () => app.catalog;
}

export function digestPages(options: Omit<SitePagesOptions, "catalog"> & { readingListHtml: () => Catalog }): SitePages {
  return sitePages({ ...options, catalog: options.readingListHtml });
}
