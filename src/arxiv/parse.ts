import { setImmediate as nextTurn } from "node:timers/promises";
import { z } from "zod";
import { arxivIdOf, arxivVersionOf } from "../catalog/arxiv-id.js";
import { parseFeedItems } from "./feed-items.js";
import { XmlParseError, type XmlLimits } from "./xml-worker.js";
import { TEXT_ACCENTS, texToText } from "./tex.js";

/** The most items one feed may contribute; arXiv's busiest daily feeds carry well under a thousand. */
export const MAX_FEED_ITEMS = 10_000;

export const ANNOUNCE_TYPES = ["new", "cross", "replace", "replace-cross"] as const;
export type AnnounceType = (typeof ANNOUNCE_TYPES)[number];

export interface FeedItem {
  arxivId: string;
  version: number;
  announceType: AnnounceType;
  title: string;
  authors: string[];
  categories: string[];
  abstract: string;
  license: string | null;
}

export interface ParsedFeed {
  items: FeedItem[];
  /** Items that did not look like arXiv announcements (no arXiv id and version in the guid, unknown announce type…). */
  invalid: number;
  /** The guids (or titles) of the first MAX_REPORTED_INVALID invalid items, cut to 120 characters, for the log. */
  invalidExamples: string[];
}

const MAX_REPORTED_INVALID = 5;

/** A body that is not a readable RSS feed: the reason is stored on the feed and shown to moderators. */
export class FeedFormatError extends Error {
  override name = "FeedFormatError";
}

type RawItem = Record<string, unknown>;

// rss-parser already maps description to `content` and dc:creator to `creator`.
export const FEED_CUSTOM_FIELDS = { item: ["arxiv:announce_type", "dc:rights"] };

/** No arXiv feed comes near these: a real item is 4 levels deep and about a dozen elements. */
export const FEED_XML_LIMITS: XmlLimits = { maxDepth: 32, maxElements: 50 * MAX_FEED_ITEMS, maxItems: MAX_FEED_ITEMS, itemTag: "item" };

/** Each item is checked on its own (rawItemSchema); a non-object one is counted invalid like any unreadable item. */
const parserOutputSchema = z.object({ items: z.array(z.unknown()) });

/** The longest the item checks hold the event loop before they let it turn, so a large feed does not hold it either. */
const MS_PER_TURN = 8;

/** The item fields read here (rawItemSchema, describeRaw): only these are read from the feed (see feed-items.ts). */
export const FEED_ITEM_FIELDS = ["guid", "title", "arxiv:announce_type", "categories", "creator", "content", "dc:rights"] as const;

const GUID = /^oai:arXiv\.org:(.+)v(\d+)$/;

/**
 * The shape of an rss-parser item we read (zod at the boundary). The bounds below are checked by hand on the
 * values themselves: zod's trim/min/max/regex per field cost several times its type checks, and copies.
 */
const rawItemSchema = z.object({
  guid: z.string(),
  title: z.string(),
  "arxiv:announce_type": z.enum(ANNOUNCE_TYPES),
  categories: z.array(z.string()).optional(),
  creator: z.string().optional(),
  content: z.string().optional(),
  "dc:rights": z.string().optional(),
});
type RawArxivItem = z.infer<typeof rawItemSchema>;

/**
 * `creator` is not a reason to drop an item: a longer author list is cut there (at the last whole name) before it
 * is split, and at most `authors` names are kept. A whole feed is capped at 10 MB anyway.
 */
export const LIMITS = { title: 1000, category: 40, categories: 50, creator: 100_000, content: 20_000, rights: 300, authors: 500 } as const;

export interface FeedParseOptions {
  /** The most a parse may take (in the worker thread). */
  timeLimitMs?: number;
  /** Stops the parse at once (the poller stopping). */
  signal?: AbortSignal;
}

/**
 * Parses an rss.arxiv.org feed (RSS 2.0 with arxiv: and dc: elements): its items read in one pass that lets the event
 * loop turn, or by rss-parser in its thread (see feed-items.ts). Throws FeedFormatError for anything else, and for a
 * feed too costly to parse (too deep, too many elements or items, too slow).
 */
