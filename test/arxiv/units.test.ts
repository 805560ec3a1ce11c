import { describe, expect, it } from "vitest";
import { nextRun, previousRun } from "../../src/arxiv/cron.js";
import { ArxivGate, parseRetryAfter, userAgent } from "../../src/arxiv/fetch.js";
import { auc } from "../../src/arxiv/learn.js";
import { abstractOf, decodeTex, FeedFormatError, parseArxivFeed } from "../../src/arxiv/parse.js";
import { ConfigError, DEFAULT_CANDIDATE_MIN_SCORE, parseConfig } from "../../src/config.js";
import { backoffMs } from "../../src/db/feeds.js";
import { fakeTime } from "../support/arxiv.js";

describe("arXiv settings", () => {
  it("has the documented defaults", () => {
    const { arxiv } = parseConfig({});
    expect(arxiv).toEqual({
      feeds: ["cs.CL", "cs.LG", "cs.AI"].map((entry) => ({ entry, url: `https://rss.arxiv.org/rss/${entry}` })),
      pollCron: "15 5 * * 1-5",
      minScore: DEFAULT_CANDIDATE_MIN_SCORE,
      retentionDays: 30,
      contact: undefined,
      requestIntervalMs: 3000,
    });
    expect(parseConfig({ ARXIV_CATEGORIES: "cs.CL+cs.LG, cs.AI", ARXIV_RSS_URL: "https://example.org/rss/" }).arxiv.feeds).toEqual([
      { entry: "cs.CL+cs.LG", url: "https://example.org/rss/cs.CL+cs.LG" },
      { entry: "cs.AI", url: "https://example.org/rss/cs.AI" },
    ]);
  });

  it("reports every problem at once, including impolite spacing towards arXiv", () => {
    let error: unknown;
    try {
      parseConfig({
        ARXIV_CATEGORIES: "cs.CL,not a category",
        POLL_CRON: "every day",
        CANDIDATE_MIN_SCORE: "high",
        CANDIDATE_RETENTION_DAYS: "0",
        ARXIV_CONTACT: "me",
        ARXIV_REQUEST_INTERVAL_MS: "500",
        HTTP_PORT: "x",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((problem) => problem.split(" ")[0]);
    expect(names.sort()).toEqual([
      "ARXIV_CATEGORIES",
      "ARXIV_CONTACT",
      "ARXIV_REQUEST_INTERVAL_MS",
      "CANDIDATE_MIN_SCORE",
      "CANDIDATE_RETENTION_DAYS",
      "HTTP_PORT",
      "POLL_CRON",
    ]);
    expect(
      parseConfig({
        ARXIV_RSS_URL: "http://127.0.0.1:8999/rss",
        ARXIV_API_URL: "http://[::1]:8999/api/query",
        ARXIV_REQUEST_INTERVAL_MS: "0",
      }).arxiv.requestIntervalMs,
    ).toBe(0);
  });

  it("refuses a spacing under 3 s unless both arXiv URLs (feeds and API) are loopback, with the other problems", () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(env);
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [String(error)];
      }
    };
    const onlyFeeds = problems({ ARXIV_RSS_URL: "http://127.0.0.1:8999/rss", ARXIV_REQUEST_INTERVAL_MS: "0", HTTP_PORT: "x" });
    expect(onlyFeeds.map((problem) => problem.split(" ")[0]).sort()).toEqual(["ARXIV_REQUEST_INTERVAL_MS", "HTTP_PORT"]);
    expect(onlyFeeds.find((problem) => problem.startsWith("ARXIV_REQUEST_INTERVAL_MS"))).toBe(
      'ARXIV_REQUEST_INTERVAL_MS ("0"): arXiv allows one request every 3 s (3000 ms or more; less only when ARXIV_RSS_URL and ARXIV_API_URL are both loopback test servers)',
    );
    expect(
      problems({ ARXIV_API_URL: "http://localhost:8999/api/query", ARXIV_REQUEST_INTERVAL_MS: "100" }).map(
        (problem) => problem.split(" ")[0],
      ),
    ).toEqual(["ARXIV_REQUEST_INTERVAL_MS"]);
    expect(
      problems({
        ARXIV_RSS_URL: "http://127.0.0.1:8999/rss",
        ARXIV_API_URL: "https://export.arxiv.org/api/query",
        ARXIV_REQUEST_INTERVAL_MS: "2999",
      }),
    ).toHaveLength(1);
    expect(problems({ ARXIV_REQUEST_INTERVAL_MS: "3000" })).toEqual([]);
  });
});

