import type { CatalogEntry, Topic } from "../catalog/schema.js";
import { TOPICS } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { arxivPdfUrl } from "../catalog/arxiv-id.js";
import { summaryFor, summaryInEnglishInstead, summaryMarks, summaryOrigin, titleJaMark } from "../catalog/format.js";
import { t, type Locale } from "../i18n/index.js";

/** Folder every file sits under inside the zip. */
export const BUNDLE_FOLDER = "paperbot-llm-reading-list";
/** File name of the zip in the store and in download links. */
export const BUNDLE_FILE_NAME = `${BUNDLE_FOLDER}.zip`;

/** Reading-list order: position, then id, so the caller's array order never changes the output. */
export function orderPapers(papers: readonly Paper[]): Paper[] {
  const seen = new Set<string>();
  for (const paper of papers) {
    if (seen.has(paper.id)) throw new Error(`bundle: duplicate paper id "${paper.id}"`);
    seen.add(paper.id);
  }
  return [...papers].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Collapses runs of whitespace (including newlines) to one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A name safe for anchors and file names: lowercase letters, digits and '-'. */
export function slugify(value: string): string {
  const slug = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.length > 0 ? slug : "paper";
}

export function paperAnchor(paper: Pick<Paper, "id">): string {
  return `paper-${slugify(paper.id)}`;
}

export function topicAnchor(topic: Topic): string {
  return `topic-${slugify(topic)}`;
}

/** The PDF link shown to readers: the catalog's own, else arXiv's. */
export function pdfUrlFor(paper: Pick<Paper, "pdfUrl" | "arxivId">): string | null {
  if (paper.pdfUrl) return paper.pdfUrl;
  return paper.arxivId ? arxivPdfUrl(paper.arxivId) : null;
}

/** Only absolute http(s) URLs are ever emitted as links. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The summary a reader of `locale` gets (catalog/format.ts `summaryFor`), its notes ("The authors' abstract…",
 * "English only…") in that locale, and the language the text is actually in.
 */
export function bundleSummary(paper: Paper, locale: Locale): { text: string; notes: string[]; textLocale: Locale } {
  const summary = summaryFor(paper, locale);
  return {
    text: summary.text,
    notes: summary.notes.map((key) => t(locale, key)),
    textLocale: summaryInEnglishInstead(summary.notes) ? "en" : locale,
  };
}

/**
 * A paper in papers.json: the catalog fields; `summarySource` (where each summary comes from) is there for papers
 * moderators added or edited, and for catalog entries that carry one.
 */
export type PublicPaper = CatalogEntry;

/** The public catalog fields of a paper, in schema order (internal fields such as position/source/addedAt dropped). */
export function publicPaper(paper: Paper): PublicPaper {
  const marks = summaryMarks(summaryOrigin(paper));
  return {
    id: paper.id,
    arxivId: paper.arxivId,
    url: paper.url,
    pdfUrl: paper.pdfUrl,
    title: paper.title,
    titleJa: paper.titleJa,
    authors: [...paper.authors],
    ...(paper.organisation !== undefined ? { organisation: paper.organisation } : {}),
    year: paper.year,
    ...(paper.venue !== undefined ? { venue: paper.venue } : {}),
    topics: [...paper.topics],
    aliases: [...paper.aliases],
    keyResults: { en: [...paper.keyResults.en], ja: [...paper.keyResults.ja] },
    summary: { en: paper.summary.en, ja: paper.summary.ja },
    ...(marks ?? {}),
    ...titleJaMark(paper),
  };
}

export interface TopicGroup {
  topic: Topic;
  /** Papers whose first topic is this one: their full entry lives in this section. */
  primary: Paper[];
  /** Every paper tagged with this topic (for the contents). */
  tagged: Paper[];
}

/** Groups in TOPICS order; topics without any paper are left out. Unknown topics (should not happen) go last, by name. */
export function groupByTopic(ordered: readonly Paper[]): TopicGroup[] {
  const groups = new Map<Topic, TopicGroup>();
  const group = (topic: Topic): TopicGroup => {
    let found = groups.get(topic);
    if (!found) {
      found = { topic, primary: [], tagged: [] };
      groups.set(topic, found);
    }
    return found;
  };
  for (const paper of ordered) {
    const first = paper.topics[0];
    if (first !== undefined) group(first).primary.push(paper);
    for (const topic of new Set(paper.topics)) group(topic).tagged.push(paper);
  }
  const rank = (topic: Topic): number => {
    const at = (TOPICS as readonly string[]).indexOf(topic);
    return at < 0 ? TOPICS.length : at;
  };
  return [...groups.values()].sort((a, b) => rank(a.topic) - rank(b.topic) || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/** Papers without any topic (the schema forbids it, but the bundle must still list every paper). */
export function untopicedPapers(ordered: readonly Paper[]): Paper[] {
  return ordered.filter((paper) => paper.topics.length === 0);
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
