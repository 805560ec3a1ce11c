import { ButtonStyle, type Embed } from "../shared/reply.js";
import type { Locale } from "../i18n/index.js";
import type { MessageBody } from "../shared/reply.js";
import { actionButton, BRAND_COLOUR, embedLength, EMBED_LIMITS, linkButton, row } from "../shared/embeds.js";
import { t } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { shownNotes } from "../catalog/format.js";
import {
  candidateNote,
  MAX_PAPERS_IN_MESSAGES,
  oneLineSummary,
  type DestinationContent,
  type Edition,
  type EditionPaper,
} from "./content.js";
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

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}

const chars = (text: string) => [...text].length;

function paperEntry(paper: EditionPaper, locale: Locale, summaryMax = 200): string {
  const title = locale === "ja" ? paper.titleJa : paper.title;
  const link = `**[${escapeDiscordMarkdown(clip(title, TITLE_MAX))}](${paper.url})**`;
  const notes = shownNotes(paper.notes?.[locale] ?? [])
    .map((key) => `\n_${t(locale, key)}_`)
    .join("");
  return `${link}\n${escapeDiscordMarkdown(oneLineSummary(paper.summary[locale], summaryMax))}${notes}`;
}

interface Section {
  title: string;
  entries: string[];
}

function sections(edition: Edition, content: DestinationContent): Section[] {
  const { locale, forYou } = content;
  const list: Section[] = [];
  const header = [
    t(locale, "digest.range", { start: edition.start.slice(0, 10), end: new Date(Date.parse(edition.end) - 1).toISOString().slice(0, 10) }),
    edition.papers.length === 0
      ? t(locale, "digest.quiet")
      : t(locale, "digest.counts", { papers: edition.papers.length, candidates: edition.candidates.length }),
  ];
  list.push({ title: t(locale, "digest.title", { week: edition.week }), entries: [header.join("\n")] });
  if (edition.papers.length > 0) {
    const shown = edition.papers.slice(0, MAX_PAPERS_IN_MESSAGES).map((paper) => paperEntry(paper, locale));
    const more = edition.papers.length - shown.length;
    list.push({
      title: t(locale, "digest.added"),
      entries: more > 0 ? [...shown, t(locale, "digest.morePapers", { count: more })] : shown,
    });
  }
  const candidates = edition.candidates.map(
    (candidate) =>
      `**[${escapeDiscordMarkdown(clip(candidate.title, TITLE_MAX))}](${candidate.url})** · arXiv ${candidate.arxivId}\n` +
      `_${candidateNote(locale, candidate, escapeDiscordMarkdown)}_`,
  );
  list.push({ title: t(locale, "digest.candidates"), entries: candidates.length > 0 ? candidates : [t(locale, "digest.noCandidates")] });
  if (forYou) {
    const entries = [
      ...forYou.papers.flatMap((index) => {
        const paper = edition.papers[index];
        return paper
          ? [`**[${escapeDiscordMarkdown(clip(locale === "ja" ? paper.titleJa : paper.title, TITLE_MAX))}](${paper.url})**`]
          : [];
      }),
      ...forYou.candidates.flatMap((index) => {
        const candidate = edition.candidates[index];
        return candidate
          ? [
              `**[${escapeDiscordMarkdown(clip(candidate.title, TITLE_MAX))}](${candidate.url})** · _${candidateNote(locale, candidate, escapeDiscordMarkdown)}_`,
            ]
          : [];
      }),
      ...(forYou.more > 0 ? [t(locale, "digest.forYouMore", { count: forYou.more })] : []),
    ];
    const topics = forYou.topics.map((topic) => escapeDiscordMarkdown(clip(topicLabel(locale, topic), 40))).join(", ");
    list.push({ title: clip(t(locale, "digest.forYou", { topics }), TITLE_MAX), entries });
  }
  if (edition.picks.length > 0)
    list.push({ title: t(locale, "digest.pick"), entries: edition.picks.map((paper) => paperEntry(paper, locale, 400)) });
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
        ? clip(t(locale, "digest.continued", { title: section.title }), EMBED_LIMITS.title)
        : clip(section.title, EMBED_LIMITS.title);
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

/** votes (issue 18): 👍 for the week's papers, then its candidates (named, as one message holds several). */
function editionVoteRows(edition: Edition) {
  return digestVoteRows([
    ...edition.papers.slice(0, MAX_PAPERS_IN_MESSAGES).map(votableEditionPaper),
    ...edition.candidates.map((candidate) => ({ paperKey: candidate.arxivId, name: candidate.title })),
  ]);
}
