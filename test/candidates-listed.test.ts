import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, type CliIo } from "../src/cli.js";
import { candidateStore, type NewCandidate } from "../src/db/candidates.js";
import { createModeration } from "../src/moderation/index.js";
import { addedFromAbstract, entryFromArxiv } from "../src/moderation/papers.js";
import { candidateRecord } from "../src/moderation/review.js";
import { createTestApp, tempDir, testEnv } from "./support/app.js";

const MIN_SCORE = 0.12;
const ACTOR = { id: "mod", name: "mina" };

function candidate(arxivId: string, title: string, reasons: NewCandidate["reasons"] = { papers: ["lora"], topics: ["fine-tuning"] }): NewCandidate {
  return {
    arxivId, version: 1, title, authors: ["Ada Author"], categories: ["cs.CL"], abstract: `An abstract about ${title}.`, license: null,
    canonScore: 0.2, bonus: 0, score: 0.2, reasons,
  };
}

function appWith(candidates: readonly NewCandidate[], env: Record<string, string> = {}) {
  const app = createTestApp(env);
  onTestFinished(() => app.close());
  const store = candidateStore(app.db);
  for (const entry of candidates) store.insert(entry, new Date("2026-11-20T00:00:00Z"));
  return { app, store, moderation: createModeration(app) };
}

function cli(env: Record<string, string>) {
  return async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env: testEnv(env) };
    const code = await runCli(args, io);
    return { code, stdout: out.join(""), stderr: err.join("") };
  };
}

describe("a candidate that is in the catalog is not pending, and can't be rejected", () => {
  it("paper-add of a held candidate approves it: it leaves the queue, and a reject is refused", () => {
    const { app, store, moderation } = appWith([candidate("2611.00001", "Adapters for agents"), candidate("2611.00002", "Another paper")]);
    const held = store.get("2611.00001");
    if (!held) throw new Error("not stored");
    const entry = entryFromArxiv(candidateRecord(held), ["fine-tuning"], (id) => app.catalog.get(id) !== undefined);
    expect(moderation.addPaper(entry, addedFromAbstract(ACTOR.name), ACTOR).ok).toBe(true);

    expect(store.pending(MIN_SCORE, 10).map((entry) => entry.arxivId)).toEqual(["2611.00002"]);
    expect(store.pendingCount(MIN_SCORE)).toBe(1);
    expect(moderation.review.at(0).candidate?.arxivId).toBe("2611.00002");
    expect(store.get("2611.00001")).toMatchObject({ status: "approved", decidedBy: "mina" });
    const rejected = moderation.rejectCandidate("2611.00001", { id: "mod2", name: "bob" });
    expect(rejected).toMatchObject({ ok: false, key: "review.rejectListed" });
    expect(store.decisions(10)).toEqual([expect.objectContaining({ approved: true })]);
  });

  it("a candidate whose paper is in the catalog already (a catalog sync) is neither pending nor rejectable", () => {
    // 2106.09685 is LoRA, listed in data/catalog.json.
    const { app, store, moderation } = appWith([candidate("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models"), candidate("2611.00002", "Another paper")]);
    expect(app.catalog.papers.some((paper) => paper.arxivId === "2106.09685")).toBe(true);
    expect(store.pending(MIN_SCORE, 10).map((entry) => entry.arxivId)).toEqual(["2611.00002"]);
    expect(store.pendingCount(MIN_SCORE)).toBe(1);

    const before = moderation.audit.latest(100).length;
    const rejected = moderation.rejectCandidate("2106.09685", ACTOR);
    expect(rejected).toMatchObject({ ok: false, key: "review.rejectListed" });
    expect(store.get("2106.09685")?.status).toBe("undecided");
    expect(store.decisions(10)).toEqual([]);
    expect(moderation.audit.latest(100)).toHaveLength(before);
  });

  it("candidates reject refuses a listed paper (nothing recorded) and the list leaves it out", async () => {
    const dir = tempDir("paperbot-listed-");
    const env = { DATABASE_PATH: join(dir, "paperbot.db") };
    const { app } = appWith([candidate("2106.09685", "LoRA again")], env);
    app.close();
    const run = cli(env);

    const rejected = await run("candidates", "reject", "2106.09685", "--by", "bob");
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/reading list \(`lora`\).*Nothing was recorded/);
    expect((await run("candidates", "--json")).stdout).not.toContain("2106.09685");
  });

  it("the candidates text list prints no empty reasons line for a candidate without reasons", async () => {
    const dir = tempDir("paperbot-reasons-");
    const env = { DATABASE_PATH: join(dir, "paperbot.db") };
    const { app } = appWith([candidate("2611.00003", "A paper without reasons", { papers: [], topics: [] }), candidate("2611.00004", "A paper like LoRA")], env);
    app.close();
    const listed = await cli(env)("candidates");
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split("\n");
    expect(lines.some((line) => line.trim() === "")).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/^ {2}1\. 0\.200 {2}2611\.00003v1 {2}A paper without reasons$/), expect.stringMatching(/2611\.00004v1 {2}A paper like LoRA$/), "       like LoRA; topics: fine-tuning"]);
  });
});