export async function parseArxivFeed(xml: string, options: FeedParseOptions = {}): Promise<ParsedFeed> {
  const head = xml.slice(0, 2048).trimStart().toLowerCase();
  if (head.startsWith("<!doctype html") || head.startsWith("<html")) throw new FeedFormatError("an HTML page instead of the RSS feed");
  if (!/<rss[\s>]/.test(head)) throw new FeedFormatError(xml.trim() === "" ? "an empty body" : "not an RSS feed");
  let parsed: unknown;
  try {
    parsed = await parseFeedItems(xml, FEED_CUSTOM_FIELDS, { limits: FEED_XML_LIMITS, pick: FEED_ITEM_FIELDS, ...options });
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    throw new FeedFormatError(error.kind === "limit" ? `too costly to parse: ${error.message}` : `invalid XML: ${error.message}`);
  }
  const output = parserOutputSchema.safeParse(parsed);
  if (!output.success) throw new FeedFormatError("not an RSS feed (no items list)");
  if (output.data.items.length > MAX_FEED_ITEMS)
    throw new FeedFormatError(`too many items (${output.data.items.length} > ${MAX_FEED_ITEMS})`);
  const items: FeedItem[] = [];
  let invalid = 0;
  const invalidExamples: string[] = [];
  let turnStarted = performance.now();
  for (const [index, raw] of output.data.items.entries()) {
    // The clock is read every 16 items (a few tens of microseconds of work): cheap, and close enough to the bound.
    if (index % 16 === 15 && performance.now() - turnStarted > MS_PER_TURN) {
      await nextTurn();
      turnStarted = performance.now();
    }
    const item = isRecord(raw) ? toFeedItem(raw) : null;
    if (item) items.push(item);
    else if ((invalid += 1) <= MAX_REPORTED_INVALID) invalidExamples.push(isRecord(raw) ? describeRaw(raw) : "(not an item)");
  }
  return { items, invalid, invalidExamples };
}

function isRecord(value: unknown): value is RawItem {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What names an item that could not be read: its guid, else its title, else a placeholder. */
function describeRaw(raw: RawItem): string {
  const name = [raw["guid"], raw["title"]].find((value): value is string => typeof value === "string" && value.trim() !== "");
  return name === undefined ? "(no guid or title)" : withoutControls(name.trim()).slice(0, 120);
}

/**
 * Whether a text may need more than a trim: a control or bidi character (CONTROL), whitespace other than single
 * spaces (collapse), or a mark texToText reads. Most titles and two thirds of abstracts have none. One character
 * class (a fast scan) and native substring searches: an alternation in the expression would try every branch at
 * every character.
 */
const CLEANING_CHARACTERS = /[\u0000-\u001f\u007f-\u00a0\u202a-\u202e\u2066-\u2069$\\~{}]/;

function needsCleaning(text: string): boolean {
  return CLEANING_CHARACTERS.test(text) || text.includes("  ") || text.includes("--") || text.includes("``") || text.includes("''");
}

function toFeedItem(raw: RawItem): FeedItem | null {
  const parsed = rawItemSchema.safeParse(raw);
  if (!parsed.success) return null;
  const data: RawArxivItem = parsed.data;
  const guid = GUID.exec(data.guid);
  const plainTitle = !needsCleaning(data.title);
  const title = plainTitle ? data.title.trim() : withoutControls(data.title).trim();
  const categories = data.categories === undefined ? [] : distinctCategories(data.categories);
  const content = data.content ?? "";
  const rights = data["dc:rights"] === undefined ? null : withoutControls(data["dc:rights"]).trim();
  // Only a real arXiv id (what the CLI and the /review buttons read back) and a sane version are stored.
  const arxivId = guid?.[1] ? arxivIdOf(guid[1]) : null;
  const version = guid?.[2] ? arxivVersionOf(guid[2]) : null;
  if (arxivId === null || version === null || title.length === 0 || title.length > LIMITS.title || !categories) return null;
  if (content.length > LIMITS.content || (rights !== null && rights.length > LIMITS.rights)) return null;
  return {
    arxivId,
    version,
    announceType: data["arxiv:announce_type"],
    title: plainTitle ? title : collapse(texToText(title)),
    authors: authorsOf(data.creator ?? ""),
    categories,
    abstract: abstractOf(content),
    license: rights,
  };
}

/** Trimmed, each once in first-seen order; null when one is empty or too long, or there are too many. */
function distinctCategories(raw: readonly string[]): string[] | null {
  if (raw.length > LIMITS.categories) return null;
  const categories: string[] = [];
  for (const entry of raw) {
    const category = withoutControls(entry).trim();
    if (category.length === 0 || category.length > LIMITS.category) return null;
    if (!categories.includes(category)) categories.push(category);
  }
  return categories;
}

/**
 * Whitespace runs ([ \t\n\r\f\v\u00a0]+) to one space, trimmed. Only runs that are not already a single space
 * are matched (a run starting with a tab or newline, one space then one of those, or several spaces), so an
 * abstract with a line break costs a few replacements rather than one per word.
 */
const WHITESPACE_TO_COLLAPSE = / ?[\t\n\r\f\v\u00a0][ \t\n\r\f\v\u00a0]*| {2,}[\t\n\r\f\v\u00a0 ]*/g;

function collapse(text: string): string {
  // Most text has none of these; a few native substring searches are several times faster than a regex scan.
  const rare =
    text.includes("  ") ||
    text.includes("\n") ||
    text.includes("\t") ||
    text.includes("\r") ||
    text.includes("\f") ||
    text.includes("\v") ||
    text.includes("\u00a0");
  return rare ? text.replace(WHITESPACE_TO_COLLAPSE, " ").trim() : text.trim();
}

/**
 * The preamble, then "Abstract:" right after it (or at the very start when there is no preamble): the same as
 * removing each in turn, matched once and sliced off rather than copying the abstract twice.
 */
const PREAMBLE = /(?:\s*arXiv:\S+\s+Announce Type:\s*\S+\s*)?(?:Abstract:\s*)?/iy;

/** "arXiv:2401.01335v2 Announce Type: replace \nAbstract: …" → the abstract alone. */
export function abstractOf(description: string): string {
  PREAMBLE.lastIndex = 0;
  PREAMBLE.test(description);
  const start = PREAMBLE.lastIndex;
  const abstract = start > 0 ? description.slice(start) : description;
  return needsCleaning(abstract) ? collapse(texToText(withoutControls(abstract))) : abstract.trim();
}

/**
 * C0 and C1 control characters but the whitespace collapse() turns into spaces (tab, LF, VT, FF, CR), and bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): arXiv text is stored once and shown everywhere
 * (terminals, where ESC and friends are escape codes; embeds, alerts, web pages, where an override reorders what
 * readers see), so it is made safe here, where it enters, rather than in each output.
 */
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROLS = new RegExp(CONTROL.source, "g");

/** arXiv text without control and bidi characters (see CONTROL): for every arXiv text that enters the bot. */
export function withoutControls(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, "") : text;
}

