import { DEFAULT_CANDIDATE_MIN_SCORE } from "../../src/config.js";
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
    // A third poll of the same day, as JSON: the papers already held are known, not skipped.
    const again = JSON.parse((await t.cli("poll", "--json")).stdout) as { feeds: Record<string, unknown>[] };
    expect(again.feeds[0]).toEqual({
      url: `${t.server.url}/rss/cs.CL`,
      status: "ok",
      items: 139,
      new: 0,
      updated: 0,
      skipped: 47,
      known: 92,
    });
  });

  it("rejects bad arguments with exit code 2", async () => {
    const t = await setup();
    for (const args of [
      ["poll", "now"],
      ["poll", "--jsn"],
      ["candidates", "--limit", "0"],
      ["candidates", "approve"],
      ["candidates", "reject", "not-an-id"],
      ["candidates", "eval", "x"],
    ]) {
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
    const { candidates } = JSON.parse(listed.stdout) as {
      candidates: {
        arxivId: string;
        score: number;
        reasons: { papers: string[]; topics: string[]; terms: string[] };
        suggestions: unknown;
      }[];
    };
    // The default threshold keeps a short queue of the real day's best papers.
    expect(candidates.length).toBeGreaterThanOrEqual(2);
    for (const candidate of candidates) {
      expect(Object.keys(candidate)).toEqual([
        "arxivId",
        "version",
        "title",
        "authors",
        "categories",
        "score",
        "reasons",
        "firstSeen",
        "suggestions",
      ]);
      // Members' suggestions (/suggest): none here, the watch found these.
      expect(candidate.suggestions).toEqual({ supporters: 0, first: [] });
      expect(candidate.score).toBeGreaterThanOrEqual(DEFAULT_CANDIDATE_MIN_SCORE);
      expect(candidate.reasons.terms.length).toBeGreaterThan(0);
    }
    expect(candidates.map((candidate) => candidate.score)).toEqual(
      [...candidates.map((candidate) => candidate.score)].sort((a, b) => b - a),
    );
    const top = candidates[0]?.arxivId ?? "";
    expect((await t.cli("candidates", "approve", `https://arxiv.org/abs/${top}v1`, "--by", "alice")).stdout).toMatch(`approved ${top}`);
    const twice = await t.cli("candidates", "reject", top, "--by", "bob");
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already approved by alice/);
    expect((await t.cli("candidates", "approve", "2501.00001")).code).toBe(1);
    const after = JSON.parse((await t.cli("candidates", "--json")).stdout) as { candidates: { arxivId: string }[] };
    expect(after.candidates.map((candidate) => candidate.arxivId)).not.toContain(top);
  });

  it("candidates eval: too few decisions said so; then the learned model against canon similarity with intervals", async () => {
    const t = await setup();
    const feed = readFixture(FIXTURES.csCL);
    t.server.route("/rss/cs.CL", { body: feed });
    t.server.route("/rss/x.broken", { body: "" });
    await t.cli("poll");
    const before = await t.cli("candidates", "eval", "--json");
    expect(JSON.parse(before.stdout)).toMatchObject({ decisions: 0, auc: null, verdict: "too-few-decisions" });
    expect((await t.cli("candidates", "eval")).stdout).toMatch(/too few decisions to tell: needs 10 approvals and 10 rejections/);
    // Decisions that follow no signal at all (every other paper of the day approved): the learned model must not
    // claim to beat the baseline.
    const papers = (await parseArxivFeed(feed)).items.filter((item) => item.announceType === "new" || item.announceType === "cross");
    const db = openDatabase(t.dbPath);
    onTestFinished(() => void db.close());
    const store = candidateStore(db);
    papers.slice(0, 30).forEach((item, index) => {
      expect(store.decide(item.arxivId, index % 2 === 0, "sim", new Date(Date.UTC(2026, 7, 14, 0, index))).outcome).toBe("decided");
    });
    const evaluation = JSON.parse((await t.cli("candidates", "eval", "--json")).stdout) as Record<string, unknown>;
    expect(Object.keys(evaluation)).toEqual([
      "decisions",
      "approvals",
      "rejections",
      "baseline_auc",
      "baseline_auc_ci95",
      "auc",
      "auc_ci95",
      "difference_ci95",
      "verdict",
    ]);
    expect(evaluation).toMatchObject({ decisions: 30, approvals: 15, rejections: 15 });
    expect(evaluation["verdict"]).not.toBe("learned-better");
    expect((await t.cli("candidates", "eval")).stdout).toMatch(
      /learned model AUC \(5-fold cross-validated\): \d\.\d{3} \(95% CI \d\.\d{3}–\d\.\d{3}\)/,
    );
  });
});
