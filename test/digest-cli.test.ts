import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../src/cli.js";
import { candidateStore } from "../src/db/candidates.js";
import { digestStore } from "../src/db/digest.js";
import { createTestApp, tempDir, testEnv } from "./support/app.js";
import { addModeratorPapers, moderatorEntry } from "./support/digest.js";

function io(env = testEnv()) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env };
  return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("paperbot digest (CLI)", () => {
  it("preview prints the digest as text, in the guild's language with --guild, or as JSON", async () => {
    const databasePath = join(tempDir("paperbot-digest-cli-"), "paperbot.db");
    const setup = createTestApp({ DATABASE_PATH: databasePath });
    addModeratorPapers(setup, [moderatorEntry(1)], new Date(Date.now() - 7 * 86_400_000));
    digestStore(setup.db).setGuild({ guildId: "1300000000000000001", channelId: "1300000000000000011", weekday: 1, time: "09:00", timeZone: "UTC", locale: "ja", updatedBy: "1", updatedAt: new Date().toISOString() });
    const candidates = candidateStore(setup.db);
    const candidate = { version: 1, authors: ["A. Author"], categories: ["cs.CL"], license: null, canonScore: 0.5, bonus: 0, reasons: { papers: ["lora"], topics: ["fine-tuning"] } };
    candidates.insert({ ...candidate, arxivId: "2611.12345", title: "Low-rank adapters, revisited", abstract: "We revisit LoRA. It still works.", score: 0.8 }, new Date());
    candidates.insert({ ...candidate, arxivId: "2611.12346", title: "Below the threshold", abstract: "Barely relevant.", score: 0.01 }, new Date());
    setup.close();
    // A threshold between the two stored candidates' scores (the default, 0.9, is a share of a real stream).
    const env = testEnv({ DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example", CANDIDATE_MIN_SCORE: "0.5" });

    const text = io(env);
    expect(await runCli(["digest", "preview"], text.io)).toBe(0);
    expect(text.stdout()).toMatch(/^--- message 1 of 1 ---\n## LLM papers digest · \d{4}-W\d{2}\n/);
    expect(text.stdout()).toContain("Added paper number 1");
    // The arXiv watch's pending candidates above CANDIDATE_MIN_SCORE, marked as not reviewed.
    expect(text.stdout()).toContain("**[Low-rank adapters, revisited](https://arxiv.org/abs/2611.12345)** · arXiv 2611.12345\n_not yet reviewed · score 0.80_");
    expect(text.stdout()).not.toContain("Below the threshold");
    expect(text.stdout()).toMatch(/\[This digest on the web\] https:\/\/paperbot\.example\/digest\/\d{4}-W\d{2}/);

    const guild = io(env);
    expect(await runCli(["digest", "preview", "--guild", "1300000000000000001"], guild.io)).toBe(0);
    expect(guild.stdout()).toContain("LLM 論文ダイジェスト");

    const json = io(env);
    expect(await runCli(["digest", "preview", "--locale", "en", "--json"], json.io)).toBe(0);
    const parsed = JSON.parse(json.stdout()) as { week: string; locale: string; messages: { embeds: { title: string }[]; components?: unknown[] }[] };
    expect(parsed.locale).toBe("en");
    expect(parsed.week).toMatch(/^\d{4}-W\d{2}$/);
    expect(parsed.messages[0]?.embeds[0]?.title).toBe(`LLM papers digest · ${parsed.week}`);
  });

  it("rejects bad arguments with usage and exit 2; run needs DISCORD_TOKEN", async () => {
    for (const args of [["digest"], ["digest", "preview", "--locale", "fr"], ["digest", "preview", "--guild", "abc"], ["digest", "run", "--later"]]) {
      const run = io();
      expect(await runCli(args, run.io)).toBe(2);
      expect(run.stderr()).toMatch(/Usage: paperbot/);
    }
    const noToken = io();
    expect(await runCli(["digest", "run", "--now"], noToken.io)).toBe(2);
    expect(noToken.stderr()).toMatch(/DISCORD_TOKEN/);
  });
});
