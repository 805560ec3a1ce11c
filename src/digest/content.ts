import { TOPICS } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { paperShortName, summaryFor } from "../catalog/format.js";
import { arxivPdfUrl } from "../catalog/arxiv-id.js";
import { contributionLine } from "./contribution.js";
import { t, type Locale, type PlainMessageKey } from "../i18n/index.js";
import { weekIndex, weekRange, type WeekLabel } from "./week.js";
import { clipText } from "../shared/safe-text.js";
import type { CommunityPick } from "../community/digest-top.js";

/** A pending arXiv candidate as the digest shows it: clearly not yet reviewed. */
export interface DigestCandidate {
  arxivId: string;
  title: string;
  url: string;
  score: number;
  /** Catalog topics and followed keywords it matched. */
  topics: string[];
  /** The terms that carried its relevance ("KV cache"), best first; absent in editions stored before they were kept. */
  terms?: string[];
  excerpt: string;
  /** The abstract's sentence saying what the paper does (absent in editions stored before it was kept). */
  line?: string;
  authors?: string[];
  /** Names of reading-list papers the watch found it close to. */
  similar?: string[];
  pdfUrl?: string;
  /** The paper's discussion thread, once threads exist (rendered when present). */
  threadUrl?: string;
  /** Members' votes, once they exist (rendered when present). */
  votes?: EntryVotes;
}

/** Members' votes on a paper (another feature fills them in; the digest shows them when present). */
export interface EntryVotes {
  up: number;
  down?: number;
}

/**
 * What members read beside a candidate: that nobody reviewed it yet and, where the watch kept them, the terms that
 * carried its relevance. The internal score is for moderators, never shown here.
 */
export function candidateNote(
  locale: Locale,
  candidate: Pick<DigestCandidate, "terms">,
  term: (text: string) => string = (text) => text,
): string {
  const terms = candidate.terms ?? [];
  return terms.length > 0
    ? t(locale, "digest.candidateNoteTerms", { terms: terms.map(term).join(", ") })
    : t(locale, "digest.candidateNote");
}

/** A follower who gets the digest by DM (DMs not paused), in the locale stored when they followed. */
export interface DigestReader {
  userId: string;
  locale: Locale;
  /** When they followed: earlier publications are not owed to them. */
  since: string;
  /** Catalog topics and free keywords, for "for your topics". */
  topics: string[];
}

/** Where a digest's parts come from; each part can be replaced (tests, benchmarks, the arXiv watch). */
export interface DigestSources {
  /** Papers moderators added or approved during the week. */
  addedPapers(start: Date, end: Date): Paper[];
  /** The best pending candidates, best first. */
  pendingCandidates(limit: number): DigestCandidate[];
  /** The curated reading list the weekly pick rotates through, in list order. */
  readingList(): readonly Paper[];
  /** Followers to DM (the follows tables), oldest first. */
  readers(): DigestReader[];
  /** votes (issue 18): the week's most voted papers ("Top this week by the community"). */
  communityTop?(start: Date, end: Date): CommunityPick[];
}

export interface EditionPaper {
  id: string;
  title: string;
  titleJa: string;
  url: string;
  topics: string[];
  /** Per language, the text a reader gets (English where no summary was written in their language yet). */
  summary: { en: string; ja: string };
  /** Per language, what the reader is told about that text (the authors' abstract; English only). */
  notes?: { en: PlainMessageKey[]; ja: PlainMessageKey[] };
  /** Per language, the one line on what the paper does (absent in editions stored before it was kept). */
  line?: { en: string; ja: string };
  authors?: string[];
  arxivId?: string | null;
  pdfUrl?: string | null;
  /** The paper's discussion thread, once threads exist (rendered when present). */
  threadUrl?: string;
  /** Members' votes, once they exist (rendered when present). */
  votes?: EntryVotes;
}

/** One ISO week's digest, frozen when it is first sent so every destination and the archive agree. */
export interface Edition {
  week: WeekLabel;
  start: string;
  end: string;
  papers: EditionPaper[];
  candidates: DigestCandidate[];
  picks: EditionPaper[];
  /** votes (issue 18): absent in editions stored before votes, or without a source for them. */
  community?: CommunityPick[];
}

