import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseArxivFeed } from "../../src/arxiv/parse.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { candidateStore } from "../../src/db/candidates.js";
import { openDatabase } from "../../src/db/connection.js";
import { tempDir, testEnv } from "../support/app.js";
import { FIXTURES, readFixture, startArxivServer } from "../support/arxiv.js";

async function setup() {
  const dir = tempDir("paperbot-arxiv-cli-");
  const server = await startArxivServer();
  onTestFinished(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = testEnv({
    DATABASE_PATH: join(dir, "paperbot.db"),
    ARXIV_RSS_URL: `${server.url}/rss`,
    ARXIV_CATEGORIES: "cs.CL,x.broken",
    ARXIV_REQUEST_INTERVAL_MS: "0",
  });
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env };
    const code = await runCli(args, io);
    return { code, stdout: out.join(""), stderr: err.join("") };
  };
  return { server, cli, dbPath: join(dir, "paperbot.db") };
}

describe("paperbot poll / candidates", () => {
  it("poll --json prints the contract and exits 0 even when a feed failed", async () => {
    const t = await setup();
    t.server.route("/rss/cs.CL", { body: readFixture(FIXTURES.csCL) });
    t.server.route("/rss/x.broken", { status: 500 });
    const run = await t.cli("poll", "--json");
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { feeds: Record<string, unknown>[] };
    expect(json.feeds.map((feed) => Object.keys(feed))).toEqual([
      ["url", "status", "items", "new", "updated", "skipped", "known"],
      ["url", "status", "items", "new", "updated", "skipped", "known", "error"],
    ]);
    expect(json.feeds).toEqual([
      { url: `${t.server.url}/rss/cs.CL`, status: "ok", items: 139, new: 92, updated: 0, skipped: 47, known: 0 },
      { url: `${t.server.url}/rss/x.broken`, status: "failed", items: 0, new: 0, updated: 0, skipped: 0, known: 0, error: "HTTP 500" },
    ]);
    const text = await t.cli("poll");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/cs\.CL: ok, 139 items, 0 new, 0 updated, 92 known, 47 skipped\n.*x\.broken: failed \(HTTP 500\)/);
  });

  it("rejects bad arguments with exit code 2", async () => {
    const t = await setup();
    for (const args of [["poll", "now"], ["poll", "--jsn"], ["candidates", "--limit", "0"], ["candidates", "approve"], ["candidates", "reject", "not-an-id"], ["candidates", "eval", "x"]]) {
      expect((await t.cli(...args)).code, args.join(" ")).toBe(2);
    }
  });

  it("lists pending candidates best first in the JSON contract, and records decisions once", async () => {
    const t = await setup();
    t.server.route("/rss/cs.CL", { body: readFixture(FIXTURES.csCL) });
    t.server.route("/rss/x.broken", { body: "" });
    await t.cli("poll");
    const listed = await t.cli("candidates", "--limit", "5", "--json");
    expect(listed.code).toBe(0);
    const { candidates } = JSON.parse(listed.stdout) as { candidates: { arxivId: string; score: number; reasons: { papers: string[]; topics: string[] } }[] };
    expect(candidates).toHaveLength(5);
    for (const candidate of candidates) {
      expect(Object.keys(candidate)).toEqual(["arxivId", "version", "title", "authors", "categories", "score", "reasons", "firstSeen"]);
      expect(candidate.score).toBeGreaterThanOrEqual(0.12);
      expect(candidate.reasons.papers.length).toBeGreaterThan(0);
    }
    expect(candidates.map((candidate) => candidate.score)).toEqual([...candidates.map((candidate) => candidate.score)].sort((a, b) => b - a));
    const top = candidates[0]?.arxivId ?? "";
    expect((await t.cli("candidates", "approve", `https://arxiv.org/abs/${top}v1`, "--by", "alice")).stdout).toMatch(`approved ${top}`);
    const twice = await t.cli("candidates", "reject", top, "--by", "bob");
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already approved by alice/);
    expect((await t.cli("candidates", "approve", "2501.00001")).code).toBe(1);
    const after = JSON.parse((await t.cli("candidates", "--json")).stdout) as { candidates: { arxivId: string }[] };
    expect(after.candidates.map((candidate) => candidate.arxivId)).not.toContain(top);
  });

  it("learns from a simulated moderator: after 40 decisions the learned scorer beats canon similarity", async () => {
    const t = await setup();
    const feed = readFixture(FIXTURES.csCL);
    t.server.route("/rss/cs.CL", { body: feed });
    t.server.route("/rss/x.broken", { body: "" });
    await t.cli("poll");
    // This moderator wants agent papers and turns down reasoning and benchmark papers that are not about agents.
    const papers = (await parseArxivFeed(feed)).items.filter((item) => item.announceType === "new" || item.announceType === "cross");
    const text = (item: (typeof papers)[number]) => `${item.title} ${item.abstract}`;
    const liked = papers.filter((item) => /\bagent/i.test(text(item)));
    const disliked = papers.filter((item) => !/\bagent/i.test(text(item)) && /reasoning|benchmark/i.test(text(item)));
    expect(liked.length).toBeGreaterThan(20);
    expect(disliked.length).toBeGreaterThan(20);

    const before = await t.cli("candidates", "eval", "--json");
    expect(JSON.parse(before.stdout)).toEqual({ decisions: 0, auc: null, baseline_auc: null });
    // The first decisions through the CLI, the rest straight into the store (the same table the CLI writes).
    const db = openDatabase(t.dbPath);
    onTestFinished(() => void db.close());
    const store = candidateStore(db);
    for (let index = 0; index < 20; index += 1) {
      const [good, bad] = [liked[index]?.arxivId ?? "", disliked[index]?.arxivId ?? ""];
      if (index < 2) {
        expect((await t.cli("candidates", "approve", good, "--by", "sim")).code).toBe(0);
        expect((await t.cli("candidates", "reject", bad, "--by", "sim")).code).toBe(0);
      } else {
        const at = new Date(Date.UTC(2026, 7, 14, 0, index));
        expect(store.decide(good, true, "sim", at).outcome).toBe("decided");
        expect(store.decide(bad, false, "sim", at).outcome).toBe("decided");
      }
    }
    const evaluation = JSON.parse((await t.cli("candidates", "eval", "--json")).stdout) as { decisions: number; auc: number; baseline_auc: number };
    expect(Object.keys(evaluation)).toEqual(["decisions", "auc", "baseline_auc"]);
    expect(evaluation.decisions).toBe(40);
    expect(evaluation.auc).toBeGreaterThan(evaluation.baseline_auc);
    expect(evaluation.auc).toBeGreaterThan(0.8);

    // Undecided papers like the approved ones rise; like the rejected ones sink.
    const shift = (items: typeof papers) =>
      items.slice(20).map((item) => {
        const candidate = store.get(item.arxivId);
        return (candidate?.score ?? 0) - (candidate?.canonScore ?? 0) - (candidate?.bonus ?? 0);
      });
    // The two CLI approvals also put those papers in the catalog (issue 9): agent papers then score higher on
    // canon similarity too, and the learned part (measured here) is about the papers as a whole: on average
    // they move the right way, and most of them do.
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const rising = shift(liked);
    const sinking = shift(disliked);
    expect(mean(rising)).toBeGreaterThan(0);
    expect(mean(sinking)).toBeLessThan(0);
    expect(rising.filter((delta) => delta > 0).length / rising.length).toBeGreaterThanOrEqual(0.75);
    expect(sinking.filter((delta) => delta < 0).length / sinking.length).toBeGreaterThanOrEqual(0.75);
  });
});
