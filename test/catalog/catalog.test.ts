import { existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { CatalogFileError, loadCatalog, loadCatalogFile, MAX_CATALOG_BYTES } from "../../src/catalog/load.js";
import { EXIT } from "../../src/failures.js";
import { catalogPath, sharedAvailable, sharedDir, tempDir } from "../support/app.js";
import { UNLICENSED_CAPTURE } from "../support/real-fixtures.js";
import { TEST_TOKEN } from "../support/bot.js";
import { mainJs, spawnBot } from "../support/child.js";

const entries = loadCatalogFile(catalogPath);
const byId = new Map(entries.map((entry) => [entry.id, entry]));

describe("catalog file", () => {
  it("holds the whole reading list with unique ids and arXiv ids", () => {
    // The reading list's size, checked here only: every other test derives it (test/support/catalog-size.ts).
    expect(entries.length).toBe(43);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
    const arxivIds = entries.flatMap((entry) => (entry.arxivId ? [entry.arxivId] : []));
    expect(new Set(arxivIds).size).toBe(arxivIds.length);
    expect(entries.filter((entry) => entry.arxivId === null).map((entry) => entry.id)).toEqual(["gpt-1", "gpt-2", "moe-explained"]);
  });

  // The seed reading list is not ours to redistribute (like an unlicensed capture): read from ../shared only.
  it("contains every arXiv link of the seed exactly once", { tags: [UNLICENSED_CAPTURE], skip: !sharedAvailable }, () => {
    const seed = readFileSync(join(sharedDir, "seed", "reading-list-ja.txt"), "utf8");
    const seedIds = [...seed.matchAll(/arxiv\.org\/abs\/(\d{4}\.\d{4,5})/g)].map((match) => match[1]);
    expect(seedIds.length).toBeGreaterThanOrEqual(40);
    for (const id of seedIds) {
      expect(
        entries.filter((entry) => entry.arxivId === id),
        `arXiv ${id}`,
      ).toHaveLength(1);
    }
  });

  it("links arXiv papers to their abstract and PDF, and the others to their real pages", () => {
    for (const entry of entries) {
      if (entry.arxivId) {
        expect(entry.url).toBe(`https://arxiv.org/abs/${entry.arxivId}`);
        expect(entry.pdfUrl).toBe(`https://arxiv.org/pdf/${entry.arxivId}`);
      }
    }
    expect(byId.get("gpt-1")?.url).toBe("https://cdn.openai.com/research-covers/language-unsupervised/language_understanding_paper.pdf");
    expect(byId.get("moe-explained")?.url).toBe("https://huggingface.co/blog/moe");
  });

  it("fixes the seed's errors", () => {
    const chinchilla = byId.get("chinchilla");
    expect(chinchilla?.summary.en).toMatch(/70B|70 billion/);
    expect(chinchilla?.summary.en).not.toMatch(/\b7B\b|7 billion/);
    expect(chinchilla?.summary.ja).toMatch(/700億|70B/);
    const ppo = byId.get("ppo");
    expect(`${ppo?.summary.en} ${ppo?.keyResults.en.join(" ")}`).toMatch(/Trust Region Policy Optimization/);
    expect(ppo?.summary.en).not.toMatch(/Rust/);
    expect(byId.get("bert")?.organisation).toBe("Google AI Language");
    expect(byId.get("scaling-laws")?.summary.en).toMatch(/power law/i);
  });

  it("has bilingual summaries, key results and an organisation for every paper", () => {
    for (const entry of entries) {
      const sentences = entry.summary.en.split(/(?<=[.!?])\s+(?=[A-Z])/).length;
      expect(sentences, entry.id).toBeGreaterThanOrEqual(3);
      expect(entry.summary.ja, entry.id).toMatch(/[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u);
      expect(entry.keyResults.ja.length, entry.id).toBe(entry.keyResults.en.length);
      // The schema lets papers moderators add from arXiv go without these; the curated list always has them.
      expect(entry.organisation?.trim(), entry.id).toBeTruthy();
      expect(entry.keyResults.en.length, entry.id).toBeGreaterThanOrEqual(1);
      expect(entry.keyResults.ja.length, entry.id).toBeGreaterThanOrEqual(1);
      expect(entry.aliases.length, entry.id).toBeGreaterThan(0);
    }
  });

  it("stops with the file, the entry id and the field when an entry is bad", () => {
    const raw = JSON.parse(readFileSync(catalogPath, "utf8")) as { papers: Record<string, unknown>[] };
    const lora = raw.papers.find((paper) => paper["id"] === "lora");
    if (!lora) throw new Error("lora missing");
    lora["year"] = "2021";
    const broken = join(tempDir(), "catalog.json");
    writeFileSync(broken, JSON.stringify(raw));
    try {
      loadCatalogFile(broken);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogFileError);
      expect(String(error)).toContain(broken);
      expect(String(error)).toContain("entry lora, field year");
    }
  });

  it("rejects duplicate ids and unreadable files", () => {
    const raw = JSON.parse(readFileSync(catalogPath, "utf8")) as { papers: unknown[] };
    raw.papers.push(raw.papers[0]);
    const duplicated = join(tempDir(), "catalog.json");
    writeFileSync(duplicated, JSON.stringify(raw));
    expect(() => loadCatalogFile(duplicated)).toThrow(/entry attention-is-all-you-need, field id: duplicate id/);
    expect(() => loadCatalogFile(join(tempDir(), "missing.json"))).toThrow(/cannot read the file/);
  });
});

describe("reading the catalog file", () => {
  const tooLarge = `larger than ${MAX_CATALOG_BYTES / (1024 * 1024)} MB: not a catalog file (or the wrong path)`;

  it.skipIf(!existsSync("/dev/zero"))("gives up on an endless device (CATALOG_PATH=/dev/zero) after the size cap", () => {
    expect(() => loadCatalog("/dev/zero")).toThrow(CatalogFileError);
    expect(() => loadCatalog("/dev/zero")).toThrow(tooLarge);
  });

  it("refuses a file over the cap before parsing it, and reads one under it", () => {
    const dir = tempDir("paperbot-catalog-size-");
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const huge = join(dir, "huge.json");
    writeFileSync(huge, "");
    truncateSync(huge, MAX_CATALOG_BYTES + 1);
    expect(() => loadCatalog(huge)).toThrow(tooLarge);
    expect(loadCatalog(catalogPath).papers).toHaveLength(43);
  });

  it.skipIf(!existsSync(mainJs) || !existsSync("/dev/zero"))(
    "the bot with CATALOG_PATH=/dev/zero exits with that reason instead of reading for ever",
    async () => {
      const dir = tempDir("paperbot-catalog-zero-");
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const bot = spawnBot(dir, {
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: "http://127.0.0.1:9/api",
        CATALOG_PATH: "/dev/zero",
        DATABASE_PATH: join(dir, "paperbot.db"),
      });
      expect(await bot.exited).toBe(EXIT.failed);
      expect(bot.stderr()).toContain(tooLarge);
    },
  );
});
