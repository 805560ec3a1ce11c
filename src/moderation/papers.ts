import type { ArxivRecord } from "../arxiv/api.js";
import { catalogEntrySchema, TOPICS, topicSchema, type CatalogEntry, type SummarySource, type Topic } from "../catalog/schema.js";
import { matchTopic } from "../catalog/topics.js";
import type { Locale } from "../i18n/locale.js";
import { topicLabel } from "../i18n/topics.js";
import { summaryMarks, summaryOrigin, titleJaMark } from "../catalog/format.js";
import { compactKey } from "../catalog/text.js";
import type { Paper, PaperModeration } from "../catalog/types.js";
import type { Db } from "../db/connection.js";
import { paperStore } from "../db/papers.js";
import { searchDocument } from "../catalog/search-document.js";
import { fail, succeed, type Outcome } from "../errors.js";

const MAX_AUTHORS = 12;
const MAX_TOPICS = 5;

/** Whole words joined by "-" within `max` characters; a single word longer than that is the only one ever cut. */
function wordsWithin(words: readonly string[], max: number): string {
  let joined = "";
  for (const word of words) {
    const next = joined === "" ? word : `${joined}-${word}`;
    if (next.length > max) break;
    joined = next;
  }
  return joined === "" ? (words[0] ?? "").slice(0, max) : joined;
}

/**
 * "Attention Is All You Need" → "attention-is-all-you-need" (at most six words, cut at a word boundary, never
 * mid-word), unique among `taken`.
 */
export function paperSlug(title: string, arxivId: string, taken: (id: string) => boolean): string {
  const words = title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, " ")
    .split(/[\s-]+/)
    .filter((word) => word !== "")
    .slice(0, 6);
  const base = wordsWithin(words.length > 0 ? words : ["arxiv"], 48);
  if (!taken(base)) return base;
  const idPart = arxivId
    .replace(/[^0-9a-z]+/gi, "-")
    .toLowerCase()
    .replace(/^-+|-+$/g, "");
  const withId = `${wordsWithin(base.split("-"), 64 - idPart.length - 1)}-${idPart}`;
  if (!taken(withId)) return withId;
  const stamp = Date.now().toString(36);
  return `${wordsWithin(withId.split("-"), 64 - stamp.length - 1)}-${stamp}`;
}

/** Separators moderators use between topics: commas and semicolons (ASCII and full-width), 、 and line breaks. */
const TOPIC_SEPARATORS = /[,;，；、\n]+/;
/** ・ (nakaguro) also lists topics in Japanese, but is part of some names (画像・視覚): used only when the whole part is no topic. */
const NAKAGURO = /[・･]+/;

/** A part of a topic list: one topic by any name the bot prints (id, en/ja label, synonym), or space-separated ids. */
function topicsIn(part: string): Topic[] | null {
  const whole = matchTopic(part);
  if (whole) return [whole];
  const words = part.split(/\s+/).filter((word) => word !== "");
  const topics = words.map((word) => matchTopic(word));
  return words.length > 1 && topics.every((topic) => topic !== null) ? (topics as Topic[]) : null;
}

/**
 * Catalog topics from a list ("retrieval, agents", "検索拡張、エージェント", "Retrieval; Mixture of experts"), each by
 * any name the bot prints, as /follow takes them; unknown ones are reported with the labels in `locale`.
 */
export function parseTopics(text: string, locale: Locale = "en"): Outcome<Topic[]> {
  const parts = text
    .split(TOPIC_SEPARATORS)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .flatMap((part) => {
      if (!NAKAGURO.test(part) || topicsIn(part) !== null) return [part];
      const pieces = part
        .split(NAKAGURO)
        .map((piece) => piece.trim())
        .filter((piece) => piece !== "");
      return pieces.every((piece) => topicsIn(piece) !== null) ? pieces : [part];
    });
  const found = parts.map((part) => ({ part, topics: topicsIn(part) }));
  const unknown = found.filter((entry) => entry.topics === null).map((entry) => entry.part);
  if (unknown.length > 0) {
    const known = TOPICS.map((topic) => topicLabel(locale, topic)).join(locale === "ja" ? "、" : ", ");
    return fail("moderation.unknownTopics", { topics: unknown.join(", ").slice(0, 200), known });
  }
  const topics = [...new Set(found.flatMap((entry) => entry.topics ?? []))];
  if (topics.length > MAX_TOPICS) return fail("moderation.tooManyTopics", { max: MAX_TOPICS });
  return succeed(topics);
}

/** A topic list as a moderator's form shows it: labels in their language, which parseTopics takes back. */
export function topicsText(topics: readonly Topic[], locale: Locale): string {
  return topics.map((topic) => topicLabel(locale, topic)).join(locale === "ja" ? "、" : ", ");
}

