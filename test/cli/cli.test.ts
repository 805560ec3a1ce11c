import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { followStore } from "../../src/db/follows.js";
import { createTestApp, repoRoot, tempDir, testEnv } from "../support/app.js";
import { catalogSize } from "../support/catalog-size.js";

function io(env = testEnv(), stdinLines: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdin: async function* () {
      yield* stdinLines;
    },
    env,
  };
  return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("paperbot CLI", () => {
  it("prints LoRA's summary for `paper lora`", async () => {
    const run = io();
    expect(await runCli(["paper", "lora"], run.io)).toBe(0);
    expect(run.stdout()).toContain("LoRA: Low-Rank Adaptation of Large Language Models");
    expect(run.stdout()).toContain("https://arxiv.org/abs/2106.09685");
    expect(run.stdout()).toContain("Key results:");
  });

  it("answers in Japanese with --locale ja", async () => {
    const run = io();
    expect(await runCli(["paper", "チンチラ", "--locale", "ja"], run.io)).toBe(0);
    expect(run.stdout()).toContain("主な結果");
  });

  it("prints the JSON contract with --json", async () => {
    const run = io();
    expect(await runCli(["paper", "flash", "attention", "--json"], run.io)).toBe(0);
    const json = JSON.parse(run.stdout()) as {
      query: string;
      results: { id: string; arxivId: string | null; title: string; score: number }[];
    };
    expect(json.query).toBe("flash attention");
    expect(json.results[0]).toEqual({
      id: "flashattention",
      arxivId: "2205.14135",
      title: expect.stringContaining("FlashAttention"),
      score: 1,
    });
    for (const result of json.results) expect(Object.keys(result)).toEqual(["id", "arxivId", "title", "score"]);
  });

  it("answers one JSON line per stdin line with --batch --json, blank lines included", async () => {
    const run = io(testEnv(), ["lora", "", "1706.03762", "no such paper at all"]);
    expect(await runCli(["paper", "--batch", "--json"], run.io)).toBe(0);
    const lines = run
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { query: string; results: { id: string }[]; error?: string });
    expect(lines.map((line) => line.query)).toEqual(["lora", "", "1706.03762", "no such paper at all"]);
    expect(lines.map((line) => line.results[0]?.id ?? null)).toEqual(["lora", null, "attention-is-all-you-need", null]);
    expect(lines[1]).toEqual({ query: "", results: [], suggestions: [], error: "empty" });
  });

  it("refuses a query over the bot's length cap, in text and JSON", async () => {
    const long = "rlhf".repeat(500);
    const text = io();
    expect(await runCli(["paper", "--", long], text.io)).toBe(1);
    expect(text.stderr()).toMatch(/too long \(2000 characters\)/);
    const json = io();
    expect(await runCli(["paper", "--json", "--", long], json.io)).toBe(1);
    expect(JSON.parse(json.stdout())).toEqual({ query: long, results: [], suggestions: [], error: "too_long" });
  });

  it("exits 1 with a helpful message for an unknown paper in text mode", async () => {
    const run = io();
    expect(await runCli(["paper", "flashattn2"], run.io)).toBe(1);
    expect(run.stdout()).toMatch(/couldn't find[\s\S]*Did you mean[\s\S]*flashattention/);
  });

  it("lists the catalog, by topic, as JSON", async () => {
    const run = io();
    expect(await runCli(["papers", "--json"], run.io)).toBe(0);
    const all = JSON.parse(run.stdout()) as { papers: { id: string; summary: { en: string; ja: string } }[] };
    expect(all.papers).toHaveLength(catalogSize);
    expect(Object.keys(all.papers[0] ?? {})).toEqual(["id", "arxivId", "title", "url", "year", "topics", "summary"]);
    const retrieval = io();
    expect(await runCli(["papers", "--topic", "retrieval", "--json"], retrieval.io)).toBe(0);
    const topical = JSON.parse(retrieval.stdout()) as { papers: { id: string; topics: string[] }[] };
    expect(topical.papers.map((paper) => paper.id)).toContain("rag");
    expect(topical.papers.every((paper) => paper.topics.includes("retrieval"))).toBe(true);
  });

  it("checks and backs up a database file", async () => {
    const dir = tempDir();
    const env = testEnv({ DATABASE_PATH: join(dir, "bot.db") });
    createTestApp({ DATABASE_PATH: join(dir, "bot.db") }).close();
    const check = io(env);
    expect(await runCli(["db", "check"], check.io)).toBe(0);
    expect(check.stdout()).toMatch(/integrity: ok[\s\S]*schema version: (\d+) of \1/);
    const backup = io(env);
    expect(await runCli(["db", "backup", join(dir, "copy.db")], backup.io)).toBe(0);
    expect(existsSync(join(dir, "copy.db"))).toBe(true);
    const copy = io(testEnv({ DATABASE_PATH: join(dir, "copy.db") }));
    expect(await runCli(["db", "check"], copy.io)).toBe(0);
  });

  // QA re-test of issue 8 (from bug H): `db backup X` with X the live database said "backed up X to X".
  it("refuses to back a database up onto itself, however the file is named", async () => {
    const dir = tempDir();
    const database = join(dir, "bot.db");
    const env = testEnv({ DATABASE_PATH: database });
    createTestApp({ DATABASE_PATH: database }).close();
    symlinkSync(database, join(dir, "link.db"));
    for (const target of [database, `${dir}/./bot.db`, join(dir, "link.db")]) {
      const backup = io(env);
      expect(await runCli(["db", "backup", target], backup.io), target).toBe(2);
      expect(backup.stderr()).toContain(`paperbot: db backup: ${target} is the database itself`);
      expect(backup.stdout()).toBe("");
    }
    const check = io(env);
    expect(await runCli(["db", "check"], check.io)).toBe(0);
    expect(check.stdout()).toContain("integrity: ok");
  });

  it("builds the same bundle twice (same bytes) and lists its files", async () => {
    const dir = tempDir();
    const first = io(testEnv({ BUNDLE_DIR: join(dir, "bundle") }));
    expect(await runCli(["bundle", "build", "--out", join(dir, "a.zip")], first.io)).toBe(0);
    const second = io(testEnv({ BUNDLE_DIR: join(dir, "bundle") }));
    expect(await runCli(["bundle", "build"], second.io)).toBe(0);
    const sha = (text: string) => /sha256 ([0-9a-f]{64})/.exec(text)?.[1];
    expect(sha(first.stdout())).toBeDefined();
    expect(sha(second.stdout())).toBe(sha(first.stdout()));
    for (const name of ["README.md", "index.html", "papers.bib", "papers.csv", "papers.json", "fetch-pdfs.sh"]) {
      expect(first.stdout()).toMatch(new RegExp(`paperbot-llm-reading-list/${name.replace(".", "\\.")}\\s+\\d+ bytes`));
    }
    expect(second.stdout()).toContain(join(dir, "bundle", "paperbot-llm-reading-list.zip"));
    expect(readFileSync(join(dir, "a.zip")).equals(readFileSync(join(dir, "bundle", "paperbot-llm-reading-list.zip")))).toBe(true);
  });

  it("exports one user's data as JSON", async () => {
    const dir = tempDir();
    const env = testEnv({ DATABASE_PATH: join(dir, "bot.db") });
    const app = createTestApp({ DATABASE_PATH: join(dir, "bot.db") });
    followStore(app.db).follow("123456789012345678", "ja", "retrieval", new Date("2026-11-26T00:00:00Z"));
    app.close();
    const run = io(env);
    expect(await runCli(["export", "--user", "123456789012345678"], run.io)).toBe(0);
    expect(JSON.parse(run.stdout())).toMatchObject({
      userId: "123456789012345678",
      following: true,
      locale: "ja",
      topics: [{ topic: "retrieval" }],
    });
    const bad = io(env);
    expect(await runCli(["export", "--user", "alice"], bad.io)).toBe(2);
  });

  it.each([
    [["paper"], /paper needs a query/],
    [["bundle"], /bundle needs a verb/],
    [["paper", "lora", "--locale", "fr"], /--locale must be en or ja/],
    [["paper", "--nope"], /Unknown option/],
    [["papers", "--topic", "cooking"], /--topic must be one of/],
    [["db"], /db needs a verb/],
    [["frobnicate"], /unknown command/],
    [[], /Usage: paperbot/],
  ])("exits 2 with usage for %j", async (argv, message) => {
    const run = io();
    expect(await runCli(argv, run.io)).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });

  it("reports every configuration problem at once with exit 2", async () => {
    const run = io(testEnv({ LOG_LEVEL: "loud", HTTP_PORT: "-4", DISCORD_API_URL: "not a url" }));
    expect(await runCli(["paper", "lora"], run.io)).toBe(2);
    expect(run.stderr()).toContain("LOG_LEVEL");
    expect(run.stderr()).toContain("HTTP_PORT");
    expect(run.stderr()).toContain("DISCORD_API_URL");
  });

  it.skipIf(!existsSync(join(repoRoot, "dist", "src", "cli", "index.js")))("runs as the installed `paperbot` binary", () => {
    const env = { ...process.env, ...testEnv() } as NodeJS.ProcessEnv;
    const output = execFileSync(process.execPath, [join(repoRoot, "bin", "paperbot.js"), "paper", "lora"], {
      env,
      cwd: tempDir(),
    }).toString();
    expect(output).toContain("Low-Rank Adaptation");
    const bad = spawnSync(process.execPath, [join(repoRoot, "bin", "paperbot.js"), "papers", "--topic"], { env });
    expect(bad.status).toBe(2);
  });
});
