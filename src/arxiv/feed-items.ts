import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { SaxesParser } from "saxes";
import { z } from "zod";
import {
  limitReasons,
  parseXmlOffThread,
  PARSE_TIME_LIMIT_MS,
  tookTooLong,
  XmlParseError,
  type CustomFields,
  type OffThreadOptions,
} from "./xml-worker.js";

/**
 * The items of an RSS 2.0 feed, with the fields rss-parser gives them, read in one streaming pass (saxes) on this
 * thread, in slices that let the event loop turn. rss-parser first builds the whole document as xml2js objects, in a
 * worker thread the body is copied to and the items copied back from: about two thirds of a feed's parse.
 *
 * What this reads is exactly what rss-parser reads for the picked fields: they are mapped by rss-parser's own field
 * list, in its order, from the first matching child of each item of the first channel (categories from all of them).
 * Wherever rss-parser's answer would depend on more than that, the pass declines and rss-parser parses the body in
 * its thread as before (parseXmlOffThread): a field with markup inside, or with attributes but no text (an object to
 * rss-parser); a field rss-parser derives (snippets, dates); an element named `_` (xml2js's key for text, which makes
 * rss-parser fail); a carriage return (saxes normalises line ends, sax does not); another kind of feed, or an iTunes
 * one; and anything saxes does not find well-formed, so that errors are worded by rss-parser as before.
 *
 * Work is bounded as in the thread: the structure limits are counted as the body is read (a bomb is refused at its
 * first level too many, a feed at its first item too many), the event loop turns between slices, and the time limit
 * and an abort are checked at each turn.
 */

/** rss-parser's item field list: a field name, or [from, to, options]. */
const fieldListSchema = z.array(
  z.union([z.string(), z.tuple([z.string(), z.string()]), z.tuple([z.string(), z.string(), z.record(z.string(), z.unknown())])]),
);
type FieldSpec = z.infer<typeof fieldListSchema>[number];

const requireHere = createRequire(import.meta.url);
const RSS_ITEM_FIELDS = fieldListSchema.parse(
  (requireHere(join(dirname(requireHere.resolve("rss-parser")), "lib", "fields.js")) as { item: unknown }).item,
);

/** Item keys rss-parser sets from an element of their own, after the field list: description, guid, category. */
const SET_AFTER_FIELDS = ["content", "guid", "categories"] as const;

/** Characters written to the parser between turns of the event loop: about a millisecond of reading. */
export const READ_SLICE_CHARS = 1 << 17;

interface ItemPlan {
  /** [element, item key] in rss-parser's order, for picked keys. */
  copies: [string, string][];
  /** The item children read: every other one is skipped. */
  sources: Set<string>;
  pick: readonly string[];
}

function customItemFields(customFields: CustomFields): readonly FieldSpec[] | null {
  const parsed = fieldListSchema.safeParse(customFields["item"] ?? []);
  return parsed.success ? parsed.data : null;
}

/** Which children of an item feed the picked keys, or null when a picked key is one this pass does not read. */
function planFor(customFields: CustomFields, pick: readonly string[]): ItemPlan | null {
  const custom = customItemFields(customFields);
  if (custom === null) return null;
  const copies: [string, string][] = [];
  for (const field of [...RSS_ITEM_FIELDS, ...custom]) {
    const [from, to, options] = typeof field === "string" ? [field, field, undefined] : field;
    if (!pick.includes(to) && !pick.includes(`${to}Snippet`)) continue;
    if (options !== undefined && (options["keepArray"] || options["includeSnippet"])) return null;
    copies.push([from, to]);
  }
  const setAfter: readonly string[] = SET_AFTER_FIELDS;
  if (pick.some((key) => !setAfter.includes(key) && !copies.some(([, to]) => to === key))) return null;
  const sources = new Set(copies.map(([from]) => from));
  if (pick.includes("content")) sources.add("description");
  if (pick.includes("guid")) sources.add("guid");
  if (pick.includes("categories")) sources.add("category");
  return { copies, sources, pick };
}

interface FieldElement {
  text: string;
  cdata: boolean;
  attributes: boolean;
  children: boolean;
}

/** Not read as rss-parser reads it: the pass declines. */
class Declined extends Error {}

const WHITESPACE_ONLY = /^\s*$/;

/**
 * A field element's value as rss-parser has it: its text. xml2js makes an element with attributes an object, which
 * rss-parser unwraps to the text when there is some (but not for categories); markup inside is never text.
 */
function textOf(element: FieldElement, unwrapped: boolean): string {
  if (element.children) throw new Declined();
  if (element.attributes && (!unwrapped || element.text === "" || (!element.cdata && WHITESPACE_ONLY.test(element.text))))
    throw new Declined();
  return element.text;
}