/** A first guess at topics from the title and abstract, for when the moderator gives none. */
export function guessTopics(record: Pick<ArxivRecord, "title" | "abstract" | "categories">): Topic[] {
  const text = `${record.title} ${record.abstract}`.toLowerCase();
  const hints: [Topic, RegExp][] = [
    ["retrieval", /retriev|rag\b/],
    ["agents", /\bagent/],
    ["alignment", /alignment|rlhf|preference/],
    ["fine-tuning", /fine-?tun|adapter|lora\b/],
    ["efficiency", /efficien|quantiz|distill|sparse|pruning/],
    ["scaling", /scaling law|compute-optimal/],
    ["code", /\bcode\b|program synthesis/],
    ["safety", /safety|jailbreak|harm/],
    ["mixture-of-experts", /mixture[- ]of[- ]experts|\bmoe\b/],
    ["diffusion", /diffusion/],
    ["reinforcement-learning", /reinforcement learning/],
  ];
  const found = hints.filter(([, pattern]) => pattern.test(text)).map(([topic]) => topic);
  if (record.categories.includes("cs.CV")) found.push("vision");
  return found.length > 0 ? [...new Set(found)].slice(0, MAX_TOPICS) : ["foundations"];
}

/** The catalog topics the watch's topic classifier is confident of (src/arxiv/topics.ts): what the Approve form pre-fills. */
export function confidentTopics(candidate: { reasons: { topics: string[] } }): Topic[] {
  return candidate.reasons.topics.filter((topic): topic is Topic => topicSchema.safeParse(topic).success).slice(0, MAX_TOPICS);
}

/** Topics for an approved candidate when none are given: the confident topics, else a guess. */
export function approvalTopics(candidate: {
  reasons: { topics: string[] };
  title: string;
  abstract: string;
  categories: string[];
}): Topic[] {
  const matched = confidentTopics(candidate);
  return matched.length > 0 ? matched : guessTopics(candidate);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The years a catalog entry may have (the catalog schema's bounds). */
export const YEARS = { min: 1990, max: 2100 } as const;

/**
 * A catalog entry for an arXiv paper. Until a moderator writes summaries, the authors' abstract stands in
 * for the English summary and (as the catalog format needs one) for the Japanese one; `addedFromAbstract`
 * flags both, and every renderer shows them as the authors' abstract. No organisation and no key results:
 * arXiv gives neither, and we don't invent them. A record the catalog cannot hold (a year outside YEARS, or
 * anything else the schema refuses) is an expected failure with its reason, not a crash.
 */
export function arxivEntry(record: ArxivRecord, topics: readonly Topic[], taken: (id: string) => boolean): Outcome<CatalogEntry> {
  const authors = record.authors.length > MAX_AUTHORS ? [...record.authors.slice(0, MAX_AUTHORS - 1), "et al."] : record.authors;
  const abstract = clip(record.abstract || record.title, 1500);
  const year = Number(record.published.slice(0, 4)) || new Date().getUTCFullYear();
  if (!Number.isInteger(year) || year < YEARS.min || year > YEARS.max) {
    return fail("paperAdd.yearOutOfRange", {
      arxivId: record.arxivId,
      year: record.published.slice(0, 10),
      min: YEARS.min,
      max: YEARS.max,
    });
  }
  const parsed = catalogEntrySchema.safeParse({
    id: paperSlug(record.title, record.arxivId, taken),
    arxivId: record.arxivId,
    url: record.absUrl,
    pdfUrl: record.pdfUrl,
    title: clip(record.title, 300),
    titleJa: clip(record.title, 300),
    authors: authors.length > 0 ? authors.map((author) => clip(author, 120)) : ["Unknown"],
    year,
    topics: topics.length > 0 ? [...topics] : guessTopics(record),
    aliases: [],
    keyResults: { en: [], ja: [] },
    summary: { en: abstract, ja: abstract },
  });
  if (parsed.success) return succeed(parsed.data);
  const issue = parsed.error.issues[0];
  return fail("paperAdd.invalidRecord", {
    arxivId: record.arxivId,
    field: issue?.path.join(".") || "?",
    problem: (issue?.message ?? "").slice(0, 200),
  });
}

/** arxivEntry for a record known to be listable (tests, fixtures); throws with the reason otherwise. */
export function entryFromArxiv(record: ArxivRecord, topics: readonly Topic[], taken: (id: string) => boolean): CatalogEntry {
  const entry = arxivEntry(record, topics, taken);
  if (!entry.ok) throw new Error(`arXiv record ${record.arxivId} cannot be listed (${entry.key})`);
  return entry.value;
}

export const addedFromAbstract = (by: string): PaperModeration => ({ addedBy: by, summary: { en: "abstract", ja: null } });

export interface PaperEdit {
  summaryEn: string;
  summaryJa: string;
  aliases: string[];
  topics: Topic[];
}

/** Applies a moderator's edit; a blank summary keeps what was there (the abstract, or nothing in Japanese). */
export function applyEdit(
  paper: Paper,
  edit: PaperEdit,
  by: string,
  now: Date,
): Outcome<{ entry: CatalogEntry; moderation: PaperModeration }> {
  const aliases = dedupeAliases(edit.aliases);
  const invisible = aliases.find((alias) => INVISIBLE_ONLY.test(alias));
  if (invisible !== undefined) return fail("moderation.invisibleAlias", { codePoints: codePoints(invisible) });
  if (aliases.length > MAX_ALIASES) return fail("moderation.tooManyAliases", { count: aliases.length, max: MAX_ALIASES });
  const previous: SummarySource = summaryOrigin(paper) ?? { en: "written", ja: "written" };
  const en = edit.summaryEn.trim();
  const ja = edit.summaryJa.trim();
  const summary: SummarySource = {
    en: en ? "written" : previous.en,
    ja: ja ? "written" : previous.ja === "written" ? "written" : null,
  };
  const candidate = withSummarySource(
    {
      ...entryOf(paper),
      topics: edit.topics.length > 0 ? edit.topics : paper.topics,
      aliases,
      summary: { en: en || paper.summary.en, ja: ja || (previous.ja !== "written" ? en || paper.summary.en : paper.summary.ja) },
    },
    summary,
  );
  const parsed = catalogEntrySchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail("moderation.invalidEdit", { field: issue?.path.join(".") ?? "?", problem: issue?.message ?? "" });
  }
  return succeed({ entry: parsed.data, moderation: { ...paper.moderation, editedBy: by, editedAt: now.toISOString(), summary } });
}

/** The catalog schema's limit; a longer list is refused with its count, never cut without a word. */
export const MAX_ALIASES = 40;

/** Nothing a reader could see or type: whitespace, format characters (zero-width space, joiners, BOM…) and other default-ignorables. */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]+$/u;

