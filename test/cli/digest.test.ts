import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { candidateStore } from "../../src/db/candidates.js";
import { digestStore } from "../../src/db/digest.js";
import { createTestApp, tempDir, testEnv } from "../support/app.js";
import { addModeratorPapers, moderatorEntry } from "../support/digest.js";

function io(env = testEnv()) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env };
  return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

/**
 * The CLI reads the system clock; only Date is faked (timers, sockets and SQLite run as usual). A Thursday: the preview
 * shows the edition sent next Monday, 30 Nov 2026: 2026-W48, the week (23–29 Nov) the paper and candidates were added in.
 */
const NOW = new Date("2026-11-26T12:00:00Z");
const ADDED = new Date("2026-11-24T10:00:00Z");
const WEEK = "2026-W48";

describe("paperbot digest (CLI)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("preview prints the digest as text, in the guild's language with --guild, or as JSON", async () => {
    const databasePath = join(tempDir("paperbot-digest-cli-"), "paperbot.db");
    const setup = createTestApp({ DATABASE_PATH: databasePath });
    addModeratorPapers(setup, [moderatorEntry(1)], ADDED);
    digestStore(setup.db).setGuild({
      guildId: "1300000000000000001",
      channelId: "1300000000000000011",
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "ja",
      updatedBy: "1",
      updatedAt: NOW.toISOString(),
    });
    const candidates = candidateStore(setup.db);
    const candidate = {
      version: 1,
      authors: ["A. Author"],
      categories: ["cs.CL"],
      license: null,
      canonScore: 0.5,
      bonus: 0,
      // Stored as another paper first wrote the stems: the digest names them as this paper does ("adapters").
      reasons: { papers: ["lora"], topics: ["fine-tuning"], terms: ["Low-Rank", "adapter"] },
    };
    candidates.insert(
      {
        ...candidate,
        arxivId: "2611.12345",
        title: "Low-rank adapters, revisited",
        abstract: "We revisit LoRA. It still works.",
        score: 0.8,
      },
      ADDED,
    );
    candidates.insert(
      { ...candidate, arxivId: "2611.12346", title: "Below the threshold", abstract: "Barely relevant.", score: 0.01 },
      ADDED,
    );
    setup.close();
    // A threshold between the two stored candidates' scores (the default, 0.9, is a share of a real stream).
    const env = testEnv({ DATABASE_PATH: databasePath, PUBLIC_URL: "https://paperbot.example", CANDIDATE_MIN_SCORE: "0.5" });

    const text = io(env);
    expect(await runCli(["digest", "preview"], text.io)).toBe(0);
    expect(text.stdout()).toMatch(new RegExp(`^--- message 1 of 1 ---\n## LLM papers digest · ${WEEK}\n`));
    expect(text.stdout()).toContain("Added paper number 1");
    // The arXiv watch's pending candidates above CANDIDATE_MIN_SCORE, marked as not reviewed.
    expect(text.stdout()).toContain("## Found by the arXiv watch, not yet reviewed");
    expect(text.stdout()).toContain(
      "**[Low-rank adapters, revisited](https://arxiv.org/abs/2611.12345)**\nA. Author · Topics: Fine-tuning\nWe revisit LoRA.\n" +
        "_Why the watch picked it: close to LoRA in the reading list; it is about “low-rank” and “adapters”._\n" +
        "arXiv:2611.12345 · [PDF](https://arxiv.org/pdf/2611.12345)",
    );
    expect(text.stdout()).not.toContain("Below the threshold");
    expect(text.stdout()).toContain(`[This digest on the web] https://paperbot.example/digest/${WEEK}`);

    const guild = io(env);
    expect(await runCli(["digest", "preview", "--guild", "1300000000000000001"], guild.io)).toBe(0);
    expect(guild.stdout()).toContain("LLM 論文ダイジェスト");

    const json = io(env);
    expect(await runCli(["digest", "preview", "--locale", "en", "--json"], json.io)).toBe(0);
    const parsed = JSON.parse(json.stdout()) as {
      week: string;
      locale: string;
      messages: { embeds: { title: string }[]; components?: unknown[] }[];
    };
    expect(parsed.locale).toBe("en");
    expect(parsed.week).toBe(WEEK);
    expect(parsed.messages[0]?.embeds[0]?.title).toBe(`LLM papers digest · ${parsed.week}`);
  });

  it("rejects bad arguments with usage and exit 2; run needs DISCORD_TOKEN", async () => {
    for (const args of [
      ["digest"],
      ["digest", "preview", "--locale", "fr"],
      ["digest", "preview", "--guild", "abc"],
      ["digest", "run", "--later"],
    ]) {
      const run = io();
      expect(await runCli(args, run.io)).toBe(2);
      expect(run.stderr()).toMatch(/Usage: paperbot/);
    }
    const noToken = io();
    expect(await runCli(["digest", "run", "--now"], noToken.io)).toBe(2);
    expect(noToken.stderr()).toMatch(/DISCORD_TOKEN/);
  });
});
