import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { RelevanceModel } from "../../src/arxiv/relevance.js";
import { candidateStore, type NewCandidate } from "../../src/db/candidates.js";
import { createModeration } from "../../src/moderation/index.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { candidateRecord } from "../../src/moderation/review.js";
import { createTestApp, tempDir } from "../support/app.js";
import { startArxivServer } from "../support/arxiv.js";
import { cliRunner } from "../support/cli.js";
import { apiEntry } from "../support/arxiv-api-server.js";

/** These tests store made-up papers: every stored candidate is pending at this threshold (also the app's, below). */
const MIN_SCORE = 0;
const ACTOR = { id: "mod", name: "mina" };

function candidate(
  arxivId: string,
  title: string,
  reasons: NewCandidate["reasons"] = { papers: ["lora"], topics: ["fine-tuning"] },
): NewCandidate {
  return {
    arxivId,
    version: 1,
    title,
    authors: ["Ada Author"],
    categories: ["cs.CL"],
    abstract: `An abstract about ${title}.`,
    license: null,
    canonScore: 0.2,
    bonus: 0,
    score: 0.2,
    reasons,
  };
}

function appWith(candidates: readonly NewCandidate[], env: Record<string, string> = {}) {
  const app = createTestApp({ CANDIDATE_MIN_SCORE: String(MIN_SCORE), ...env });
  onTestFinished(() => app.close());
  const store = candidateStore(app.db);
  for (const entry of candidates) store.insert(entry, new Date("2026-11-20T00:00:00Z"));
  return { app, store, moderation: createModeration(app) };
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
    const { app, store, moderation } = appWith([
      candidate("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models"),
      candidate("2611.00002", "Another paper"),
    ]);
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
    const env = { DATABASE_PATH: join(dir, "paperbot.db"), CANDIDATE_MIN_SCORE: String(MIN_SCORE) };
    const { app } = appWith([candidate("2106.09685", "LoRA again")], env);
    app.close();
    const run = cliRunner(env);

    const rejected = await run("candidates", "reject", "2106.09685", "--by", "bob");
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/reading list \(`lora`\).*Nothing was recorded/);
    expect((await run("candidates", "--json")).stdout).not.toContain("2106.09685");
  });

  it("the candidates text list prints no empty reasons line for a candidate without reasons", async () => {
    const dir = tempDir("paperbot-reasons-");
    const env = { DATABASE_PATH: join(dir, "paperbot.db"), CANDIDATE_MIN_SCORE: String(MIN_SCORE) };
    const { app } = appWith(
      [candidate("2611.00003", "A paper without reasons", { papers: [], topics: [] }), candidate("2611.00004", "A paper like LoRA")],
      env,
    );
    app.close();
    const listed = await cliRunner(env)("candidates");
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split("\n");
    expect(lines.some((line) => line.trim() === "")).toBe(false);
    // Listing retrains the model and rescores undecided papers, reasons included: each paper's line, then its
    // reasons only when it has some.
    expect(
      lines.filter((line) => /^ {2}\d\. \d\.\d{3} {2}2611\.0000[34]v1 {2}A paper (?:without reasons|like LoRA)$/.test(line)),
    ).toHaveLength(2);
    for (const line of lines.filter((line) => line.startsWith("       "))) expect(line.trim()).not.toBe("");
  });
});

