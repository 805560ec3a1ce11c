/** `paperbot audit`: each entry as the fields it changed (before → after, long texts around the change) and its note. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { auditChanges, auditText } from "../../src/cli/audit-diff.js";
import type { AuditEntry } from "../../src/db/audit.js";
import { candidateStore } from "../../src/db/candidates.js";
import { createModeration } from "../../src/moderation/index.js";
import { createTestApp, tempDir, testEnv } from "../support/app.js";
import { reviewCandidate } from "../support/candidates.js";

const entry = (before: unknown, after: unknown, action: AuditEntry["action"] = "paper.edit"): AuditEntry => ({
  id: 1,
  at: "2026-11-26T12:00:00.000Z",
  actor: { id: "cli", name: "olga" },
  action,
  target: "paper:lora",
  before,
  after,
});

describe("field-level changes", () => {
  const summary = `${"Fine-tuning every weight of a large model is costly. ".repeat(4)}LoRA freezes the weights and trains small matrices. ${"It matches full fine-tuning on many tasks. ".repeat(4)}`;

  it("an edit lists only the fields that differ, nested fields by path and lists as one field", () => {
    const before = { id: "lora", summary: { en: summary, ja: "要約" }, aliases: ["lora"], topics: ["fine-tuning"], year: 2021 };
    const after = {
      ...before,
      summary: { en: summary.replace("small matrices", "low-rank matrices"), ja: "要約" },
      aliases: ["lora", "low-rank"],
    };
    expect(auditChanges(entry(before, after)).map((change) => change.field)).toEqual(["summary.en", "aliases"]);
    const lines = auditText(entry(before, after)).split("\n");
    expect(lines[0]).toBe("2026-11-26T12:00:00.000Z  olga (cli)  paper.edit  paper:lora");
    expect(lines[1]).toMatch(/^ {4}summary\.en: …\S.* trains small matrices\..*… → …\S.* trains low-rank matrices\..*…$/);
    expect(lines[1]?.length).toBeLessThan(260);
    expect(lines[2]).toBe("    aliases: + low-rank");
    expect(lines).toHaveLength(3);
  });

  it("a field an edit empties or fills shows a dash on the empty side; short texts are whole", () => {
    const text = auditText(entry({ titleJa: "旧題", note: undefined }, { titleJa: null, orgs: ["Google"] }));
    expect(text).toContain("    titleJa: 旧題 → —");
    expect(text).toContain("    orgs: — → [Google]");
  });

  it("an addition or a removal lists the record's fields once each, long texts cut at a word", () => {
    const added = auditText(entry(null, { id: "x", title: "A Title", abstract: "word ".repeat(60) }, "paper.add"));
    expect(added).toContain("    title: A Title");
    expect(added).toMatch(/ {4}abstract: (word ){10,}word…$/m);
    expect(added).not.toContain("→");
    expect(auditText(entry({ id: "x", title: "A Title" }, null, "paper.remove"))).toContain("    title: A Title");
  });

  it("the note is said once, under the changes, not as a change; line breaks and unsafe characters never break the line", () => {
    const text = auditText(entry(null, { decision: "rejected", note: "Off topic:\nnot about LLMs \u202Eevil" }, "candidate.reject"));
    expect(text.split("\n")).toEqual([
      "2026-11-26T12:00:00.000Z  olga (cli)  candidate.reject  paper:lora",
      "    decision: rejected",
      "    note: Off topic: ⏎ not about LLMs evil",
    ]);
  });
});

describe("paperbot audit", () => {
  it("prints a moderator's edit field by field with the note of a decision, and --json keeps before/after and adds changes", async () => {
    const dbPath = join(tempDir("paperbot-audit-"), "paperbot.db");
    const app = createTestApp({ DATABASE_PATH: dbPath });
    try {
      const moderation = createModeration(app);
      const actor = { id: "1300000000000000201", name: "mod" };
      const lora = app.catalog.get("lora");
      if (!lora) throw new Error("lora is in the catalog");
      const edited = moderation.editPaper(
        "lora",
        { summaryEn: `${lora.summary.en} Widely used.`, summaryJa: lora.summary.ja, aliases: [...lora.aliases, "low-rank"], topics: [] },
        actor,
      );
      if (!edited.ok) throw new Error(edited.key);
      candidateStore(app.db).insert(reviewCandidate("2406.90002", "A Method", 0.95), app.clock.now());
      const rejected = moderation.rejectCandidate("2406.90002", actor, "Not about language models.");
      if (!rejected.ok) throw new Error(rejected.key);
    } finally {
      app.close();
    }
    const out: string[] = [];
    const io: CliIo = {
      stdout: (text) => void out.push(text),
      stderr: () => undefined,
      stdin: async function* () {},
      env: testEnv({ DATABASE_PATH: dbPath }),
    };
    expect(await runCli(["audit"], io)).toBe(0);
    const text = out.join("");
    expect(text).toMatch(
      / {2}mod \(1300000000000000201\) {2}candidate\.reject {2}arxiv:2406\.90002\n {4}decision: rejected\n {4}note: Not about language models\.\n/,
    );
    expect(text).toMatch(
      / {2}paper\.edit {2}paper:lora\n {4}aliases: \+ low-rank\n {4}summary\.en: …and the basis of QLoRA\. → …and the basis of QLoRA\. Widely used\.\n/,
    );
    expect(text).not.toContain("{");

    out.length = 0;
    expect(await runCli(["audit", "--json"], io)).toBe(0);
    const json = JSON.parse(out.join("")) as { entries: (AuditEntry & { changes: unknown[]; note: string | null })[] };
    const [reject, edit] = json.entries;
    expect(reject).toMatchObject({ action: "candidate.reject", after: { decision: "rejected" }, note: "Not about language models." });
    expect(edit?.before).toMatchObject({ id: "lora" });
    expect(edit?.changes).toEqual([
      expect.objectContaining({ field: "aliases", after: expect.arrayContaining(["low-rank"]) }),
      expect.objectContaining({ field: "summary.en", after: expect.stringMatching(/ Widely used\.$/) }),
    ]);
    expect(edit?.note).toBeNull();
  });
});
