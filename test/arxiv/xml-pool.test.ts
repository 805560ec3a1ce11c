/** The XML parser threads (src/arxiv/xml-worker.ts): reused across parses, restarted after a kill, ended when idle and on stop. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Parser from "rss-parser";
import { afterEach, describe, expect, it, vi } from "vitest";
import { committedCapturesDir } from "../support/real-fixtures.js";
import { XmlParseError, XmlParserPool, type CustomFields, type XmlLimits } from "../../src/arxiv/xml-worker.js";

const LIMITS: XmlLimits = { maxDepth: 32, maxElements: 1_000_000, maxItems: 20_000, itemTag: "item" };
const FIELDS: CustomFields = { item: ["arxiv:announce_type"] };

function feed(count: number): string {
  const items = Array.from(
    { length: count },
    (_, index) =>
      `<item><title>Paper ${index}</title><description>An abstract about language models.</description><guid>g${index}</guid><arxiv:announce_type>new</arxiv:announce_type></item>`,
  );
  return `<rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>t</title>${items.join("")}</channel></rss>`;
}

function titles(output: unknown): unknown[] {
  const items = (output as { items: { title?: unknown }[] }).items;
  return items.map((item) => item.title);
}

const pools: XmlParserPool[] = [];
function pool(options = { maxThreads: 2, idleMs: 60_000 }): XmlParserPool {
  const made = new XmlParserPool(options);
  pools.push(made);
  return made;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(pools.splice(0).map((made) => made.stop()));
});

describe("XmlParserPool", () => {
  it("parses one feed after another in the same thread", async () => {
    const parsers = pool();
    for (const count of [1, 3, 2]) expect(titles(await parsers.parse(feed(count), FIELDS, { limits: LIMITS }))).toHaveLength(count);
    expect(parsers.threadsStarted).toBe(1);
    expect(parsers.threadCount).toBe(1);
  });

  it("hands back only the item fields asked for, in batches that add up to the whole feed", async () => {
    const parsers = pool();
    const output = (await parsers.parse(feed(2500), FIELDS, { limits: LIMITS, pick: ["title", "guid"] })) as {
      items: Record<string, unknown>[];
      title: unknown;
    };
    expect(output.title).toBe("t");
    expect(output.items).toHaveLength(2500);
    expect(output.items[2499]).toEqual({ title: "Paper 2499", guid: "g2499" });
  });

  it("leaves out the snippet and date only when the pick reads neither; every picked field is rss-parser's own", async () => {
    const real = readFileSync(join(committedCapturesDir, "arxiv-rss", "tamnd-arxiv-cli__rss_cs.CL_2026-08-13.xml"), "utf8");
    // Descriptions rss-parser reads differently: markup inside (an object to xml2js), CDATA, entities, none at all.
    const odd = [
      "<description><b>Bold</b> &amp; <i>italic</i></description>",
      "<description><![CDATA[<p>a &lt; b</p>]]></description>",
      "<description>&#x3b1; &lt;tag&gt;</description>",
      "",
    ].map(
      (description, index) =>
        `<item><title>Odd ${index}</title>${description}<guid>o${index}</guid><pubDate>Thu, 13 Aug 2026 00:00:00 -0400</pubDate><arxiv:announce_type>new</arxiv:announce_type></item>`,
    );
    const oddFeed = `<rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>t</title>${odd.join("")}</channel></rss>`;
    const pick = ["guid", "title", "content", "categories", "creator", "arxiv:announce_type"];
    const parsers = pool();
    for (const xml of [real, oddFeed]) {
      const reference = (await new Parser({ customFields: FIELDS }).parseString(xml)).items as Record<string, unknown>[];
      const picked = (items: Record<string, unknown>[], fields: readonly string[]) =>
        items.map((item) => Object.fromEntries(fields.filter((field) => item[field] !== undefined).map((field) => [field, item[field]])));
      const lean = (await parsers.parse(xml, FIELDS, { limits: LIMITS, pick })) as { items: Record<string, unknown>[] };
      expect(lean.items).toEqual(picked(reference, pick));
      expect(lean.items.some((item) => "contentSnippet" in item || "isoDate" in item)).toBe(false);
      // A pick that reads them gets rss-parser's values.
      const full = (await parsers.parse(xml, FIELDS, { limits: LIMITS, pick: [...pick, "contentSnippet", "isoDate"] })) as {
        items: Record<string, unknown>[];
      };
      expect(full.items).toEqual(picked(reference, [...pick, "contentSnippet", "isoDate"]));
    }
  });

  it("runs at most maxThreads parses at once; the others wait their turn and are parsed", async () => {
    const parsers = pool({ maxThreads: 2, idleMs: 60_000 });
    const outputs = await Promise.all([1, 2, 3, 4, 5].map((count) => parsers.parse(feed(count), FIELDS, { limits: LIMITS })));
    expect(outputs.map((output) => titles(output).length)).toEqual([1, 2, 3, 4, 5]);
    expect(parsers.threadsStarted).toBe(2);
  });

  it("kills the thread of a parse over its time limit, and the next parse gets a new one", async () => {
    const parsers = pool();
    await expect(parsers.parse(feed(20_000), FIELDS, { limits: LIMITS, timeLimitMs: 1 })).rejects.toThrow(
      new XmlParseError("limit", "took longer than 1 ms to parse"),
    );
    expect(parsers.threadCount).toBe(0);
    expect(titles(await parsers.parse(feed(2), FIELDS, { limits: LIMITS }))).toEqual(["Paper 0", "Paper 1"]);
    expect(parsers.threadsStarted).toBe(2);
  });

  it("a parse that fails on bad XML leaves the thread usable", async () => {
    const parsers = pool();
    await expect(parsers.parse('<rss version="2.0"><channel><item><title>cut', FIELDS, { limits: LIMITS })).rejects.toMatchObject({
      kind: "invalid",
    });
    expect(titles(await parsers.parse(feed(1), FIELDS, { limits: LIMITS }))).toEqual(["Paper 0"]);
    expect(parsers.threadsStarted).toBe(1);
  });

  it("text after a body's root does not hide the next parse's error in the same thread", async () => {
    const parsers = pool({ maxThreads: 1, idleMs: 60_000 });
    // rss-parser reads up to the root's end tag and ignores what follows, as it does on this thread.
    expect(titles(await parsers.parse(`${feed(1)}trailing text`, FIELDS, { limits: LIMITS }))).toEqual(["Paper 0"]);
    await expect(parsers.parse('<rss version="2.0"><channel><item><title>cut', FIELDS, { limits: LIMITS })).rejects.toMatchObject({
      kind: "invalid",
      message: "Unclosed root tag",
    });
    expect(parsers.threadsStarted).toBe(1);
  });

  it("an abort ends a running parse at once, and takes a waiting one out of the queue", async () => {
    const parsers = pool({ maxThreads: 1, idleMs: 60_000 });
    const first = new AbortController();
    const second = new AbortController();
    const running = expect(parsers.parse(feed(20_000), FIELDS, { limits: LIMITS, signal: first.signal })).rejects.toThrow("stopping");
    const waiting = expect(parsers.parse(feed(20_000), FIELDS, { limits: LIMITS, signal: second.signal })).rejects.toThrow("not wanted");
    second.abort(new Error("not wanted"));
    first.abort(new Error("stopping"));
    await waiting;
    await running;
    expect(parsers.threadCount).toBe(0);
  });

  it("stop() fails running and waiting parses and ends every thread; the pool starts afresh afterwards", async () => {
    const parsers = pool({ maxThreads: 1, idleMs: 60_000 });
    const running = expect(parsers.parse(feed(20_000), FIELDS, { limits: LIMITS })).rejects.toThrow("the XML parser was stopped");
    const waiting = expect(parsers.parse(feed(1), FIELDS, { limits: LIMITS })).rejects.toThrow("the XML parser was stopped");
    await parsers.stop();
    await running;
    await waiting;
    expect(parsers.threadCount).toBe(0);
    expect(titles(await parsers.parse(feed(1), FIELDS, { limits: LIMITS }))).toEqual(["Paper 0"]);
  });

  it("ends a thread left idle for idleMs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const parsers = pool({ maxThreads: 2, idleMs: 30_000 });
    await parsers.parse(feed(1), FIELDS, { limits: LIMITS });
    vi.advanceTimersByTime(29_999);
    expect(parsers.threadCount).toBe(1);
    vi.advanceTimersByTime(1);
    expect(parsers.threadCount).toBe(0);
    expect(titles(await parsers.parse(feed(1), FIELDS, { limits: LIMITS }))).toEqual(["Paper 0"]);
    expect(parsers.threadsStarted).toBe(2);
  });
});