describe("arXiv feed parsing", () => {
  it("decodes TeX accents in names without touching math", () => {
    expect(
      decodeTex(
        String.raw`O\u{g}uz T\"ufekcio\u{g}lu, \c{C}evik, K{\i}z{\i}ltepe, Jim\'enez Guti\'errez, \'{E}cole, {\"o}zil, Erd\H{o}s, \v{S}koda, Ma\l{}gorzata, Stra\ss e`,
      ),
    ).toBe("Oğuz Tüfekcioğlu, Çevik, Kızıltepe, Jiménez Gutiérrez, École, özil, Erdős, Škoda, Małgorzata, Straße");
    expect(decodeTex(String.raw`CT-$\Delta$Bench with $\vec{x}$ and \textbf{bold}`)).toBe(
      String.raw`CT-$\Delta$Bench with $\vec{x}$ and \textbf{bold}`,
    );
  });

  it("strips the arXiv preamble from the description", () => {
    expect(abstractOf("arXiv:2401.01335v2 Announce Type: replace \nAbstract: Self-play   fine-tuning.")).toBe("Self-play fine-tuning.");
  });

  it("splits author lists with or without a serial comma", async () => {
    const feed = (
      creator: string,
    ) => `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>t</title><link>https://arxiv.org</link><description>d</description>
      <item><title>A paper</title><link>https://arxiv.org/abs/2401.01335</link><description>arXiv:2401.01335v1 Announce Type: new
Abstract: Text.</description><guid isPermaLink="false">oai:arXiv.org:2401.01335v1</guid><category>cs.CL</category><arxiv:announce_type>new</arxiv:announce_type><dc:creator>${creator}</dc:creator></item></channel></rss>`;
    for (const creator of [
      "Ada Lovelace, Alan Turing, and Grace Hopper",
      "Ada Lovelace, Alan Turing and Grace Hopper",
      "Ada Lovelace,\n Alan Turing,  Grace Hopper",
    ]) {
      const parsed = await parseArxivFeed(feed(creator));
      expect(parsed.items[0]?.authors, creator).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    }
  });

  it("rejects what is not an RSS feed, with a reason", async () => {
    await expect(parseArxivFeed("<!DOCTYPE html><html><body>Error</body></html>")).rejects.toThrow(
      new FeedFormatError("an HTML page instead of the RSS feed"),
    );
    await expect(parseArxivFeed("")).rejects.toThrow("an empty body");
    await expect(parseArxivFeed('<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>')).rejects.toThrow("not an RSS feed");
    await expect(parseArxivFeed('<rss version="2.0"><channel><title>x</title><item><title>cut')).rejects.toThrow(/^invalid XML/);
    expect(await parseArxivFeed('<rss version="2.0"><channel><title>empty</title></channel></rss>')).toEqual({
      items: [],
      invalid: 0,
      invalidExamples: [],
    });
  });
});

describe("politeness and schedule", () => {
  it("spaces requests at least 3 s apart from the end of the previous one, one at a time", async () => {
    const time = fakeTime();
    const gate = new ArxivGate({ intervalMs: 3000, clock: time.clock, sleep: time.sleep });
    const starts: number[] = [];
    let active = 0;
    await Promise.all(
      [1, 2, 3, 4].map(() =>
        gate.run(async () => {
          active += 1;
          expect(active).toBe(1);
          starts.push(time.clock.now().getTime());
          time.clock.advance(500); // the request takes half a second
          active -= 1;
        }),
      ),
    );
    expect(starts.slice(1).map((start, index) => start - (starts[index] ?? 0))).toEqual([3500, 3500, 3500]);
  });

  it("reads Retry-After as seconds or a date; names paperbot and the contact", () => {
    const now = new Date("2026-08-13T05:15:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 13 Aug 2026 05:15:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(userAgent("ops@example.org")).toBe("paperbot/0.1 (LLM reading-list Discord bot; mailto:ops@example.org)");
    expect(userAgent(undefined)).toBe("paperbot/0.1 (LLM reading-list Discord bot)");
  });

  it("backs off 5 min × 2^n, capped at 24 h", () => {
    expect([1, 2, 3, 4, 8, 9, 50].map((failures) => backoffMs(failures) / 60_000)).toEqual([5, 10, 20, 40, 640, 1280, 1440]);
  });

  it("finds the previous and next cron times in UTC", () => {
    const saturday = new Date("2026-08-15T12:00:00Z");
    expect(previousRun("15 5 * * 1-5", saturday)?.toISOString()).toBe("2026-08-14T05:15:00.000Z");
    expect(nextRun("15 5 * * 1-5", saturday)?.toISOString()).toBe("2026-08-17T05:15:00.000Z");
    expect(previousRun("15 5 * * 1-5", new Date("2026-08-14T05:15:00Z"))?.toISOString()).toBe("2026-08-14T05:15:00.000Z");
  });

  it("computes AUC with ties", () => {
    expect(auc([0.1, 0.2, 0.3, 0.4], [false, false, true, true])).toBe(1);
    expect(auc([0.5, 0.5], [true, false])).toBe(0.5);
    expect(auc([0.4, 0.3], [true, true])).toBeNull();
  });
});
