import { t, type Locale } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import { shownNotes } from "../catalog/format.js";
import { arxivAbsUrl, arxivPdfUrl } from "../catalog/arxiv-id.js";
import { texToText } from "../arxiv/tex.js";
import { truncate } from "../shared/safe-text.js";
import { oneLineSummary, type DigestCandidate, type EditionPaper, type EntryVotes } from "./content.js";

/**
 * One digest entry as every output shows it (Discord embeds, DMs, web pages, Atom): the same facts in the same order,
 * so the renderers only decide markup. Nothing internal (scores) is in here.
 */
export interface EntryView {
  title: string;
  /** The title in the other language, when one was written (the web page shows both). */
  otherTitle: { text: string; lang: Locale } | null;
  url: string;
  /** "A. Vaswani et al." */
  authors: string | null;
  topics: string | null;
  /** What the paper does, in one line. */
  line: string;
  /** Notes on that line (the authors' abstract; English for a Japanese reader). */
  notes: string[];
  /** Why the watch picked an unreviewed paper, in words. */
  why: string | null;
  /** "arXiv:2611.00001" beside the links (the title already links to the arXiv page). */
  arxivLabel: string | null;
  links: { label: string; url: string }[];
  votes: string | null;
}

const LINE_MAX = 300;
const AUTHORS_MAX = 80;
const TITLE_MAX = 240;

/** "First et al." (all names when there are one or two), in the reader's language. */
export function authorsShort(locale: Locale, authors: readonly string[] | undefined): string | null {
  const names = (authors ?? []).map((name) => name.trim()).filter((name) => name !== "");
  const truncated = names.some((name) => /^et al\.?$/i.test(name));
  const real = names.filter((name) => !/^et al\.?$/i.test(name));
  const [first, second] = real;
  if (first === undefined) return null;
  let text: string;
  if (real.length > 2 || truncated) text = t(locale, "digest.entry.authorsMany", { first });
  else if (second !== undefined) text = t(locale, "digest.entry.authorsTwo", { first, second });
  else text = first;
  return truncate(text, AUTHORS_MAX);
}

function list(locale: Locale, items: readonly string[]): string {
  return new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(items);
}

function topicsText(locale: Locale, topics: readonly string[]): string | null {
  return topics.length === 0
    ? null
    : t(locale, "digest.webTopics", { topics: topics.map((topic) => topicLabel(locale, topic)).join(", ") });
}

function votesText(locale: Locale, votes: EntryVotes | undefined): string | null {
  if (!votes) return null;
  return votes.down === undefined
    ? t(locale, "digest.entry.votes", { up: votes.up })
    : t(locale, "digest.entry.votesBoth", { up: votes.up, down: votes.down });
}

function links(
  locale: Locale,
  entry: { url: string; arxivId?: string | null; pdfUrl?: string | null; threadUrl?: string | undefined },
): EntryView["links"] {
  const out: EntryView["links"] = [];
  // The title links to the paper's page; arXiv's is named only when the title links elsewhere.
  if (entry.arxivId && arxivAbsUrl(entry.arxivId) !== entry.url)
    out.push({ label: t(locale, "digest.entry.arxiv"), url: arxivAbsUrl(entry.arxivId) });
  if (entry.pdfUrl && entry.pdfUrl !== entry.url) out.push({ label: t(locale, "digest.entry.pdf"), url: entry.pdfUrl });
  if (entry.threadUrl) out.push({ label: t(locale, "digest.entry.thread"), url: entry.threadUrl });
  return out;
}

export function paperView(paper: EditionPaper, locale: Locale): EntryView {
  const translated = paper.titleJa.trim() !== "" && paper.titleJa.trim() !== paper.title.trim();
  const title = locale === "ja" && translated ? paper.titleJa : paper.title;
  const otherTitle = translated
    ? { text: locale === "ja" ? paper.title : paper.titleJa, lang: locale === "ja" ? ("en" as const) : ("ja" as const) }
    : null;
  return {
    title: truncate(title, TITLE_MAX),
    otherTitle,
    url: paper.url,
    authors: authorsShort(locale, paper.authors),
    topics: topicsText(locale, paper.topics),
    // Editions frozen before the contribution line was kept show their summary's first sentence, as they did.
    line: truncate(paper.line?.[locale] ?? oneLineSummary(paper.summary[locale], LINE_MAX), LINE_MAX),
    notes: shownNotes(paper.notes?.[locale] ?? []).map((key) => t(locale, key)),
    why: null,
    arxivLabel: paper.arxivId ? `arXiv:${paper.arxivId}` : null,
    links: links(locale, paper),
    votes: votesText(locale, paper.votes),
  };
}

/**
 * A term worth naming to readers: words of an English abstract (the watch also weighs bare numbers and the catalog's
 * Japanese aliases, which say nothing to a reader as a reason).
 */
function readableTerm(term: string): boolean {
  return /^[\p{Script=Latin}\p{N}][\p{Script=Latin}\p{N} .+'-]*$/u.test(term) && (term.match(/\p{Script=Latin}/gu) ?? []).length >= 3;
}

/** The watch's reasons in words: the reading-list papers it is close to, the terms it is about, else its topics. */
function why(locale: Locale, candidate: DigestCandidate): string | null {
  const reasons: string[] = [];
  const similar = (candidate.similar ?? []).slice(0, 3);
  if (similar.length > 0) reasons.push(t(locale, "digest.entry.whySimilar", { papers: list(locale, similar) }));
  const terms = (candidate.terms ?? [])
    .filter(readableTerm)
    .slice(0, 3)
    .map((term) => `“${term}”`);
  if (terms.length > 0) reasons.push(t(locale, "digest.entry.whyTerms", { terms: list(locale, terms) }));
  if (reasons.length === 0 && candidate.topics.length > 0)
    reasons.push(
      t(locale, "digest.entry.whyTopics", {
        topics: list(
          locale,
          candidate.topics.map((topic) => topicLabel(locale, topic)),
        ),
      }),
    );
  return reasons.length === 0 ? null : t(locale, "digest.entry.why", { reasons: reasons.join(t(locale, "digest.entry.whySeparator")) });
}

export function candidateView(candidate: DigestCandidate, locale: Locale): EntryView {
  return {
    // Candidates stored before TeX was rendered where arXiv text enters are rendered here.
    title: truncate(candidate.line === undefined ? texToText(candidate.title) : candidate.title, TITLE_MAX),
    otherTitle: null,
    url: candidate.url,
    authors: authorsShort(locale, candidate.authors),
    topics: topicsText(locale, candidate.topics),
    line: truncate(candidate.line ?? oneLineSummary(texToText(candidate.excerpt), LINE_MAX), LINE_MAX),
    // The line is the authors' English: a Japanese reader is told so.
    notes: locale === "ja" ? [t(locale, "digest.entry.abstractLine")] : [],
    why: why(locale, candidate),
    arxivLabel: `arXiv:${candidate.arxivId}`,
    links: links(locale, {
      url: candidate.url,
      arxivId: candidate.arxivId,
      pdfUrl: candidate.pdfUrl ?? arxivPdfUrl(candidate.arxivId),
      threadUrl: candidate.threadUrl,
    }),
    votes: votesText(locale, candidate.votes),
  };
}