/** "U+200B U+200C", so a moderator can tell which invisible alias was meant. */
function codePoints(text: string): string {
  return [...text]
    .slice(0, 8)
    .map((char) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`)
    .join(" ");
}

/** Trimmed, without blanks, each once (compared by compactKey). */
function dedupeAliases(aliases: string[]): string[] {
  const seen = new Set<string>();
  return aliases
    .map((alias) => alias.trim())
    .filter((alias) => alias !== "" && !seen.has(compactKey(alias)) && Boolean(seen.add(compactKey(alias))));
}

/**
 * The catalog-file fields of a paper (what export writes and the schema checks), with `summarySource` when its
 * summaries are not both written by people, so a paper committed back into the catalog keeps its marks.
 */
export function entryOf(paper: Paper): CatalogEntry {
  const { position: _position, source: _source, addedAt: _addedAt, moderation: _moderation, titleJaLanguage: _titleJa, ...entry } = paper;
  return { ...withSummarySource(entry, summaryOrigin(paper)), ...titleJaMark(paper) };
}

/** `entry` with `summarySource` set to `source`, or without one when both summaries are written (the catalog's default). */
function withSummarySource(entry: CatalogEntry, source: SummarySource | undefined): CatalogEntry {
  const { summarySource: _previous, summaryLanguage: _language, ...rest } = entry;
  return { ...rest, ...summaryMarks(source) };
}

/** Writes to the papers table; each call is meant to run inside the audit transaction. */
export function paperWrites(db: Db) {
  const store = paperStore(db);
  return {
    byArxivId: store.byArxivId,
    get: store.get,
    insert(entry: CatalogEntry, moderation: PaperModeration, now: Date): void {
      store.insert(entry, searchDocument(entry), "moderator", store.nextPosition(), now);
      store.setModeration(entry.id, moderation);
    },
    update(paper: Paper, entry: CatalogEntry, moderation: PaperModeration, now: Date): void {
      store.update(entry, searchDocument(entry), paper.position, now);
      store.setModeration(entry.id, moderation);
    },
    remove: store.remove,
  };
}

/** Areas LLM papers are filed under; a paper in none of them (hep-ex, cond-mat…) is probably not for this list. */
const LLM_AREAS = /^(?:cs|stat|eess|math\.OC|q-bio\.NC)(?:\.|$)/;

/** True when arXiv files the paper outside every area LLM papers are in (the preview and the CLI warn). */
export function outsideLlmAreas(categories: readonly string[]): boolean {
  return categories.length > 0 && !categories.some((category) => LLM_AREAS.test(category));
}
