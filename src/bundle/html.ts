import type { Paper } from "../catalog/types.js";
import { arxivAbsUrl } from "../catalog/arxiv-id.js";
import { japaneseTitle, keyResultsFor } from "../catalog/format.js";
import { bundleSummary, groupByTopic, isoDate, paperAnchor, pdfUrlFor, safeHttpUrl, topicAnchor, untopicedPapers } from "./common.js";
import { LOCALES, localized, t, type PlainMessageKey } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { html, joinHtml, raw, type SafeHtml } from "../shared/html.js";

function bilingual(en: string, ja: string): SafeHtml {
  return html`${en} <span lang="ja">${ja}</span>`;
}

/** A label from the locale files in both languages, the Japanese marked as such. */
function bilingualLabel(key: PlainMessageKey): SafeHtml {
  const text = localized(key);
  return bilingual(text.en, text.ja);
}

function bilingualTopic(topic: string): SafeHtml {
  return bilingual(topicLabel("en", topic), topicLabel("ja", topic));
}

function anchor(text: string, url: string | null): SafeHtml {
  const safe = safeHttpUrl(url);
  return safe ? html`<a href="${safe}" rel="noopener noreferrer">${text}</a>` : html`${text}`;
}

const STYLE = raw(
  `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5f6368;--bg:#fff;--card:#f6f7f9;--line:#dde1e6;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#121212;--card:#1e1f22;--line:#34373c;--accent:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:60rem;padding:1.5rem 1rem 4rem;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
:lang(ja){font-family:"Hiragino Sans","Hiragino Kaku Gothic ProN","Yu Gothic UI","Yu Gothic",Meiryo,"Noto Sans CJK JP","Noto Sans JP",sans-serif;line-break:strict}
a{color:var(--accent)}
h1{font-size:1.8rem;line-height:1.3;margin:0 0 .25rem}
h1 span{display:block;font-size:1.1rem;color:var(--muted);font-weight:500}
h2{margin-top:2.5rem;border-bottom:2px solid var(--line);padding-bottom:.25rem}
h3{margin:0 0 .25rem;font-size:1.2rem;line-height:1.35}
h4{margin:1rem 0 .25rem;font-size:.95rem;color:var(--muted);text-transform:none}
.lead,.ja-title,.meta dt{color:var(--muted)}
.notice{background:var(--card);border-left:4px solid var(--accent);padding:.75rem 1rem;border-radius:4px}
nav ol{padding-left:1.25rem}nav ol ol{font-size:.92rem;margin:.15rem 0 .6rem}
article{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem;margin:1.25rem 0}
.ja-title{margin:0 0 .75rem}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 .5rem;font-size:.95rem}
.meta dd{margin:0}
.topic{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:0 .5rem;margin:0 .25rem .25rem 0;font-size:.85rem}
.summaries{display:grid;grid-template-columns:1fr 1fr;gap:0 1.5rem}
@media (max-width:720px){.summaries{grid-template-columns:1fr}.meta{grid-template-columns:1fr}.meta dt{margin-top:.3rem}}
.summaries p{margin:.25rem 0}
.summaries .note{color:var(--muted);font-style:italic}
.summaries ul{margin:.25rem 0;padding-left:1.2rem}
footer{margin-top:3rem;color:var(--muted);font-size:.9rem}
@media print{body{max-width:none}article{break-inside:avoid;border:0;padding:0}nav{display:none}}
`.trim(),
);