/** Candidates an edition keeps: the top MAX_CANDIDATES_SHOWN for everyone, the rest only for matching DM readers. */
export const CANDIDATES_PER_DIGEST = 5;
/** Unreviewed machine picks every reader sees: a short section, never the whole edition. */
export const MAX_CANDIDATES_SHOWN = 3;
export const FOR_YOU_LIMIT = 10;
/** Bound on the papers an edition stores (the web page lists them all). */
export const MAX_PAPERS_PER_EDITION = 5_000;
/** Papers listed in the Discord messages; a busier week says how many more are on the web page. */
export const MAX_PAPERS_IN_MESSAGES = 100;
const WEEKS_PER_YEAR = 52;

function toEditionPaper(paper: Paper): EditionPaper {
  // Moderators' papers follow the moderation rule: the reader's language when written, else English, with a note.
  const en = summaryFor(paper, "en");
  const ja = summaryFor(paper, "ja");
  // Our own summaries name the paper in the sentence that says what it does; the authors' abstract says "we propose".
  const names = [paperShortName(paper), ...paper.aliases, paper.title.split(":")[0] ?? ""];
  const lineEn = contributionLine(en.text, en.fromAbstract ? {} : { names });
  const jaWritten = !ja.notes.some((note) => note === "paper.englishOnly" || note === "paper.englishAbstractNote");
  return {
    id: paper.id,
    title: paper.title,
    titleJa: paper.titleJa,
    url: paper.url,
    topics: [...paper.topics],
    summary: { en: en.text, ja: ja.text },
    ...(en.notes.length + ja.notes.length > 0 ? { notes: { en: en.notes, ja: ja.notes } } : {}),
    line: { en: lineEn, ja: jaWritten ? contributionLine(ja.text, ja.fromAbstract ? {} : { names }) : lineEn },
    authors: [...paper.authors],
    arxivId: paper.arxivId,
    pdfUrl: paper.pdfUrl ?? (paper.arxivId ? arxivPdfUrl(paper.arxivId) : null),
  };
}

/**
 * The reading-list pick for a week: ceil(n / 52) consecutive papers starting at a week-dependent offset, so
 * 52 consecutive weeks show every paper at least once.
 */
export function picksFor(week: WeekLabel, list: readonly Paper[]): Paper[] {
  if (list.length === 0) return [];
  const perWeek = Math.ceil(list.length / WEEKS_PER_YEAR);
  const slot = weekIndex(week) % Math.ceil(list.length / perWeek);
  return list.slice(slot * perWeek, slot * perWeek + perWeek);
}

export function buildEdition(week: WeekLabel, sources: DigestSources): Edition {
  const { start, end } = weekRange(week);
  const catalog = sources.readingList().filter((paper) => paper.source === "catalog");
  return {
    week,
    start: start.toISOString(),
    end: end.toISOString(),
    papers: sources.addedPapers(start, end).slice(0, MAX_PAPERS_PER_EDITION).map(toEditionPaper),
    candidates: sources.pendingCandidates(CANDIDATES_PER_DIGEST).slice(0, CANDIDATES_PER_DIGEST),
    picks: picksFor(week, catalog.length > 0 ? catalog : sources.readingList()).map(toEditionPaper),
    ...(sources.communityTop ? { community: sources.communityTop(start, end) } : {}),
  };
}

/**
 * A DM reader's "for your topics" part, as indexes into the edition's papers and candidates. What the DM already
 * lists (the first MAX_PAPERS_IN_MESSAGES papers, the first MAX_CANDIDATES_SHOWN candidates) is only marked there
 * (`marked`); `papers` and `candidates` are matches the DM would not otherwise show, so nothing is listed twice.
 */
export interface ForYou {
  topics: string[];
  papers: number[];
  candidates: number[];
  /** Matches the DM lists anyway: marked in place (absent in plans made before marking). */
  marked?: { papers: number[]; candidates: number[] };
  /** Matches beyond FOR_YOU_LIMIT, said in the message rather than dropped silently. */
  more: number;
}

const CATALOG_TOPICS: ReadonlySet<string> = new Set(TOPICS);

/** Number of set bits in a 32-bit word. */
function popcount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Decides every reader's "for your topics" content. Each distinct topic's matches are found once, as a bitset
 * over the edition's papers then candidates; a reader's part is the union of their topics' bitsets, so the work per
 * reader is (topics × items / 32) word operations, and the whole fan-out grows linearly with the readers.
 */