function itemOf(fields: Map<string, FieldElement[]>, plan: ItemPlan): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [from, to] of plan.copies) {
    const first = fields.get(from)?.[0];
    if (first !== undefined) item[to] = textOf(first, true);
  }
  const description = plan.pick.includes("content") ? fields.get("description")?.[0] : undefined;
  if (description !== undefined) item["content"] = textOf(description, true);
  const guid = plan.pick.includes("guid") ? fields.get("guid")?.[0] : undefined;
  if (guid !== undefined) item["guid"] = textOf(guid, true);
  const categories = plan.pick.includes("categories") ? fields.get("category") : undefined;
  if (categories !== undefined) item["categories"] = categories.map((category) => textOf(category, false));
  const picked: Record<string, unknown> = {};
  for (const key of plan.pick) if (item[key] !== undefined) picked[key] = item[key];
  return picked;
}

/** The reader: items of the first channel, counted against the limits as they come. */
function itemReader(plan: ItemPlan, limits: OffThreadOptions["limits"]) {
  const reasons = limitReasons(limits);
  const parser = new SaxesParser({ xmlns: false, position: false, forceXMLVersion: true, defaultXMLVersion: "1.0" });
  const items: Record<string, unknown>[] = [];
  let depth = 0;
  let elements = 0;
  let itemElements = 0;
  let channels = 0;
  let inFirstChannel = false;
  let fields: Map<string, FieldElement[]> | null = null;
  let field: FieldElement | null = null;
  parser.on("opentag", ({ name, attributes, isSelfClosing }) => {
    depth += 1;
    if ((elements += 1) > limits.maxElements) throw new XmlParseError("limit", reasons.elements);
    if (name === limits.itemTag && (itemElements += 1) > limits.maxItems) throw new XmlParseError("limit", reasons.items);
    // As the thread's scan counts it: an empty element adds no level.
    if (depth > limits.maxDepth && !isSelfClosing) throw new XmlParseError("limit", reasons.depth);
    if (name === "_") throw new Declined();
    if (depth === 1) {
      if (name !== "rss" || "xmlns:itunes" in attributes || !/^2/.test(attributes["version"] ?? "")) throw new Declined();
    } else if (depth === 2) {
      if (name === "channel") inFirstChannel = (channels += 1) === 1;
    } else if (depth === 3) {
      if (inFirstChannel && name === "item") fields = new Map();
    } else if (depth === 4) {
      if (fields !== null && plan.sources.has(name)) {
        field = { text: "", cdata: false, attributes: Object.keys(attributes).length > 0, children: false };
        const seen = fields.get(name);
        if (seen === undefined) fields.set(name, [field]);
        else seen.push(field);
      }
    } else if (field !== null) field.children = true;
  });
  parser.on("text", (text) => {
    if (field !== null && depth === 4) field.text += text;
  });
  parser.on("cdata", (text) => {
    if (field !== null && depth === 4) {
      field.text += text;
      field.cdata = true;
    }
  });
  parser.on("closetag", () => {
    if (depth === 4) field = null;
    else if (depth === 3 && fields !== null) {
      items.push(itemOf(fields, plan));
      fields = null;
    } else if (depth === 2) inFirstChannel = false;
    depth -= 1;
  });
  return {
    write: (slice: string) => void parser.write(slice),
    close: () => {
      parser.close();
      // rss-parser fails on an RSS 2.0 body without a channel: it words that error.
      if (channels === 0) throw new Declined();
      return items;
    },
  };
}

/** What the read depends on besides its input: the clock, and rss-parser's parse for what it declines. */
export interface FeedItemsDeps {
  now: () => number;
  fallback: typeof parseXmlOffThread;
}

const DEFAULT_DEPS: FeedItemsDeps = { now: () => performance.now(), fallback: parseXmlOffThread };

/** The items read in one pass, or null where rss-parser must read them (see the top of this file). */
async function readItems(
  xml: string,
  plan: ItemPlan,
  options: OffThreadOptions,
  now: () => number,
): Promise<Record<string, unknown>[] | null> {
  const started = now();
  if (xml.includes("\r")) return null;
  const body = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  const limitMs = options.timeLimitMs ?? PARSE_TIME_LIMIT_MS;
  const reader = itemReader(plan, options.limits);
  try {
    for (let at = 0; at < body.length; at += READ_SLICE_CHARS) {
      if (at > 0) {
        await nextTurn();
        options.signal?.throwIfAborted();
        if (now() - started > limitMs) throw tookTooLong(limitMs);
      }
      reader.write(body.slice(at, at + READ_SLICE_CHARS));
    }
    return reader.close();
  } catch (error) {
    if (error instanceof XmlParseError) throw error;
    options.signal?.throwIfAborted();
    // Declined, or not well-formed to saxes.
    return null;
  }
}

/**
 * The items of a feed (`{ items }`, each with the picked fields), as rss-parser gives them: read in one pass where
 * that reads the same, else parsed by rss-parser in its thread (which has a time limit of its own). Rejects as
 * parseXmlOffThread does.
 */
export async function parseFeedItems(
  xml: string,
  customFields: CustomFields,
  options: OffThreadOptions & { pick: readonly string[] },
  deps: FeedItemsDeps = DEFAULT_DEPS,
): Promise<unknown> {
  options.signal?.throwIfAborted();
  const plan = planFor(customFields, options.pick);
  const items = plan === null ? null : await readItems(xml, plan, options, deps.now);
  return items === null ? deps.fallback(xml, customFields, options) : { items };
}
