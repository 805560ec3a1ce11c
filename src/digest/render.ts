import { ButtonStyle, type Embed } from "../shared/reply.js";
import type { Locale } from "../i18n/index.js";
import type { MessageBody } from "../shared/reply.js";
import { actionButton, BRAND_COLOUR, embedLength, EMBED_LIMITS, linkButton, row } from "../shared/embeds.js";
import { t } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { clipText } from "../shared/safe-text.js";
import { MAX_CANDIDATES_SHOWN, MAX_PAPERS_IN_MESSAGES, type DestinationContent, type Edition, type EditionPaper } from "./content.js";
import { candidateView, paperView, type EntryView } from "./entry.js";
import { communityTopEntries, digestVoteRows, votableEditionPaper } from "../community/digest-top.js";

/** Headroom under Discord's limits (embed description 4096, 6000 per message, 10 embeds per message). */
const DESCRIPTION_BUDGET = 4000;
const MESSAGE_BUDGET = 5800;
const EMBEDS_PER_MESSAGE = 10;
const TITLE_MAX = 240;

export interface DigestLinks {
  /** PUBLIC_URL/digest/<week> */
  web: string;
  /** PUBLIC_URL/ (the reading list) */
  list: string;
}

export const DIGEST_BUNDLE_BUTTON = "digest-bundle";

