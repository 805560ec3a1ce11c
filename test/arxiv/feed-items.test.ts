/**
 * The one-pass read of a feed's items (src/arxiv/feed-items.ts): rss-parser's values, or rss-parser itself where they
 * could differ; bounded like the parser thread. rss-parser, run here on this thread, is the reference.
 */
import { readFileSync } from "node:fs";
import Parser from "rss-parser";
import { afterEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../bench/corpus.js";
import { parseFeedItems, READ_SLICE_CHARS, type FeedItemsDeps } from "../../src/arxiv/feed-items.js";
import { FEED_CUSTOM_FIELDS, FEED_ITEM_FIELDS } from "../../src/arxiv/parse.js";
import { XmlParseError, XmlParserPool, type XmlLimits } from "../../src/arxiv/xml-worker.js";
import { countTurns } from "../support/event-loop.js";
import { MUTATIONS } from "../support/feed-mutations.js";
import { captureFiles, capturePath, readsUnlicensedCapture } from "../support/real-fixtures.js";

const LIMITS: XmlLimits = { maxDepth: 32, maxElements: 1_000_000, maxItems: 20_000, itemTag: "item" };
const PICK = FEED_ITEM_FIELDS;
const CS_CL = "tamnd-arxiv-cli__rss_cs.CL_2026-08-13.xml";

const pools: XmlParserPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
});

/** Deps whose fallback is rss-parser in a thread of this test's own, counting its calls. */
function counted(now: () => number = () => performance.now()): FeedItemsDeps & { fallbacks: number } {
  const pool = new XmlParserPool({ maxThreads: 1, idleMs: 60_000 });
  pools.push(pool);
  const deps = {
    now,
    fallbacks: 0,
    fallback: (...args: Parameters<FeedItemsDeps["fallback"]>) => {
      deps.fallbacks += 1;
      return pool.parse(...args);
    },
  };
  return deps;
}

function picked(items: Record<string, unknown>[]): Record<string, unknown>[] {
  return items.map((item) => Object.fromEntries(PICK.filter((key) => item[key] !== undefined).map((key) => [key, item[key]])));
}

/** rss-parser's items with the picked fields, or the first line of its error (as the parser thread reports it). */
async function reference(xml: string): Promise<{ items: Record<string, unknown>[] } | { error: string }> {
  try {
    const output = await new Parser({ customFields: FEED_CUSTOM_FIELDS }).parseString(xml);
    return { items: picked(output.items as Record<string, unknown>[]) };
  } catch (error) {
    return { error: String((error as Error).message).split("\n")[0] ?? "" };
  }
}

async function ours(xml: string, deps: FeedItemsDeps): Promise<{ items: Record<string, unknown>[] } | { error: string }> {
  try {
    const output = (await parseFeedItems(xml, FEED_CUSTOM_FIELDS, { limits: LIMITS, pick: PICK }, deps)) as {
      items: Record<string, unknown>[];
    };
    return { items: output.items };
  } catch (error) {
    if (!(error instanceof XmlParseError) || error.kind !== "invalid") throw error;
    return { error: error.message };
  }
}

const realFeed = () => readFileSync(capturePath("arxiv-rss", CS_CL), "utf8");

