/** Hostile feeds (issue 20 item 4): parsed off the main thread, bounded in structure and time, failed with their reason. */
import { describe, expect, it } from "vitest";
import { READ_SLICE_CHARS } from "../../src/arxiv/feed-items.js";
import { FeedFormatError, MAX_FEED_ITEMS, parseArxivFeed } from "../../src/arxiv/parse.js";
import { countTurns } from "../support/event-loop.js";
import { startTestPoller } from "../support/poller.js";

const CHANNEL_OPEN = `<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>
<title>cs.CL updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.CL</link><description>cs.CL updates</description>`;
const CHANNEL_CLOSE = "</channel></rss>";

/** 9.8 MB of nested elements: what stalled the bot for 19 s. */
function nestedBomb(): string {
  const depth = 1_400_000;
  return `${CHANNEL_OPEN}${"<a>".repeat(depth)}${"</a>".repeat(depth)}${CHANNEL_CLOSE}`;
}

const ABSTRACT = "We study retrieval augmented generation for large language models and show that a small index helps. ".repeat(3);

/** `count` items that look like arXiv's (ids 2612.NNNNN). */
function manyItems(count: number): string {
  const items = Array.from({ length: count }, (_, index) => {
    const id = `2612.${String(index + 1).padStart(5, "0")}`;
    return `<item><title>Paper ${index + 1}: retrieval for language models</title><link>https://arxiv.org/abs/${id}</link>
<description>arXiv:${id}v1 Announce Type: new
Abstract: ${ABSTRACT}</description><guid isPermaLink="false">oai:arXiv.org:${id}v1</guid><category>cs.CL</category>
<pubDate>Thu, 13 Aug 2026 00:00:00 -0400</pubDate><arxiv:announce_type>new</arxiv:announce_type>
<dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights><dc:creator>Ada Lovelace, Alan Turing</dc:creator></item>`;
  });
  return `${CHANNEL_OPEN}${items.join("\n")}${CHANNEL_CLOSE}`;
}

describe("parsing a feed", () => {
  it("refuses a nested-element bomb as too costly at its first level too many", async () => {
    const parsing = parseArxivFeed(nestedBomb());
    await expect(parsing).rejects.toThrow(FeedFormatError);
    await expect(parsing).rejects.toThrow(/too costly to parse: XML nested more than \d+ levels deep/);
  });

  it("refuses a bomb that rss-parser must read (CRLF line ends) in its thread, while the event loop keeps turning", async () => {
    const turns = countTurns();
    const parsing = parseArxivFeed(nestedBomb().replaceAll("\n", "\r\n"));
    await expect(parsing).rejects.toThrow(/too costly to parse: XML nested more than \d+ levels deep/);
    // A synchronous parse gets no turn in before it ends; a worker leaves the loop free the whole time.
    expect(turns.stop()).toBeGreaterThan(100);
  });

  it("refuses more items than a feed may have before parsing them", async () => {
    await expect(parseArxivFeed(manyItems(MAX_FEED_ITEMS + 1))).rejects.toThrow(`too many items (more than ${MAX_FEED_ITEMS})`);
  });

  it("stops at once when aborted (the poller stopping on SIGTERM)", async () => {
    const controller = new AbortController();
    const parsing = parseArxivFeed(manyItems(3000), { signal: controller.signal });
    setImmediate(() => controller.abort(new Error("stopping")));
    await expect(parsing).rejects.toThrow("stopping");
  });

  it("fails a feed that takes longer than the time limit", async () => {
    await expect(parseArxivFeed(manyItems(2000), { timeLimitMs: 1 })).rejects.toThrow(
      "too costly to parse: took longer than 1 ms to parse",
    );
  });

  it("still reads a good feed", async () => {
    const parsed = await parseArxivFeed(manyItems(3));
    expect(parsed.items.map((item) => item.arxivId)).toEqual(["2612.00001", "2612.00002", "2612.00003"]);
    expect(parsed.items[0]).toMatchObject({
      version: 1,
      announceType: "new",
      authors: ["Ada Lovelace", "Alan Turing"],
      categories: ["cs.CL"],
    });
  });
});

describe("a poll with hostile feeds", () => {
  it("reports the nested bomb and the 10k-item feed as failed with their reasons, and the loop stays responsive", async () => {
    const t = await startTestPoller(["cs.CL", "cs.LG", "cs.AI"]);
    t.server.route("/rss/cs.CL", { body: nestedBomb() });
    const tooMany = manyItems(MAX_FEED_ITEMS + 1);
    t.server.route("/rss/cs.LG", { body: tooMany });
    t.server.route("/rss/cs.AI", { body: manyItems(2) });
    const turns = countTurns();
    const report = await t.poller.poll();
    // The 10k-item feed is read in slices, the loop turning between them, up to its item too many near its end.
    expect(turns.stop()).toBeGreaterThanOrEqual(Math.floor(tooMany.length / READ_SLICE_CHARS) - 1);
    expect(report.feeds.map((feed) => feed.status)).toEqual(["failed", "failed", "ok"]);
    expect(report.feeds[0]?.error).toMatch(/^too costly to parse: XML nested more than \d+ levels deep$/);
    expect(report.feeds[1]?.error).toBe(`too costly to parse: too many items (more than ${MAX_FEED_ITEMS})`);
    expect(report.feeds[2]).toMatchObject({ items: 2, new: 2 });
    // Reported like any failing feed: stored with its reason, and backing off.
    expect(t.feeds.get(t.url("cs.CL"))).toMatchObject({ failures: 1, lastError: report.feeds[0]?.error });
    expect(t.feeds.get(t.url("cs.LG"))?.nextAttemptAt).not.toBeNull();
  });

  it("fails a feed over the parse time limit and goes on with the others", async () => {
    const t = await startTestPoller(["cs.CL", "cs.AI"], { parseTimeLimitMs: 1 });
    t.server.route("/rss/cs.CL", { body: manyItems(2000) });
    t.server.route("/rss/cs.AI", { body: manyItems(2000) });
    const report = await t.poller.poll();
    expect(report.feeds.map((feed) => [feed.status, feed.error])).toEqual([
      ["failed", "too costly to parse: took longer than 1 ms to parse"],
      ["failed", "too costly to parse: took longer than 1 ms to parse"],
    ]);
  });
});
