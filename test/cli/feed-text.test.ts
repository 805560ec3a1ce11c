/** Feed titles on a terminal: every CLI listing prints them on one line, without bidi overrides or escape codes. */
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { candidateStore } from "../../src/db/candidates.js";
import { createTestApp, tempDir } from "../support/app.js";
import { cliRunner } from "../support/cli.js";

const TITLE = "Evil \u202Eevil\u202C title\n# NEWLINE HEADER\r\n> quote \u001b[31mred\u0085";
const SHOWN = "Evil evil title # NEWLINE HEADER > quote [31mred";

const unsafe = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

describe("feed text in CLI output", () => {
  it("candidates, candidates approve, paper and audit print the title on one line, with no bidi or control characters", async () => {
    // Listing rescores the stored paper: every candidate is shown at threshold 0.
    const env = { DATABASE_PATH: join(tempDir("paperbot-feed-text-"), "paperbot.db"), CANDIDATE_MIN_SCORE: "0" };
    const app = createTestApp(env);
    onTestFinished(() => app.close());
    candidateStore(app.db).insert(
      {
        arxivId: "2406.90001",
        version: 1,
        title: TITLE,
        authors: ["Mal\u202Elory", "Eve\nAdams"],
        categories: ["cs.CL"],
        abstract: "Retrieval \u202Eagents.\nSecond line.",
        license: null,
        canonScore: 0.9,
        bonus: 0,
        score: 0.9,
        reasons: { papers: [], topics: ["retrieval", "kw\u202E\nx"] },
      },
      new Date("2026-11-20T00:00:00Z"),
    );
    app.close();
    const run = cliRunner(env);

    const listed = await run("candidates");
    expect(listed.stdout.split("\n")[0]).toMatch(new RegExp(`2406\\.90001v1  ${SHOWN.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}$`));
    expect(listed.stdout).not.toMatch(unsafe);

    const approved = await run("candidates", "approve", "2406.90001", "--topics", "retrieval", "--by", "olga");
    expect(approved.code).toBe(0);
    expect(approved.stdout.split("\n")[0]).toBe(`approved 2406.90001: ${SHOWN} (by olga)`);

    const paper = await run("paper", "2406.90001");
    expect(paper.code).toBe(0);
    expect(paper.stdout.split("\n")[0]).toBe(`${SHOWN} (2024)`);
    expect(paper.stdout).toContain("Authors: Mallory, Eve Adams");
    expect(paper.stdout).toContain("Retrieval agents.\nSecond line.");
    expect(paper.stdout).not.toMatch(unsafe);

    // Each entry: its header, then one indented line per field it changed (the title among them, on one line, its
    // stored line breaks shown as ⏎).
    const audit = await run("audit");
    expect(audit.stdout).not.toMatch(unsafe);
    expect(audit.stdout).toContain("    paper.title: Evil evil title ⏎ # NEWLINE HEADER ⏎ > quote [31mred\n");
    expect(
      audit.stdout
        .trimEnd()
        .split("\n")
        .every((line) => /^\d{4}-\d\d-\d\dT/.test(line) || /^ {4}[\w.[\]]+: /.test(line)),
    ).toBe(true);
  });
});