export function createForYouPlanner(
  edition: Pick<Edition, "papers" | "candidates">,
  shown: { papers: number; candidates: number } = { papers: MAX_PAPERS_IN_MESSAGES, candidates: MAX_CANDIDATES_SHOWN },
) {
  const paperCount = edition.papers.length;
  const words = Math.ceil((paperCount + edition.candidates.length) / 32);
  const paperText = edition.papers.map((paper) =>
    `${paper.title}\n${paper.summary.en}\n${paper.titleJa}\n${paper.summary.ja}`.toLowerCase(),
  );
  const candidateText = edition.candidates.map((candidate) => `${candidate.title}\n${candidate.excerpt}`.toLowerCase());
  const byTopic = new Map<string, Uint32Array>();
  // Past this bit, no item is listed in the DM anyway: once the extras are full, the rest only needs counting.
  const firstUnlisted = Math.max(Math.min(shown.papers, paperCount), paperCount + Math.min(shown.candidates, edition.candidates.length));
  const single = new Map<string, ForYou | null>();
  const union = new Uint32Array(words);

  const matches = (topic: string): Uint32Array => {
    let bits = byTopic.get(topic);
    if (bits) return bits;
    bits = new Uint32Array(words);
    const set = (index: number) => {
      if (bits) bits[index >>> 5] = (bits[index >>> 5] ?? 0) | (1 << (index & 31));
    };
    const catalogTopic = CATALOG_TOPICS.has(topic);
    const needle = topic.toLowerCase();
    edition.papers.forEach(
      (paper, index) => (catalogTopic ? paper.topics.includes(topic) : paperText[index]?.includes(needle)) && set(index),
    );
    edition.candidates.forEach(
      (candidate, index) =>
        (candidate.topics.includes(topic) || (!catalogTopic && candidateText[index]?.includes(needle))) && set(paperCount + index),
    );
    byTopic.set(topic, bits);
    return bits;
  };

  const plan = (topics: readonly string[]): ForYou | null => {
    union.fill(0);
    for (const topic of topics) {
      const bits = matches(topic);
      for (let word = 0; word < words; word += 1) union[word] = (union[word] ?? 0) | (bits[word] ?? 0);
    }
    let total = 0;
    const papers: number[] = [];
    const candidates: number[] = [];
    const marked = { papers: [] as number[], candidates: [] as number[] };
    for (let word = 0; word < words; word += 1) {
      let value = union[word] ?? 0;
      if (value === 0) continue;
      total += popcount(value);
      // Bounded: the listed items (at most shown.papers + shown.candidates) plus FOR_YOU_LIMIT extras per word.
      while (value !== 0) {
        const bit = 31 - Math.clz32(value & -value);
        value &= value - 1;
        const index = word * 32 + bit;
        const isPaper = index < paperCount;
        const item = isPaper ? index : index - paperCount;
        if (isPaper ? item < shown.papers : item < shown.candidates) (isPaper ? marked.papers : marked.candidates).push(item);
        else if (papers.length + candidates.length < FOR_YOU_LIMIT) (isPaper ? papers : candidates).push(item);
        else if (index >= firstUnlisted) break;
      }
    }
    const listed = marked.papers.length + marked.candidates.length;
    return total === 0
      ? null
      : { topics: [...topics], papers, candidates, marked, more: total - listed - papers.length - candidates.length };
  };

  return (topics: readonly string[]): ForYou | null => {
    if (topics.length === 0) return null;
    if (topics.length > 1) return plan(topics);
    const topic = topics[0] ?? "";
    let cached = single.get(topic);
    if (cached === undefined) single.set(topic, (cached = plan(topics)));
    return cached;
  };
}

/** A destination's content: the edition, in a language, with a reader's own part for DMs. */
export interface DestinationContent {
  locale: Locale;
  forYou: ForYou | null;
  /** The paper's discussion thread in the destination's guild, if it has one (src/community/thread-links.ts). */
  threadUrl?: (paperId: string) => string | null;
}

/** The first sentence (or line) of a summary, at most `max` characters. */
export function oneLineSummary(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const sentence = /^(.+?(?:[.!?](?=\s|$)|[。！？]))/u.exec(flat)?.[1] ?? flat;
  return clipText(sentence, max);
}