describe("reading a feed's items in one pass", () => {
  it("gives rss-parser's items for the real cs.CL feed, without rss-parser", async () => {
    const deps = counted();
    const xml = realFeed();
    const read = await ours(xml, deps);
    expect(read).toEqual(await reference(xml));
    expect("items" in read && read.items.length).toBe(139);
    expect(deps.fallbacks).toBe(0);
  });

  it("gives rss-parser's items for every real feed capture", readsUnlicensedCapture, async () => {
    for (const file of captureFiles("arxiv-rss", ".xml")) {
      const deps = counted();
      const xml = readFileSync(capturePath("arxiv-rss", file), "utf8");
      expect(await ours(xml, deps), file).toEqual(await reference(xml));
      expect(deps.fallbacks, file).toBe(0);
    }
  });

  it("matches rss-parser on 600 hostile variants of a real feed, item for item and error for error", async () => {
    const random = seededRandom(20261207);
    const base = baseFeed();
    const deps = counted();
    let fast = 0;
    for (let round = 0; round < 600; round += 1) {
      let xml = base;
      const changes: string[] = [];
      for (let count = 1 + Math.floor(random() * 3); count > 0; count -= 1) {
        const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)] ?? MUTATIONS[0];
        if (!mutation) continue;
        changes.push(mutation.name);
        xml = mutation.apply(xml, random);
      }
      const before = deps.fallbacks;
      expect(await ours(xml, deps), `${changes.join(" + ")}\n${xml}`).toEqual(await reference(xml));
      if (deps.fallbacks === before) fast += 1;
    }
    // Both ways were taken: the one pass where it reads the same, rss-parser where it might not.
    expect(fast).toBeGreaterThan(100);
    expect(deps.fallbacks).toBeGreaterThan(100);
  });

  it("reads a character, an entity and a tag cut by a slice's end as rss-parser does", async () => {
    const base = baseFeed();
    const at = base.indexOf("Abstract: ") + "Abstract: ".length;
    const before = base.slice(0, at);
    // Padding so that, in turn, a surrogate pair, an entity and an end tag straddle the ends of the first three slices.
    const pad = (length: number, cut: string) => `${"x".repeat(length)}${cut}`;
    let text = pad(READ_SLICE_CHARS - before.length - 1, "😀");
    text += pad(2 * READ_SLICE_CHARS - before.length - text.length - 2, "&amp;");
    const rest = base.slice(at);
    const ys = 3 * READ_SLICE_CHARS - (before + text).length - rest.indexOf("</description>");
    const xml = before + text + rest.replace("</description>", `${"y".repeat(ys)}</description>`);
    expect(xml.slice(READ_SLICE_CHARS - 1, READ_SLICE_CHARS + 1)).toBe("😀");
    expect(xml.slice(2 * READ_SLICE_CHARS - 2, 2 * READ_SLICE_CHARS + 3)).toBe("&amp;");
    expect(xml.slice(3 * READ_SLICE_CHARS - 2, 3 * READ_SLICE_CHARS + 4)).toBe("yy</de");
    const deps = counted();
    expect(await ours(xml, deps)).toEqual(await reference(xml));
    expect(deps.fallbacks).toBe(0);
  });

  it("hands what it declines to rss-parser with the same options", async () => {
    const calls: unknown[][] = [];
    const deps: FeedItemsDeps = {
      now: () => 0,
      fallback: (...args) => {
        calls.push(args);
        return Promise.resolve({ items: [], title: "from rss-parser" });
      },
    };
    const crlf = baseFeed().replaceAll("\n", "\r\n");
    const options = { limits: LIMITS, pick: PICK, timeLimitMs: 5000 };
    await expect(parseFeedItems(crlf, FEED_CUSTOM_FIELDS, options, deps)).resolves.toEqual({ items: [], title: "from rss-parser" });
    // A pick with a field rss-parser derives (the snippet) is never read in one pass.
    await parseFeedItems(baseFeed(), FEED_CUSTOM_FIELDS, { ...options, pick: [...PICK, "contentSnippet"] }, deps);
    expect(calls).toEqual([
      [crlf, FEED_CUSTOM_FIELDS, options],
      [baseFeed(), FEED_CUSTOM_FIELDS, { ...options, pick: [...PICK, "contentSnippet"] }],
    ]);
  });
});