/** Markdown and link syntax in feed-supplied text is shown literally, never interpreted. */
export function escapeDiscordMarkdown(text: string): string {
  return text.replace(/[\\*_~`|[\]()<>]/g, (char) => `\\${char}`).replace(/^([#>-])/, "\\$1");
}

const chars = (text: string) => [...text].length;

const httpUrl = (url: string) => /^https?:\/\/[^\s()<>]+$/.test(url);

/** One entry in Discord Markdown: the outside text escaped, our own Markdown around it. */
function entryMarkdown(view: EntryView, marked = false): string {
  const title = escapeDiscordMarkdown(clipText(view.title, TITLE_MAX));
  const lines = [`${marked ? "★ " : ""}**${httpUrl(view.url) ? `[${title}](${view.url})` : title}**`];
  const byline = [view.authors, view.topics].filter((part): part is string => part !== null).map(escapeDiscordMarkdown);
  if (byline.length > 0) lines.push(byline.join(" · "));
  if (view.line !== "") lines.push(escapeDiscordMarkdown(view.line));
  // Notes are our own text (locale files); the reasons quote arXiv's terms, so they are escaped.
  for (const note of view.notes) lines.push(`_${note}_`);
  if (view.why) lines.push(`_${escapeDiscordMarkdown(view.why)}_`);
  const links = view.links.filter((link) => httpUrl(link.url)).map((link) => `[${link.label}](${link.url})`);
  lines.push([...(view.arxivLabel ? [view.arxivLabel] : []), ...links, ...(view.votes ? [view.votes] : [])].join(" · "));
  return lines.filter((line) => line !== "").join("\n");
}

interface Section {
  title: string;
  entries: string[];
}

/** The paper's discussion thread in this destination's server, when one was opened. */
function withThread(paper: EditionPaper, content: DestinationContent): EditionPaper {
  const threadUrl = content.threadUrl?.(paper.id);
  return threadUrl ? { ...paper, threadUrl } : paper;
}

function sections(edition: Edition, content: DestinationContent): Section[] {
  const { locale, forYou } = content;
  const list: Section[] = [];
  const candidates = edition.candidates.slice(0, MAX_CANDIDATES_SHOWN);
  const quiet = edition.papers.length === 0;
  const topics = forYou ? forYou.topics.map((topic) => escapeDiscordMarkdown(clipText(topicLabel(locale, topic), 40))).join(", ") : "";
  const marked = {
    papers: new Set(forYou?.marked?.papers ?? []),
    candidates: new Set(forYou?.marked?.candidates ?? []),
  };
  const header = [
    t(locale, "digest.range", { start: edition.start.slice(0, 10), end: new Date(Date.parse(edition.end) - 1).toISOString().slice(0, 10) }),
    quiet
      ? t(locale, candidates.length > 0 ? "digest.quietWeek" : "digest.quietWeekNoCandidates")
      : t(locale, "digest.counts", { papers: edition.papers.length, candidates: candidates.length }),
    ...(marked.papers.size + marked.candidates.size > 0 ? [t(locale, "digest.forYouMarked", { topics })] : []),
  ];
  list.push({ title: t(locale, "digest.title", { week: edition.week }), entries: [header.join("\n")] });
  if (!quiet) {
    const shown = edition.papers
      .slice(0, MAX_PAPERS_IN_MESSAGES)
      .map((paper, index) => entryMarkdown(paperView(withThread(paper, content), locale), marked.papers.has(index)));
    const more = edition.papers.length - shown.length;
    list.push({
      title: t(locale, "digest.added"),
      entries: more > 0 ? [...shown, t(locale, "digest.morePapers", { count: more })] : shown,
    });
  }
  // A quiet week leads with the reading list; a busy one lists it after the week's papers.
  if (edition.picks.length > 0)
    list.push({
      title: t(locale, "digest.pick"),
      entries: edition.picks.map((paper) => entryMarkdown(paperView(withThread(paper, content), locale))),
    });
  if (candidates.length > 0)
    list.push({
      title: t(locale, "digest.unreviewed"),
      entries: [
        `_${t(locale, "digest.unreviewedNote")}_`,
        ...candidates.map((candidate, index) => entryMarkdown(candidateView(candidate, locale), marked.candidates.has(index))),
      ],
    });
  if (forYou && forYou.papers.length + forYou.candidates.length + forYou.more > 0) {
    const entries = [
      ...forYou.papers.flatMap((index) => {
        const paper = edition.papers[index];
        return paper ? [entryMarkdown(paperView(withThread(paper, content), locale))] : [];
      }),
      ...forYou.candidates.flatMap((index) => {
        const candidate = edition.candidates[index];
        return candidate ? [entryMarkdown(candidateView(candidate, locale))] : [];
      }),
      ...(forYou.more > 0 ? [t(locale, "digest.forYouMore", { count: forYou.more })] : []),
    ];
    list.push({ title: clipText(t(locale, forYou.marked ? "digest.forYouExtra" : "digest.forYou", { topics }), TITLE_MAX), entries });
  }
  // votes (issue 18)
  if (edition.community && edition.community.length > 0)
    list.push({ title: t(locale, "digest.topCommunity"), entries: communityTopEntries(edition.community, locale, escapeDiscordMarkdown) });
  return list;
}

/** Sections become embeds (a long section continues in the next embed), embeds become messages. */
function packEmbeds(list: Section[], locale: Locale): Embed[] {
  const embeds: Embed[] = [];
  for (const section of list) {
    let lines: string[] = [];
    let length = 0;
    let continued = false;
    const flush = () => {
      if (lines.length === 0) return;
      const title = continued
        ? clipText(t(locale, "digest.continued", { title: section.title }), EMBED_LIMITS.title)
        : clipText(section.title, EMBED_LIMITS.title);
      embeds.push({ title, description: lines.join("\n\n"), color: BRAND_COLOUR });
      lines = [];
      length = 0;
      continued = true;
    };
    for (const entry of section.entries) {
      const size = chars(entry) + (lines.length > 0 ? 2 : 0);
      if (length + size > DESCRIPTION_BUDGET) flush();
      lines.push(entry);
      length += chars(entry) + (lines.length > 1 ? 2 : 0);
    }
    flush();
  }
  return embeds;
}

/**
 * The digest as Discord messages: every paper whole, every message within Discord's limits, the buttons on the
 * last message, and a "part n of m" footer when it takes several.
 */
export function renderDigestMessages(edition: Edition, content: DestinationContent, links: DigestLinks): MessageBody[] {
  const { locale } = content;
  const embeds = packEmbeds(sections(edition, content), locale);
  const groups: Embed[][] = [];
  let current: Embed[] = [];
  let size = 0;
  const footerRoom = 60;
  for (const embed of embeds) {
    const length = embedLength(embed);
    if (current.length > 0 && (current.length >= EMBEDS_PER_MESSAGE || size + length + footerRoom > MESSAGE_BUDGET)) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += length;
  }
  if (current.length > 0) groups.push(current);
  const buttons = row(
    linkButton(t(locale, "digest.webButton"), links.web),
    linkButton(t(locale, "digest.listButton"), links.list),
    actionButton(t(locale, "digest.bundleButton"), DIGEST_BUNDLE_BUTTON, { style: ButtonStyle.Secondary }),
  );
  return groups.map((group, index) => {
    const last = group.at(-1);
    if (last && groups.length > 1) last.footer = { text: t(locale, "digest.part", { part: index + 1, parts: groups.length }) };
    return { embeds: group, ...(index === groups.length - 1 ? { components: [...editionVoteRows(edition), buttons] } : {}) };
  });
}

/** The same messages as plain text (CLI preview, logs, tests). */
export function digestMessagesText(messages: readonly MessageBody[]): string {
  const blocks = messages.map((message, index) => {
    const parts = [`--- message ${index + 1} of ${messages.length} ---`];
    for (const embed of message.embeds ?? []) {
      parts.push(`## ${embed.title ?? ""}`, embed.description ?? "");
      if (embed.footer) parts.push(`(${embed.footer.text})`);
    }
    for (const component of message.components ?? []) {
      for (const button of component.components) {
        if ("url" in button && button.url) parts.push(`[${button.label ?? ""}] ${button.url}`);
        else if ("label" in button) parts.push(`[${button.label ?? ""}]`);
      }
    }
    return parts.join("\n");
  });
  return blocks.join("\n\n");
}

/** votes (issue 18): 👍 for the week's papers, then the candidates it shows (named, as one message holds several). */
function editionVoteRows(edition: Edition) {
  return digestVoteRows([
    ...edition.papers.slice(0, MAX_PAPERS_IN_MESSAGES).map(votableEditionPaper),
    ...edition.candidates.slice(0, MAX_CANDIDATES_SHOWN).map((candidate) => ({ paperKey: candidate.arxivId, name: candidate.title })),
  ]);
}
