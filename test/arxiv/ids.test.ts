// QA re-test of issue 8: feed guids are arXiv ids with a sane version (bugs A, B); ARXIV_RSS_URL and unsolicited 304s (H).
import { describe, expect, it } from "vitest";
import { parseArxivFeed } from "../../src/arxiv/parse.js";
import { arxivIdOf, parseArxivReference } from "../../src/catalog/arxiv-id.js";
import { runCli } from "../../src/cli/index.js";
import { parseConfig } from "../../src/config.js";
import { configProblems, tempDir, testEnv } from "../support/app.js";
import { startTestPoller } from "../support/poller.js";

/** One feed item per guid (each after `oai:arXiv.org:`), otherwise an ordinary new cs.CL paper. */
function feedOf(guids: readonly string[]): string {
  const items = guids.map(
    (guid, index) => `<item><title>Paper ${index + 1}</title>
      <description>arXiv:${guid} Announce Type: new \nAbstract: retrieval augmented generation with large language model agents</description>
      <guid isPermaLink="false">oai:arXiv.org:${guid}</guid><category>cs.CL</category>
      <arxiv:announce_type>new</arxiv:announce_type><dc:creator>Alice Smith</dc:creator></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
    ${items.join("\n")}</channel></rss>`;
}

const escapeXml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** The guids QA's `badids` and `hugever` routes served, each stored as a candidate (or failing the feed) before. */
const BAD_GUIDS = [
  "../../etc/passwdv1",
  "2612.1v1",
  `${"9".repeat(120)}v1`,
  "2612.00009 with space<b>v1",
  "2612.00010v0",
  "2612.00005v99999999999999999999",
  "2612.00006v9999999999999",
  "2612.00007v1001",
  "2612.00008v01",
  "2613.00011v1", // no 13th month
  "1412.12345v1", // five digits only from 1501
  "1501.1234v1",
  "arXiv:2612.00012v1",
  "2612.00013",
  `a${"-".repeat(40)}/9901001v1`,
];
const GOOD_GUIDS = ["2612.00001v1", "2612.00002v1000", "1412.1234v3", "hep-th/9901001v2", "math.GT/0309136v1"];

async function pollOnce(body: string) {
  const path = `${tempDir("paperbot-arxiv-ids-")}/paperbot.db`;
  const t = await startTestPoller(["cs.CL"], { env: { DATABASE_PATH: path } });
  t.server.route("/rss/cs.CL", body === "" ? { status: 304 } : { body });
  const report = await t.poller.poll();
  const stored = t.app.db.prepare("SELECT arxiv_id AS id, version FROM arxiv_candidates ORDER BY arxiv_id").all() as {
    id: string;
    version: number;
  }[];
  return { report, stored, app: t.app, path, server: t.server, feeds: t.feeds };
}

describe("feed items whose guid is not an arXiv id with a sane version", () => {
  it("are invalid items, counted, while the rest of the feed is read", async () => {
    const parsed = await parseArxivFeed(feedOf([...GOOD_GUIDS, ...BAD_GUIDS].map(escapeXml)));
    expect(parsed.items.map((item) => [item.arxivId, item.version])).toEqual([
      ["2612.00001", 1],
      ["2612.00002", 1000],
      ["1412.1234", 3],
      ["hep-th/9901001", 2],
      ["math.gt/0309136", 1],
    ]);
    expect(parsed.invalid).toBe(BAD_GUIDS.length);
  });

  it("a huge version no longer fails the whole feed: the item is skipped and the others stored", async () => {
    const { report, stored } = await pollOnce(feedOf(["2612.00001v1", "2612.00005v99999999999999999999"]));
    expect(report.feeds[0]).toMatchObject({ status: "ok", items: 2, new: 1, skipped: 1 });
    expect(report.feeds[0]?.error).toBeUndefined();
    expect(stored).toEqual([{ id: "2612.00001", version: 1 }]);
  });

  it("stores only ids the CLI takes back: each stored candidate can be rejected with `candidates reject`", async () => {
    const { report, stored, app, path } = await pollOnce(feedOf([...BAD_GUIDS, ...GOOD_GUIDS].map(escapeXml)));
    expect(report.feeds[0]).toMatchObject({ status: "ok", items: BAD_GUIDS.length + GOOD_GUIDS.length, skipped: BAD_GUIDS.length });
    expect(stored.map((row) => row.id)).toEqual(["1412.1234", "2612.00001", "2612.00002", "hep-th/9901001", "math.gt/0309136"]);
    for (const { id } of stored) expect(parseArxivReference(id)).toBe(id);
    app.close();
    for (const { id } of stored) {
      const errors: string[] = [];
      const code = await runCli(["candidates", "reject", id, "--by", "qa"], {
        stdout: () => undefined,
        stderr: (text) => void errors.push(text),
        stdin: async function* () {},
        env: testEnv({ DATABASE_PATH: path }),
      });
      expect({ id, code, errors }).toEqual({ id, code: 0, errors: [] });
    }
  });
});

describe("arxivIdOf", () => {
  it("reads a new-style id as parseArxivReference does (its quick path), and takes back nothing else", () => {
    const ids = [
      "2612.00001",
      "2401.01335",
      "0704.0001",
      "1412.1234",
      "1501.12345",
      "1501.1234",
      "1412.12345",
      "2613.00001",
      "2600.12345",
      "0000.0000",
      "9912.1234",
      "2401.013350",
      "2401.0133",
      " 2401.01335",
      "2401.01335 ",
      "2401.01335v2",
      "２４０１.０１３３５",
      "arXiv:2401.01335",
      "hep-th/9711200",
      "cs.CL/0112017",
      "math.AG/0601001",
      "hep-th/971120",
      "https://arxiv.org/abs/2401.01335",
      "",
    ];
    for (const id of ids) {
      const reference = /^(?:\d{4}\.\d{4,5}|[a-z][a-z-]{0,15}(?:\.[A-Za-z]{2})?\/\d{7})$/.test(id) ? parseArxivReference(id) : null;
      expect(arxivIdOf(id), id).toBe(reference);
    }
    expect(arxivIdOf("2401.01335")).toBe("2401.01335");
    expect(arxivIdOf("2613.00001")).toBeNull();
  });
});

describe("a 304 answer", () => {
  it("to a request that sent no validators is a failure with a clear reason, not a poll with nothing new", async () => {
    const { report, feeds, server } = await pollOnce("");
    expect(server.requests[0]?.headers["if-none-match"]).toBeUndefined();
    expect(report.feeds[0]).toMatchObject({ status: "failed", error: "304 Not Modified to an unconditional request" });
    expect(feeds.get(`${server.url}/rss/cs.CL`)).toMatchObject({
      lastStatus: "failed",
      lastError: "304 Not Modified to an unconditional request",
      failures: 1,
    });
  });
});

describe("ARXIV_RSS_URL", () => {
  it("with a query, a fragment or a user:password is refused, each problem named, with the other variables' problems", () => {
    const problems = configProblems({ ARXIV_RSS_URL: "https://user:secret@rss.example.org/rss?x=1#top", HTTP_PORT: "x" });
    expect(problems.map((problem) => problem.split(" ")[0])).toEqual(["HTTP_PORT", "ARXIV_RSS_URL", "ARXIV_RSS_URL", "ARXIV_RSS_URL"]);
    expect(problems.join("\n")).not.toContain("secret");
    expect(problems[1]).toMatch(/must not have a query/);
    expect(problems[2]).toMatch(/must not have a fragment/);
    expect(problems[3]).toMatch(/must not contain a user name or password/);
    for (const url of ["https://rss.example.org/rss?", "https://rss.example.org/rss#", "https://user@rss.example.org/rss"]) {
      expect(configProblems({ ARXIV_RSS_URL: url }), url).toHaveLength(1);
    }
  });

  it("is normalised, so the scheme's and host's case (or a default port) make no second feed", () => {
    const urls = ["https://rss.arxiv.org/rss", "HTTPS://RSS.arXiv.org/rss/", "https://rss.arxiv.org:443/rss"].map(
      (url) => parseConfig({ ARXIV_RSS_URL: url, ARXIV_CATEGORIES: "cs.CL" }).arxiv.feeds[0]?.url,
    );
    expect(urls).toEqual(["https://rss.arxiv.org/rss/cs.CL", "https://rss.arxiv.org/rss/cs.CL", "https://rss.arxiv.org/rss/cs.CL"]);
  });
});
