import { safeHttpUrl } from "../bundle/common.js";
import { t, type Locale } from "../i18n/index.js";
import { html, joinHtml, joinXml, raw, rawXml, xml, type SafeHtml } from "../shared/html.js";
import { MAX_CANDIDATES_SHOWN, type DigestCandidate, type Edition, type EditionPaper } from "./content.js";
import { candidateView, paperView, type EntryView } from "./entry.js";
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

/** One entry as HTML: the same facts, in the same order, as the Discord post (see EntryView). */
function entryItem(view: EntryView): SafeHtml {
  const other = view.otherTitle ? html` <span class="ja" lang="${view.otherTitle.lang}">${view.otherTitle.text}</span>` : html``;
  const byline = [view.authors, view.topics].filter((part): part is string => part !== null).join(" · ");
  const links = view.links.map((entry) => link(entry.label, entry.url));
  return html`<li>${link(view.title, view.url)}${other}${byline === "" ? "" : html`<br><span class="note">${byline}</span>`}<br>${view.line}${view.notes.map(
    (note) => html` <em class="note">${note}</em>`,
  )}${view.why ? html`<br><em class="note">${view.why}</em>` : ""}<br>${joinHtml(view.arxivLabel ? [view.arxivLabel, ...links] : links, " · ")}${view.votes ? html` · ${view.votes}` : ""}</li>`;
}

/** The edition as an HTML fragment (the page's body and the Atom entry's content), in English or Japanese. */
export function editionHtml(edition: Edition, locale: Locale = "en", counts?: VoteCounts): SafeHtml {
  // votes (issue 18): live counts, when the page shows them, in place of those frozen with the edition.
  const voted = <P extends EditionPaper>(paper: P): P => {
    const up = counts?.get(votableEditionPaper(paper).paperKey) ?? 0;
    return up > 0 ? { ...paper, votes: { up } } : paper;
  };
  const votedCandidate = (candidate: DigestCandidate): DigestCandidate => {
    const up = counts?.get(candidate.arxivId) ?? 0;
    return up > 0 ? { ...candidate, votes: { up } } : candidate;
  };
  const range = t(locale, "digest.range", {
    start: edition.start.slice(0, 10),
    end: new Date(Date.parse(edition.end) - 1).toISOString().slice(0, 10),
  });
  const candidates = edition.candidates.slice(0, MAX_CANDIDATES_SHOWN);
  const quiet = edition.papers.length === 0;
  const parts: SafeHtml[] = [html`<p class="note">${range}</p>`];
  if (quiet) parts.push(html`<p>${t(locale, candidates.length > 0 ? "digest.quietWeek" : "digest.quietWeekNoCandidates")}</p>`);
  else
    parts.push(
      html`<p>${t(locale, "digest.counts", { papers: edition.papers.length, candidates: candidates.length })}</p>`,
      html`<h2>${t(locale, "digest.added")}</h2>`,
      html`<ol>${joinHtml(
        edition.papers.map((paper) => entryItem(paperView(voted(paper), locale))),
        "\n",
      )}</ol>`,
    );
  // A quiet week leads with the reading list; a busy one lists it after the week's papers.
  if (edition.picks.length > 0)
    parts.push(
      html`<h2>${t(locale, "digest.pick")}</h2>`,
      html`<ul>${joinHtml(
        edition.picks.map((paper) => entryItem(paperView(voted(paper), locale))),
        "\n",
      )}</ul>`,
    );
  if (candidates.length > 0)
    parts.push(
      html`<h2>${t(locale, "digest.unreviewed")}</h2>`,
      html`<p class="note">${t(locale, "digest.unreviewedNote")}</p>`,
      html`<ol>${joinHtml(
        candidates.map((candidate) => entryItem(candidateView(votedCandidate(candidate), locale))),
        "\n",
      )}</ol>`,
    );
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
    const shown = Math.min(edition.candidates.length, MAX_CANDIDATES_SHOWN);
    const summary =
      edition.papers.length === 0
        ? t("en", shown > 0 ? "digest.quietWeek" : "digest.quietWeekNoCandidates")
        : t("en", "digest.counts", { papers: edition.papers.length, candidates: shown });
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