function paperArticle(paper: Paper): SafeHtml {
  const links: SafeHtml[] = [];
  if (paper.arxivId) links.push(anchor(`arXiv:${paper.arxivId}`, arxivAbsUrl(paper.arxivId)));
  if (!paper.arxivId || safeHttpUrl(paper.url) !== safeHttpUrl(arxivAbsUrl(paper.arxivId))) links.push(anchor("Web", paper.url));
  const pdf = pdfUrlFor(paper);
  if (pdf) links.push(anchor("PDF", pdf));
  const topics = paper.topics.map((topic) => html`<span class="topic">${bilingualTopic(topic)}</span>`);
  const list = (items: readonly string[]) => items.map((item) => html`<li>${item}</li>`);
  const titleJa = japaneseTitle(paper);
  const summaries = LOCALES.map((locale) => {
    const summary = bundleSummary(paper, locale);
    const notes = summary.notes.map((note) => html`<p class="note">${note}</p>`);
    const text = summary.textLocale === locale ? html`<p>${summary.text}</p>` : html`<p lang="${summary.textLocale}">${summary.text}</p>`;
    const results = keyResultsFor(paper, locale);
    const keyResults = results.length > 0 && html`<h4>${t(locale, "paper.keyResults")}</h4><ul>${list(results)}</ul>`;
    return html`<section lang="${locale}"><h4>${t(locale, "paper.summary")}</h4>${notes}${text}${keyResults}</section>`;
  });
  return joinHtml(
    [
      html`<article id="${paperAnchor(paper)}">`,
      html`<h3>${paper.title}</h3>`,
      titleJa ? html`<p class="ja-title" lang="ja">${titleJa}</p>` : null,
      html`<dl class="meta">`,
      html`<dt>${bilingualLabel("paper.authors")}</dt><dd>${paper.authors.join(", ")}</dd>`,
      paper.organisation ? html`<dt>${bilingualLabel("paper.organisation")}</dt><dd>${paper.organisation}</dd>` : null,
      html`<dt>${bilingualLabel("paper.year")}</dt><dd>${paper.year}${paper.venue ? html` · ${paper.venue}` : ""}</dd>`,
      html`<dt>${bilingualLabel("paper.topics")}</dt><dd>${topics}</dd>`,
      html`<dt>${bilingualLabel("paper.links")}</dt><dd>${joinHtml(links, " · ")}</dd>`,
      html`</dl>`,
      html`<div class="summaries">`,
      ...summaries,
      html`</div>`,
      html`</article>`,
    ].filter((part) => part !== null),
    "\n",
  );
}

const HEAD = raw(
  [
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No scripts, no external resources: the page works offline and cannot phone home.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="generator" content="paperbot">',
    "<title>LLM reading list · paperbot</title>",
  ].join("\n"),
);

const PDF_NOTICE = raw(
  `<p class="notice">PDFs are not included (most arXiv licences do not allow redistribution). Run <code>sh fetch-pdfs.sh</code> from this folder to download them to <code>./pdfs/</code>. ` +
    `<span lang="ja">PDF は同梱していません。<code>sh fetch-pdfs.sh</code> を実行すると各自の環境にダウンロードできます。</span></p>`,
);

export function renderHtml(ordered: readonly Paper[], generatedAt: Date): string {
  const groups = groupByTopic(ordered);
  const orphans = untopicedPapers(ordered);
  const tocItems = (papers: readonly Paper[]) => papers.map((paper) => html`<li><a href="#${paperAnchor(paper)}">${paper.title}</a></li>`);
  const out: SafeHtml[] = [];
  out.push(
    raw("<!DOCTYPE html>"),
    raw('<html lang="en">'),
    HEAD,
    html`<style>${STYLE}</style>`,
    raw("</head>\n<body>\n<header>"),
    raw(`<h1>LLM reading list <span lang="ja">LLM 論文リーディングリスト</span></h1>`),
    html`<p class="lead">${t("en", "count.papers", { count: ordered.length })} · generated <time datetime="${generatedAt.toISOString()}">${isoDate(generatedAt)}</time> by paperbot · <span lang="ja">全 ${t("ja", "count.papers", { count: ordered.length })}</span></p>`,
    PDF_NOTICE,
    raw("</header>"),
    raw('<nav aria-labelledby="toc">'),
    html`<h2 id="toc">${bilingualLabel("bundle.contents")}</h2>`,
    raw("<ol>"),
  );
  for (const group of groups) {
    const name = bilingualTopic(group.topic);
    const heading = group.primary.length > 0 ? html`<a href="#${topicAnchor(group.topic)}">${name}</a>` : name;
    out.push(html`<li>${heading} (${group.tagged.length})<ol>${tocItems(group.tagged)}</ol></li>`);
  }
  if (orphans.length > 0)
    out.push(
      html`<li><a href="#topic-other">${bilingualLabel("bundle.noTopic")}</a> (${orphans.length})<ol>${tocItems(orphans)}</ol></li>`,
    );
  out.push(raw("</ol>\n</nav>\n<main>"));
  for (const group of groups) {
    if (group.primary.length === 0) continue;
    out.push(
      html`<section id="${topicAnchor(group.topic)}">`,
      html`<h2>${bilingualTopic(group.topic)}</h2>`,
      ...group.primary.map(paperArticle),
      raw("</section>"),
    );
  }
  if (orphans.length > 0)
    out.push(
      raw('<section id="topic-other">'),
      html`<h2>${bilingualLabel("bundle.noTopic")}</h2>`,
      ...orphans.map(paperArticle),
      raw("</section>"),
    );
  out.push(
    raw("</main>"),
    html`<footer><p>Generated by paperbot on ${isoDate(generatedAt)}. Summaries are paperbot's own unless marked as the authors' abstract; titles and author lists belong to the papers' authors.</p></footer>`,
    raw("</body>\n</html>"),
  );
  return joinHtml(out, "\n").toString() + "\n";
}