describe("the one-pass read is bounded like the parser thread", () => {
  /** A feed whose first item holds an element at `level` (an item's fields are at level 4). */
  const deep = (level: number, selfClosing: boolean) =>
    baseFeed().replace("<item>", `<item>${"<a>".repeat(level - 4)}${selfClosing ? "<b/>" : "<b></b>"}${"</a>".repeat(level - 4)}`);

  it("refuses a body over the depth, element or item limit with the thread's reason; an empty element adds no level", async () => {
    const pool = new XmlParserPool({ maxThreads: 1, idleMs: 60_000 });
    pools.push(pool);
    const limits: XmlLimits = { maxDepth: 12, maxElements: 20, maxItems: 2, itemTag: "item" };
    const threadSays = (xml: string, custom = limits) =>
      pool.parse(xml, FEED_CUSTOM_FIELDS, { limits: custom, pick: PICK }).then(
        () => "parsed",
        (error: XmlParseError) => `${error.kind}: ${error.message}`,
      );
    const weSay = (xml: string, custom = limits) =>
      parseFeedItems(xml, FEED_CUSTOM_FIELDS, { limits: custom, pick: PICK }, counted()).then(
        () => "parsed",
        (error: XmlParseError) => `${error.kind}: ${error.message}`,
      );
    const roomy = { ...limits, maxElements: 1000, maxItems: 10 };
    // Inside an item (depth 4), <b> is at level 13 of 12 unless it is empty: the thread's scan counts it the same way.
    for (const [xml, custom] of [
      [deep(13, false), roomy],
      [deep(13, true), roomy],
      [baseFeed(), limits],
      [baseFeed(), { ...limits, maxElements: 1000 }],
    ] as const) {
      expect(await weSay(xml, custom)).toBe(await threadSays(xml, custom));
    }
    expect(await weSay(deep(13, false), roomy)).toBe("limit: XML nested more than 12 levels deep");
    expect(await weSay(deep(13, true), roomy)).toBe("parsed");
    expect(await weSay(baseFeed())).toBe("limit: more than 20 XML elements");
    expect(await weSay(baseFeed(), { ...limits, maxElements: 1000 })).toBe("limit: too many items (more than 2)");
  });

  it("lets the event loop turn between slices of a large body", async () => {
    const xml = largeFeed();
    const slices = Math.ceil(xml.length / READ_SLICE_CHARS);
    expect(slices).toBeGreaterThan(5);
    const turns = countTurns();
    const deps = counted();
    const read = (await parseFeedItems(xml, FEED_CUSTOM_FIELDS, { limits: LIMITS, pick: PICK }, deps)) as { items: unknown[] };
    expect(turns.stop()).toBeGreaterThanOrEqual(slices - 1);
    expect(read.items).toHaveLength(1000);
    expect(deps.fallbacks).toBe(0);
  });

  it("ends a read over its time limit, by the clock it is given", async () => {
    let clock = 0;
    const deps = counted(() => (clock += 5));
    await expect(parseFeedItems(largeFeed(), FEED_CUSTOM_FIELDS, { limits: LIMITS, pick: PICK, timeLimitMs: 12 }, deps)).rejects.toThrow(
      new XmlParseError("limit", "took longer than 12 ms to parse"),
    );
    expect(deps.fallbacks).toBe(0);
  });

  it("ends a read at the next slice when aborted, with the abort's reason", async () => {
    const controller = new AbortController();
    const deps = counted();
    const reading = parseFeedItems(largeFeed(), FEED_CUSTOM_FIELDS, { limits: LIMITS, pick: PICK, signal: controller.signal }, deps);
    setImmediate(() => controller.abort(new Error("stopping")));
    await expect(reading).rejects.toThrow("stopping");
    expect(deps.fallbacks).toBe(0);
  });
});

/** The real cs.CL feed cut to its first three items. */
function baseFeed(): string {
  const xml = realFeed();
  const first = xml.indexOf("<item>");
  let end = first;
  for (let count = 0; count < 3; count += 1) end = xml.indexOf("</item>", end) + "</item>".length;
  return xml.slice(0, end) + xml.slice(xml.lastIndexOf("</item>") + "</item>".length);
}

/** 1,000 copies of the real feed's first item. */
function largeFeed(): string {
  const xml = realFeed();
  const start = xml.indexOf("<item>");
  const item = xml.slice(start, xml.indexOf("</item>") + "</item>".length);
  return xml.slice(0, start) + item.repeat(1000) + xml.slice(xml.lastIndexOf("</item>") + "</item>".length);
}