/** The names in a `dc:creator`, at most LIMITS.authors; a list longer than LIMITS.creator is cut at its last whole name first. */
function authorsOf(creator: string): string[] {
  if (creator.length <= LIMITS.creator) return splitAuthors(decodeTex(withoutControls(creator)));
  const names = splitAuthors(decodeTex(withoutControls(creator.slice(0, LIMITS.creator))));
  // The cut may have fallen inside a name: drop that one unless the list already reached its cap.
  if (names.length < LIMITS.authors) names.pop();
  return names;
}

/**
 * "A, B and C" or "A, B, and C" → names. Collapsing the whole list first gives the same names as collapsing each one (collapse only
 * turns whitespace into a space, and the separators take any whitespace), with one scan instead of one per author.
 */
function splitAuthors(creators: string): string[] {
  const authors: string[] = [];
  for (const part of collapse(creators).split(AUTHOR_SEPARATOR)) {
    const name = part.trim();
    if (name.length > 0 && authors.push(name) === LIMITS.authors) break;
  }
  return authors;
}

const AUTHOR_SEPARATOR = /,\s*(?:and\s+)?|\s+and\s+/;

const LETTERS: Record<string, string> = {
  i: "ı",
  j: "ȷ",
  ss: "ß",
  o: "ø",
  O: "Ø",
  l: "ł",
  L: "Ł",
  aa: "å",
  AA: "Å",
  ae: "æ",
  AE: "Æ",
  oe: "œ",
  OE: "Œ",
};

/**
 * A letter with a TeX accent, composed where Unicode has the letter. An accent goes on a plain i or j
 * (`\'{\i}` is í, not a dotless ı with an acute), and a dot on a dotless one gives the plain letter back.
 */
function accented(letter: string, accent: string): string {
  const plain = letter === "ı" ? "i" : letter === "ȷ" ? "j" : null;
  if (plain !== null && accent === ".") return plain;
  return `${plain ?? letter}${TEXT_ACCENTS[accent] ?? ""}`.normalize("NFC");
}

/** TeX accents as arXiv writes author names: `Jim\'enez`, `T\"ufekcio\u{g}lu`, `\c{C}evik`, `K{\i}z{\i}ltepe`. */
export function decodeTex(text: string): string {
  if (!text.includes("\\")) return text;
  // Every pattern starts with the backslash (fast to scan for); braces left around a letter are dropped last.
  return text
    .replace(/\\(ss|aa|AA|ae|AE|oe|OE|[ijoOlL])(?:\{\}|(?![A-Za-z])\s?)/g, (_, name: string) => LETTERS[name] ?? "")
    .replace(/\\([`'^~=."])\s*(?:\{\s*([A-Za-zıȷ])\s*\}|([A-Za-zıȷ]))/g, (_, accent: string, braced?: string, bare?: string) =>
      accented(braced ?? bare ?? "", accent),
    )
    .replace(/\\([urHvckdb])(?:\{\s*([A-Za-zıȷ])\s*\}|\s+([A-Za-zıȷ]))/g, (_, accent: string, braced?: string, bare?: string) =>
      accented(braced ?? bare ?? "", accent),
    )
    .replace(/(?<!\\[A-Za-z]*)\{(\p{L})\}/gu, "$1");
}
