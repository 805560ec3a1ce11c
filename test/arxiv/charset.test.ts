// Issue 8: a feed is read in the charset it declares (byte order mark, Content-Type, XML declaration, else UTF-8), and
// a feed another process started backing off while this one waited for its turn is not requested again.
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { feedStore } from "../../src/db/feeds.js";
import type { Clock } from "../../src/logger.js";
import { tempDir } from "../support/app.js";
import { startArxivServer } from "../support/arxiv.js";
import { pollerProcess, startTestPoller } from "../support/poller.js";

/** One arXiv item in a feed whose XML declaration says `encoding` (none when null). */
function feed(encoding: string | null, title: string, creator: string): string {
  const declaration = encoding === null ? '<?xml version="1.0"?>' : `<?xml version="1.0" encoding="${encoding}"?>`;
  return `${declaration}
<rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>x</title>
<item><title>${title}</title><link>https://arxiv.org/abs/2612.00001</link>
<description>arXiv:2612.00001v1 Announce Type: new
Abstract: ${title}, from ${creator}.</description>
<guid isPermaLink="false">oai:arXiv.org:2612.00001v1</guid><category>cs.CL</category>
<arxiv:announce_type>new</arxiv:announce_type><dc:creator>${creator}</dc:creator></item></channel></rss>`;
}

async function titleAndAuthors(body: Buffer, contentType: string) {
  const poller = await startTestPoller(["x.charset"]);
  poller.server.route("/rss/x.charset", { body, headers: { "content-type": contentType } });
  const report = await poller.poller.poll();
  expect(report.feeds[0]).toMatchObject({ status: "ok", new: 1 });
  const stored = poller.candidates.get("2612.00001");
  return { title: stored?.title, authors: stored?.authors, abstract: stored?.abstract };
}

describe("arXiv feed charsets", () => {
  it("reads ISO-8859-1 declared by the Content-Type, whatever the XML declaration says", async () => {
    const body = Buffer.from(feed("UTF-8", "Über Modelle", "José Müller and Zoë Ångström"), "latin1");
    expect(await titleAndAuthors(body, "application/rss+xml; charset=ISO-8859-1")).toEqual({
      title: "Über Modelle",
      authors: ["José Müller", "Zoë Ångström"],
      abstract: "Über Modelle, from José Müller and Zoë Ångström.",
    });
  });

  it("reads the XML declaration's encoding when the Content-Type names none (Shift_JIS)", async () => {
    // 論文 (Shift_JIS 98 5F 95 B6) and 山田 (8E 52 93 63), written as bytes so no encoder of ours is involved.
    const bytes: Record<string, Buffer> = {
      "@TITLE@": Buffer.from([0x98, 0x5f, 0x95, 0xb6]),
      "@NAME@": Buffer.from([0x8e, 0x52, 0x93, 0x63]),
    };
    const parts = feed("Shift_JIS", "@TITLE@", "@NAME@").split(/(@TITLE@|@NAME@)/);
    const body = Buffer.concat(parts.map((part) => bytes[part] ?? Buffer.from(part, "ascii")));
    const stored = await titleAndAuthors(body, "application/rss+xml");
    expect(stored.title).toBe("論文");
    expect(stored.authors).toEqual(["山田"]);
  });

  it("reads UTF-16 with a byte order mark, and UTF-8 when the declared charset is unknown", async () => {
    const text = feed(null, "Schrödinger’s tokens", "Łukasz Kaiser");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    expect((await titleAndAuthors(utf16, "application/rss+xml")).title).toBe("Schrödinger’s tokens");
    const unknown = await titleAndAuthors(Buffer.from(text, "utf8"), "application/rss+xml; charset=x-no-such-charset");
    expect(unknown).toMatchObject({ title: "Schrödinger’s tokens", authors: ["Łukasz Kaiser"] });
  });
});

describe("arXiv backoff across processes", () => {
  it("does not request a feed another process started backing off while this one waited for its turn", async () => {
    const dir = tempDir("paperbot-backoff-");
    const realClock: Clock = { now: () => new Date() };
    const server = await startArxivServer(realClock);
    onTestFinished(() => server.close());
    // The failing answer takes 150 ms, so the second process is already waiting for the gate when the first records it.
    server.route("/rss/x.down", { status: 500, body: "down", delayMs: 150 });
    const env = {
      DATABASE_PATH: join(dir, "paperbot.db"),
      ARXIV_RSS_URL: `${server.url}/rss`,
      ARXIV_CATEGORIES: "x.down",
      ARXIV_REQUEST_INTERVAL_MS: "20",
    };
    const [first, second] = [pollerProcess(env, realClock), pollerProcess(env, realClock)];
    const firstPoll = first.poller.poll();
    await expect.poll(() => server.requests.length, { timeout: 5000 }).toBe(1);
    const secondPoll = second.poller.poll();
    expect((await firstPoll).feeds[0]).toMatchObject({ status: "failed", error: "HTTP 500" });
    expect((await secondPoll).feeds[0]).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^backing off until .* after 1 failures \(HTTP 500\)$/),
    });
    expect(server.requests).toHaveLength(1);
    expect(feedStore(second.app.db).get(`${server.url}/rss/x.down`)?.failures).toBe(1);
  });
});
