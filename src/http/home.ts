import { groupByTopic, orderPapers, safeHttpUrl } from "../bundle/common.js";
import { paperTitle, summaryFor } from "../catalog/format.js";
import type { Paper } from "../catalog/types.js";
import { oneLineSummary } from "../digest/content.js";
import { t, type Locale } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { html, joinHtml, type SafeHtml } from "../shared/html.js";
import { editionHeadlines } from "./digest-pages.js";
import { headlineLine, HEADLINES_SHOWN, type EditionSummary } from "./editions.js";
import { searchForm, sitePage, type SiteUrls } from "./layout.js";
import type { PageResponse } from "./page-response.js";

/** Permissions the invite asks for: View Channels, Send Messages, Embed Links (what replies and digests need). */
export const INVITE_PERMISSIONS = String(1024 + 2048 + 16384);

/** Discord's authorize link that adds the bot with its slash commands. */
export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({ client_id: applicationId, scope: "bot applications.commands", permissions: INVITE_PERMISSIONS });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/** A bot token's first part is its user id in base64, which is the application's id: the invite link without config. */
export function applicationIdFromToken(token: string | undefined): string | undefined {
  const head = token?.split(".")[0];
  if (!head) return undefined;
  const id = Buffer.from(head, "base64").toString("utf8");
  return /^\d{17,20}$/.test(id) ? id : undefined;
}

const SUMMARY_CHARS = 200;

/** The summary's first sentence, cut at a word boundary (or anywhere, for Japanese) when it is too long. */
export function summaryLine(text: string, max = SUMMARY_CHARS): string {
  const line = oneLineSummary(text, max);
  if (!line.endsWith("…")) return line;
  const head = line.slice(0, -1);
  const space = head.lastIndexOf(" ");
  return space > max / 2 ? `${head.slice(0, space).replace(/[,;:]$/, "")}…` : line;
}

export function topicAnchorId(topic: string): string {
  return `topic-${topic}`;
}

/** A paper in a list: its title (linked), year, topics and a line of its summary, with arXiv and PDF links. */
export function paperListItem(paper: Paper, locale: Locale, options: { topics?: boolean } = {}): SafeHtml {
  const url = safeHttpUrl(paper.url);
  const pdf = safeHttpUrl(paper.pdfUrl);
  const title = paperTitle(paper, locale);
  const summary = summaryFor(paper, locale);
  const topics = options.topics ? paper.topics.map((topic) => topicLabel(locale, topic)).join(", ") : "";
  return html`<li>${url ? html`<a href="${url}">${title}</a>` : title} <span class="meta">(${paper.year})</span>
<br><span${summary.text !== paper.summary[locale] ? html` lang="en"` : ""}>${summaryLine(summary.text)}</span>
${topics ? html`<br><span class="meta">${t(locale, "digest.webTopics", { topics })}</span>` : ""}${
    pdf ? html` <span class="meta">· <a href="${pdf}">${t(locale, "web.paperPdf")}</a></span>` : ""
  }</li>`;
}

type CommandKey = "web.cmdPaper" | "web.cmdFollow" | "web.cmdFollowTopic" | "web.cmdDigestSet" | "web.cmdBundle";

function commandLine(command: string, key: CommandKey, locale: Locale): SafeHtml {
  return html`<li><code>${command}</code> — ${t(locale, key)}</li>`;
}

function latestDigest(urls: SiteUrls, latest: EditionSummary | null, locale: Locale): SafeHtml {
  if (!latest) return html`<p>${t(locale, "digest.webArchiveEmpty")}</p>`;
  return html`<h3>${t(locale, "digest.title", { week: latest.week })}</h3>
<p class="meta">${t(locale, "digest.range", { start: latest.start, end: latest.end })}</p>
${editionHeadlines(latest, locale, HEADLINES_SHOWN + 2, true)}
<p><a href="${urls.edition(latest.week, locale)}">${t(locale, "web.latestRead", { week: latest.week })}</a> · <a href="${urls.archive(locale)}">${t(locale, "web.latestAll")}</a></p>`;
}

