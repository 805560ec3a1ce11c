import { t, type Locale } from "../i18n/index.js";
import { html, joinHtml, raw, type SafeHtml } from "../shared/html.js";
import type { PageResponse } from "./page-response.js";

/** The site's public URLs, built from PUBLIC_URL (which may carry a path prefix behind a proxy). */
export interface SiteUrls {
  base: string;
  home(locale: Locale): string;
  search(locale: Locale, query?: string): string;
  archive(locale: Locale): string;
  edition(week: string, locale: Locale): string;
  feed(locale: Locale): string;
}

export function siteUrls(publicUrl: string): SiteUrls {
  const base = publicUrl.replace(/\/+$/, "");
  return {
    base,
    // The English home is `/`; `?lang=en` pins it for a browser whose Accept-Language prefers Japanese.
    home: (locale) => (locale === "ja" ? `${base}/ja/` : `${base}/`),
    search: (locale, query) =>
      `${base}${locale === "ja" ? "/ja" : ""}/search${query === undefined ? "" : `?q=${encodeURIComponent(query)}`}`,
    archive: (locale) => `${base}/digest${locale === "ja" ? "/ja" : ""}`,
    edition: (week, locale) => `${base}/digest/${week}${locale === "ja" ? "/ja" : ""}`,
    feed: (locale) => `${base}/digest${locale === "ja" ? ".ja" : ""}.atom`,
  };
}

/** Scripts: none. Forms post only to ourselves (the search box), which `form-action 'none'` would block. */
export function siteCsp(publicUrl: string): string {
  let origin: string;
  try {
    origin = ` ${new URL(publicUrl).origin}`;
  } catch {
    origin = "";
  }
  return `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'${origin}; frame-ancestors 'none'`;
}

const STYLE = raw(
  [
    ":root{color-scheme:light}",
    "*{box-sizing:border-box}",
    "body{font:16px/1.55 system-ui,-apple-system,'Segoe UI','Hiragino Sans','Noto Sans JP',sans-serif;margin:0;color:#1d1d1f;background:#fff;overflow-wrap:anywhere}",
    "a{color:#0b57d0}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}",
    ".wrap{max-width:48rem;margin:0 auto;padding:0 1rem}",
    "header.site{border-bottom:1px solid #d7d7db;background:#f7f7f9}",
    "header.site .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;padding-top:.6rem;padding-bottom:.6rem}",
    ".brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:#1d1d1f;margin-right:auto}",
    "nav.site ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}",
    "main{padding-top:1rem;padding-bottom:2rem}",
    "h1{font-size:1.6rem;line-height:1.25;margin:1rem 0 .5rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem;margin:1.5rem 0 .25rem}",
    "li{margin:.5rem 0}.note,.meta{color:#595c61}.meta{font-size:.9em}.ja{color:#595c61;font-size:.9em}",
    ".lead{font-size:1.1rem}",
    ".button{display:inline-block;background:#0b57d0;color:#fff;padding:.6rem 1rem;border-radius:.4rem;text-decoration:none;font-weight:600}",
    ".button:hover{background:#0842a0}",
    "form.search{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}",
    "form.search label{flex-basis:100%;font-weight:600}",
    "form.search input{flex:1 1 12rem;min-width:0;font:inherit;padding:.5rem .6rem;border:1px solid #767676;border-radius:.3rem}",
    "form.search button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.3rem;background:#0b57d0;color:#fff;font-weight:600;cursor:pointer}",
    ".hint{font-size:.9em;color:#595c61;margin:.25rem 0 0}",
    "ul.topics{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0}ul.topics li{margin:0}",
    "ul.topics a{display:inline-block;padding:.15rem .6rem;border:1px solid #c4c7cc;border-radius:1rem;text-decoration:none}",
    "ul.plain{list-style:none;padding:0}ul.plain>li{margin:1.5rem 0}ul.plain h2{font-size:1.15rem;margin:0}ul.plain p{margin:.25rem 0}",
    "code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#f1f1f4;padding:.05rem .3rem;border-radius:.25rem}",
    "section.card{border:1px solid #d7d7db;border-radius:.5rem;padding:.25rem 1rem 1rem;margin:1.5rem 0}section.card h2{margin-top:.75rem}",
    "footer.site{border-top:1px solid #d7d7db;color:#595c61;font-size:.9em;padding:1rem 0 2rem}",
    "footer.site ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}",
  ].join(""),
);