describe("adding a paper to the catalog approves its held candidate, whatever was decided before", () => {
  it.each(["rejected", "expired", "undecided"] as const)(
    "a %s candidate becomes approved by the moderator who added it, audited with what it was",
    (status) => {
      const { app, store, moderation } = appWith([candidate("2611.00001", "Adapters for agents")]);
      if (status === "rejected") expect(moderation.rejectCandidate("2611.00001", { id: "mod2", name: "bob" }).ok).toBe(true);
      if (status === "expired") expect(store.expireBefore(new Date("2026-12-31T00:00:00Z"))).toBe(1);
      expect(store.get("2611.00001")?.status).toBe(status);
      const signature = store.decisionSignature();

      const held = store.get("2611.00001");
      if (!held) throw new Error("not stored");
      const entry = entryFromArxiv(candidateRecord(held), ["agents"], (id) => app.catalog.get(id) !== undefined);
      const added = moderation.addPaper(entry, addedFromAbstract(ACTOR.name), ACTOR);
      if (!added.ok) throw new Error(added.key);

      expect(store.get("2611.00001")).toMatchObject({ status: "approved", decidedBy: "mina", decidedAt: app.clock.now().toISOString() });
      expect(store.decisions(10)).toEqual([expect.objectContaining({ title: "Adapters for agents", approved: true })]);
      // Same clock, same number of decisions: the signature still changes, so the learned scorer retrains.
      expect(store.decisionSignature()).not.toBe(signature);
      const [approval, addition] = moderation.audit.latest(2);
      expect(addition).toMatchObject({ action: "paper.add", target: `paper:${added.value.id}`, actor: ACTOR });
      expect(approval).toMatchObject({
        action: "candidate.approve",
        target: "arxiv:2611.00001",
        actor: ACTOR,
        before: status === "rejected" ? { decision: "rejected", by: "bob", at: app.clock.now().toISOString() } : { decision: status },
        after: { decision: "approved", paper: added.value.id, via: "paper.add" },
      });
    },
  );

  it("a paper with no held candidate adds no candidate row and no candidate audit row", () => {
    const { app, store, moderation } = appWith([]);
    const entry = entryFromArxiv(
      candidateRecord({
        ...candidate("2611.00009", "Unheld paper"),
        firstSeen: "2026-11-01T00:00:00Z",
        updatedAt: "2026-11-01T00:00:00Z",
        status: "undecided",
        decidedBy: null,
        decidedAt: null,
      }),
      ["agents"],
      (id) => app.catalog.get(id) !== undefined,
    );
    expect(moderation.addPaper(entry, addedFromAbstract(ACTOR.name), ACTOR).ok).toBe(true);
    expect(store.get("2611.00009")).toBeUndefined();
    expect(moderation.audit.latest(10).map((row) => row.action)).toEqual(["paper.add"]);
  });

  it("the learned scorer retrains when a rejected candidate's paper is added", () => {
    const { app, store, moderation } = appWith([]);
    const at = new Date("2026-11-21T00:00:00Z");
    for (let n = 0; n < 11; n += 1) {
      store.insert(candidate(`2611.${String(10000 + n)}`, `Tool-using agent planners number ${n}`), at);
      store.insert(candidate(`2611.${String(20000 + n)}`, `Image segmentation cameras number ${n}`), at);
      expect(store.decide(`2611.${String(10000 + n)}`, true, "sim", at).outcome).toBe("decided");
      if (n < 10) expect(store.decide(`2611.${String(20000 + n)}`, false, "sim", at).outcome).toBe("decided");
    }
    store.insert(candidate("2611.30000", "Browser agents with memory"), at);
    expect(moderation.rejectCandidate("2611.30000", { id: "mod2", name: "bob" }).ok).toBe(true);
    const papers = app.catalog.papers;
    const model = new RelevanceModel(app.db);
    model.refresh(papers);
    expect(model.learnedActive).toBe(true);
    expect(model.refresh(papers).retrained).toBe(false);

    const held = store.get("2611.30000");
    if (!held) throw new Error("not stored");
    expect(
      moderation.addPaper(
        entryFromArxiv(candidateRecord(held), ["agents"], () => false),
        addedFromAbstract(ACTOR.name),
        ACTOR,
      ).ok,
    ).toBe(true);
    expect(model.refresh(papers).retrained).toBe(true);
    expect(model.evaluate().decisions).toBe(22);
    expect(store.counts()).toMatchObject({ approved: 12, rejected: 10 });
  });

  it("CLI: candidates reject, then paper-add of its arXiv link: the candidate is approved and eval counts no negative", async () => {
    const dir = tempDir("paperbot-reject-add-");
    const server = await startArxivServer();
    onTestFinished(() => server.close());
    const arxivId = "2608.12253";
    server.route(`/api/query?id_list=${arxivId}&max_results=1`, {
      body: apiEntry(arxivId, "Agents that plan with tools"),
      headers: { "content-type": "application/atom+xml" },
    });
    const env = { DATABASE_PATH: join(dir, "paperbot.db"), ARXIV_API_URL: `${server.url}/api/query`, ARXIV_REQUEST_INTERVAL_MS: "0" };
    const { app } = appWith([candidate(arxivId, "Agents that plan with tools")], env);
    app.close();
    const run = cliRunner(env);

    expect((await run("candidates", "reject", arxivId, "--by", "qa")).code).toBe(0);
    const added = await run("paper-add", `https://arxiv.org/abs/${arxivId}v1`, "--by", "mina");
    expect(added.code, added.stderr).toBe(0);

    const reopened = createTestApp(env);
    onTestFinished(() => reopened.close());
    expect(candidateStore(reopened.db).get(arxivId)).toMatchObject({ status: "approved", decidedBy: "mina" });
    expect(candidateStore(reopened.db).counts()).toMatchObject({ approved: 1, rejected: 0 });
    const audit = JSON.parse((await run("audit", "--json")).stdout) as { entries: { action: string; target: string; before: unknown }[] };
    expect(audit.entries.map((entry) => [entry.action, entry.target])).toEqual([
      ["candidate.approve", `arxiv:${arxivId}`],
      ["paper.add", expect.stringMatching(/^paper:/)],
      ["candidate.reject", `arxiv:${arxivId}`],
    ]);
    expect(audit.entries[0]?.before).toMatchObject({ decision: "rejected", by: "qa" });
  });
});