export interface HomeInput {
  papers: readonly Paper[];
  latest: EditionSummary | null;
  applicationId: string | undefined;
}

/** `/` (English, or by Accept-Language) and `/ja/`: what the bot is, how to add and follow it, the latest digest, the list. */
export function homePage(urls: SiteUrls, input: HomeInput, locale: Locale, negotiated: boolean): PageResponse {
  const ordered = orderPapers(input.papers);
  const groups = groupByTopic(ordered);
  const invite = input.applicationId
    ? html`<p><a class="button" href="${inviteUrl(input.applicationId)}">${t(locale, "web.addButton")}</a></p>`
    : html`<p class="note">${t(locale, "web.addNoLink")}</p>`;
  const topicsNav = groups.map(
    (group) =>
      html`<li><a href="#${topicAnchorId(group.topic)}">${topicLabel(locale, group.topic)} <span class="meta">${group.tagged.length}</span></a></li>`,
  );
  // Each paper's entry lives under its first topic; the other topics it is on name it in one line.
  const sections = groups.map((group) => {
    const alsoHere = group.tagged.filter((paper) => !group.primary.includes(paper));
    const also = alsoHere.map((paper) => {
      const href = safeHttpUrl(paper.url);
      const title = paperTitle(paper, locale);
      return href ? html`<a href="${href}">${title}</a>` : html`${title}`;
    });
    return html`<section aria-labelledby="${topicAnchorId(group.topic)}">
<h3 id="${topicAnchorId(group.topic)}">${topicLabel(locale, group.topic)}</h3>
${
  group.primary.length > 0
    ? html`<ul>${joinHtml(
        group.primary.map((paper) => paperListItem(paper, locale)),
        "\n",
      )}</ul>`
    : ""
}
${also.length > 0 ? html`<p class="meta">${t(locale, "web.alsoOnTopic")} ${joinHtml(also, locale === "ja" ? "、" : ", ")}</p>` : ""}
</section>`;
  });
  const latestLine = input.latest
    ? ` ${t(locale, "digest.title", { week: input.latest.week })}: ${headlineLine(input.latest, locale)}`
    : "";
  return sitePage(urls, {
    status: 200,
    locale,
    title: t(locale, "web.homeTitle"),
    description: t(locale, "web.homeDescription", { count: input.papers.length }) + latestLine,
    url: urls.home(locale),
    alternates: { en: locale === "en" ? urls.home("en") : `${urls.home("en")}?lang=en`, ja: urls.home("ja") },
    // `/` answers by Accept-Language: caches keep one copy per language.
    headers: negotiated ? { Vary: "Accept-Language" } : {},
    body: html`<h1>paperbot</h1>
<p class="lead">${t(locale, "web.tagline")}</p>
<p>${t(locale, "web.intro")}</p>
${searchForm(urls, locale)}
<section class="card" aria-labelledby="add">
<h2 id="add">${t(locale, "web.addHeading")}</h2>
${invite}
<p>${t(locale, "web.addThen")}</p>
<ul>
${commandLine("/paper lora", "web.cmdPaper", locale)}
${commandLine("/follow", "web.cmdFollow", locale)}
${commandLine("/follow topic:retrieval", "web.cmdFollowTopic", locale)}
${commandLine("/digest set channel:#papers", "web.cmdDigestSet", locale)}
${commandLine("/bundle", "web.cmdBundle", locale)}
</ul>
</section>
<section class="card" aria-labelledby="latest">
<h2 id="latest">${t(locale, "web.latestHeading")}</h2>
${latestDigest(urls, input.latest, locale)}
</section>
<section aria-labelledby="list">
<h2 id="list">${t(locale, "web.listHeading")}</h2>
<p>${t(locale, "web.listIntro", { count: ordered.length })}</p>
<nav aria-label="${t(locale, "web.topicsNav")}"><ul class="topics">${joinHtml(topicsNav, "\n")}</ul></nav>
${joinHtml(sections, "\n")}
</section>`,
  });
}