export interface LayoutOptions {
  status: number;
  locale: Locale;
  title: string;
  /** One or two sentences: the meta description and the preview card's text. */
  description: string;
  /** The page's own absolute URL (og:url, canonical). */
  url: string;
  /** The same page in each language, for hreflang links and the language switch. */
  alternates?: Partial<Record<Locale, string>>;
  body: SafeHtml;
  /** Search results and error pages are not for indexing. */
  noindex?: boolean;
  /** Extra headers (Vary for a negotiated page). */
  headers?: Record<string, string>;
  /** og:type: "website" for the home, "article" for an edition. */
  ogType?: "website" | "article";
}

export function siteHeaders(publicUrl: string): Record<string, string> {
  return { "Content-Security-Policy": siteCsp(publicUrl), "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300" };
}

function languageSwitch(locale: Locale, alternates: Partial<Record<Locale, string>> | undefined): SafeHtml {
  const other: Locale = locale === "ja" ? "en" : "ja";
  const href = alternates?.[other];
  if (href === undefined) return html``;
  return other === "ja"
    ? html`<li><a href="${href}" hreflang="ja" lang="ja">日本語</a></li>`
    : html`<li><a href="${href}" hreflang="en" lang="en">English</a></li>`;
}

/** Every page of the site: its head (description, Open Graph, feeds, alternates), header, navigation and footer. */
export function sitePage(urls: SiteUrls, options: LayoutOptions): PageResponse {
  const { locale, title, description, url, alternates } = options;
  const hreflangs = Object.entries(alternates ?? {}).map(([lang, href]) => html`<link rel="alternate" hreflang="${lang}" href="${href}">`);
  const document = html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<meta name="description" content="${description}">
${options.noindex ? html`<meta name="robots" content="noindex">` : ""}
<link rel="canonical" href="${url}">
${joinHtml(hreflangs, "\n")}
<link rel="alternate" type="application/atom+xml" hreflang="en" title="${t(locale, "web.feedEnglish")}" href="${urls.feed("en")}">
<link rel="alternate" type="application/atom+xml" hreflang="ja" title="${t(locale, "web.feedJapanese")}" href="${urls.feed("ja")}">
<meta property="og:site_name" content="paperbot">
<meta property="og:type" content="${options.ogType ?? "website"}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${url}">
<meta property="og:locale" content="${locale === "ja" ? "ja_JP" : "en_US"}">
<meta name="twitter:card" content="summary">
<style>${STYLE}</style>
</head>
<body>
<header class="site"><div class="wrap">
<a class="brand" href="${urls.home(locale)}">paperbot</a>
<nav class="site" aria-label="paperbot"><ul>
<li><a href="${urls.home(locale)}">${t(locale, "web.navHome")}</a></li>
<li><a href="${urls.archive(locale)}">${t(locale, "web.navDigests")}</a></li>
<li><a href="${urls.search(locale)}">${t(locale, "web.navSearch")}</a></li>
${languageSwitch(locale, alternates)}
</ul></nav>
</div></header>
<main class="wrap">
${options.body}
</main>
<footer class="site"><div class="wrap"><ul>
<li><a href="${urls.feed("en")}" hreflang="en">${t(locale, "web.feedEnglish")}</a></li>
<li><a href="${urls.feed("ja")}" hreflang="ja">${t(locale, "web.feedJapanese")}</a></li>
</ul></div></footer>
</body>
</html>
`;
  return {
    status: options.status,
    contentType: "text/html; charset=utf-8",
    body: document.toString(),
    headers: { ...siteHeaders(urls.base), "Content-Language": locale, ...options.headers },
  };
}

/** A search box that works without scripts: a GET form to /search (or /ja/search). */
export function searchForm(urls: SiteUrls, locale: Locale, query = ""): SafeHtml {
  return html`<form class="search" role="search" method="get" action="${urls.search(locale)}">
<label for="q">${t(locale, "web.searchLabel")}</label>
<input id="q" name="q" type="search" value="${query}" maxlength="200" autocomplete="off" aria-describedby="q-hint">
<button type="submit">${t(locale, "web.searchButton")}</button>
<p class="hint" id="q-hint">${t(locale, "web.searchHint")}</p>
</form>`;
}

/** 404 and the other error pages a browser gets: what happened, and the way back. */
export function errorPage(urls: SiteUrls, status: number, locale: Locale, text: string, path = "/"): PageResponse {
  const title = status === 404 ? t(locale, "web.notFoundTitle") : t(locale, "web.errorTitle");
  return sitePage(urls, {
    status,
    locale,
    title,
    description: text,
    url: `${urls.base}${path}`,
    noindex: true,
    body: html`<h1>${title}</h1>
<p>${text}</p>
<p><a href="${urls.home(locale)}">← ${t(locale, "web.backHome")}</a> · <a href="${urls.archive(locale)}">${t(locale, "web.navDigests")}</a></p>
${searchForm(urls, locale)}`,
    headers: { "Cache-Control": "no-store" },
  });
}
