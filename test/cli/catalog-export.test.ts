/**
 * `paperbot catalog export` keeps where each summary comes from: a moderator-added paper whose summary is still the
 * authors' abstract, committed back as the catalog of a fresh database, is shown exactly as before (abstract and
 * English-only fallback marked) in the embed, the CLI text and every bundle file. Curated entries carry no mark.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseCsv } from "csv-parse/sync";
import { BUNDLE_FOLDER, buildBundle } from "../../src/bundle/index.js";
import { renderPaperText } from "../../src/catalog/format.js";
import { catalogEntrySchema, catalogFileSchema } from "../../src/catalog/schema.js";
import type { Paper } from "../../src/catalog/types.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { paperEmbed } from "../../src/catalog/card.js";
import { t } from "../../src/i18n/index.js";
import { createModeration } from "../../src/moderation/index.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { catalogPath, createTestApp, tempDir, testEnv } from "../support/app.js";
import { MODERATOR } from "../support/moderation.js";
import { unzipTexts } from "../support/zip.js";
import { sampleArxivRecord } from "../support/papers.js";

const ABSTRACT_ID = "2402.10001";
const ENGLISH_ONLY_ID = "2402.10002";
const ABSTRACT_NOTE = { en: t("en", "paper.abstractNote"), ja: t("ja", "paper.abstractNote") };
// No Japanese summary and the authors' abstract: one note saying both.
const ENGLISH_ABSTRACT_JA = t("ja", "paper.englishAbstractNote");
const ENGLISH_ONLY_JA = t("ja", "paper.englishOnly");
const GENERATED_AT = new Date("2024-03-05T12:34:56.000Z");
const actor = { id: MODERATOR.id, name: MODERATOR.username };

function cliIo(env: Record<string, string>) {
  const out: string[] = [];
  const io: CliIo = { stdout: (text) => void out.push(text), stderr: () => undefined, stdin: async function* () {}, env: testEnv(env) };
  return { io, stdout: () => out.join("") };
}

function byArxiv(papers: readonly Paper[], arxivId: string): Paper {
  const paper = papers.find((candidate) => candidate.arxivId === arxivId);
  if (!paper) throw new Error(`no paper ${arxivId}`);
  return paper;
}

async function bundleFiles(papers: readonly Paper[]): Promise<Map<string, string>> {
  return unzipTexts(buildBundle(papers, { generatedAt: GENERATED_AT }).zip, BUNDLE_FOLDER);
}

/** A database where a moderator added two papers: one still showing its abstract, one with only an English summary. */
function moderatedDatabase(dir: string): { dbPath: string; before: Paper[] } {
  const dbPath = join(dir, "moderated.db");
  const app = createTestApp({ DATABASE_PATH: dbPath });
  try {
    const moderation = createModeration(app, { papersChanged: ({ id }) => void app.catalog.paperChanged(id) });
    const taken = (id: string) => app.catalog.get(id) !== undefined;
    for (const [arxivId, title] of [
      [ABSTRACT_ID, "Sparse retrieval heads"],
      [ENGLISH_ONLY_ID, "Dense reranking at scale"],
    ] as const) {
      const added = moderation.addPaper(
        entryFromArxiv(sampleArxivRecord(arxivId, title), ["retrieval"], taken),
        addedFromAbstract(actor.name),
        actor,
      );
      if (!added.ok) throw new Error(added.key);
    }
    const englishOnly = byArxiv(app.catalog.papers, ENGLISH_ONLY_ID);
    const edited = moderation.editPaper(
      englishOnly.id,
      { summaryEn: "A summary a moderator wrote.", summaryJa: "", aliases: [], topics: [] },
      actor,
    );
    if (!edited.ok) throw new Error(edited.key);
    return { dbPath, before: [...app.catalog.papers] };
  } finally {
    app.close();
  }
}

describe("catalog export keeps where summaries come from", () => {
  it("marks the abstract and the English-only fallback in the file; curated entries are written as they are", async () => {
    const dir = tempDir();
    const { dbPath } = moderatedDatabase(dir);
    const out = join(dir, "catalog.json");
    expect(await runCli(["catalog", "export", "--out", out], cliIo({ DATABASE_PATH: dbPath }).io)).toBe(0);

    const exported = catalogFileSchema.parse(JSON.parse(readFileSync(out, "utf8")));
    const original = catalogFileSchema.parse(JSON.parse(readFileSync(catalogPath, "utf8")));
    expect(exported.papers.slice(0, original.papers.length)).toEqual(original.papers);
    expect(exported.papers.slice(0, original.papers.length).every((entry) => !("summarySource" in entry))).toBe(true);
    const abstract = exported.papers.find((entry) => entry.arxivId === ABSTRACT_ID);
    expect([abstract?.summarySource, abstract?.summaryLanguage]).toEqual([
      { en: "abstract", ja: "abstract" },
      { en: "en", ja: "en" },
    ]);
    const englishOnly = exported.papers.find((entry) => entry.arxivId === ENGLISH_ONLY_ID);
    // summary.ja repeats the English summary moderators wrote: nobody wrote one in Japanese (null), and it is English.
    expect([englishOnly?.summarySource, englishOnly?.summaryLanguage]).toEqual([
      { en: "written", ja: null },
      { en: "en", ja: "en" },
    ]);
  });

  it("loaded as a fresh app's catalog, shows the papers exactly as the moderators' database did", async () => {
    const dir = tempDir();
    const { dbPath, before } = moderatedDatabase(dir);
    const out = join(dir, "catalog.json");
    expect(await runCli(["catalog", "export", "--out", out], cliIo({ DATABASE_PATH: dbPath }).io)).toBe(0);

    const fresh = createTestApp({ CATALOG_PATH: out });
    try {
      const after = fresh.catalog.papers;
      const imported = byArxiv(after, ABSTRACT_ID);
      expect(imported.source).toBe("catalog");
      expect(imported.moderation).toBeUndefined();
      for (const arxivId of [ABSTRACT_ID, ENGLISH_ONLY_ID]) {
        for (const locale of ["en", "ja"] as const) {
          // Only the footer differs: the paper is now a reading-list entry rather than "added by a moderator".
          const { footer: _after, ...shownAfter } = paperEmbed(byArxiv(after, arxivId), locale);
          const { footer: _before, ...shownBefore } = paperEmbed(byArxiv(before, arxivId), locale);
          expect(shownAfter, `${arxivId} ${locale}`).toEqual(shownBefore);
          expect(renderPaperText(byArxiv(after, arxivId), locale), `${arxivId} ${locale}`).toBe(
            renderPaperText(byArxiv(before, arxivId), locale),
          );
        }
      }
      expect(paperEmbed(imported, "en").description).toContain(ABSTRACT_NOTE.en);
      expect(paperEmbed(imported, "ja").description).toContain(ENGLISH_ABSTRACT_JA);
      expect(paperEmbed(imported, "ja").description).not.toContain(ENGLISH_ONLY_JA);
      expect(paperEmbed(imported, "ja").description).not.toContain(ABSTRACT_NOTE.ja);
      const englishOnly = byArxiv(after, ENGLISH_ONLY_ID);
      expect(paperEmbed(englishOnly, "ja").description).toContain(ENGLISH_ONLY_JA);
      expect(paperEmbed(englishOnly, "en").description).not.toContain(ABSTRACT_NOTE.en);

      // The CLI of the fresh app, reading the exported file as its catalog.
      const text = cliIo({ CATALOG_PATH: out });
      expect(await runCli(["paper", ABSTRACT_ID, "--locale", "ja"], text.io)).toBe(0);
      expect(text.stdout()).toContain(`(${ENGLISH_ABSTRACT_JA})`);
      expect(text.stdout()).not.toContain(`(${ABSTRACT_NOTE.ja})`);

      // Every bundle file is the same as the one the moderators' database built.
      const lora = fresh.catalog.get("lora");
      if (!lora) throw new Error("lora missing");
      const pick = (papers: readonly Paper[]) => [lora, byArxiv(papers, ABSTRACT_ID), byArxiv(papers, ENGLISH_ONLY_ID)];
      const afterFiles = await bundleFiles(pick(after));
      expect(afterFiles).toEqual(await bundleFiles(pick(before)));
      const rows: string[][] = parseCsv(afterFiles.get("papers.csv") ?? "", { bom: true, record_delimiter: "\r\n" });
      const header = rows[0] ?? [];
      const row = rows.find((cells) => cells[header.indexOf("arxiv_id")] === ABSTRACT_ID) ?? [];
      expect(row[header.indexOf("summary_ja")]).toBe(`（${ENGLISH_ABSTRACT_JA}）${imported.summary.en}`);
      const json = JSON.parse(afterFiles.get("papers.json") ?? "{}") as { papers: Record<string, unknown>[] };
      expect(json.papers.find((entry) => entry["arxivId"] === ABSTRACT_ID)?.["summarySource"]).toEqual({ en: "abstract", ja: "abstract" });
      expect(json.papers.find((entry) => entry["id"] === "lora")).not.toHaveProperty("summarySource");

      // A moderator writing only the Japanese summary of the imported paper leaves its English marked as the abstract.
      const edited = createModeration(fresh).editPaper(
        imported.id,
        { summaryEn: "", summaryJa: "日本語の要約。", aliases: [], topics: [] },
        actor,
      );
      if (!edited.ok) throw new Error(edited.key);
      expect(edited.value.paper.moderation?.summary).toEqual({ en: "abstract", ja: "written" });
      expect(paperEmbed(edited.value.paper, "en").description).toContain(ABSTRACT_NOTE.en);
      expect(paperEmbed(edited.value.paper, "ja").description).toBe("日本語の要約。");
    } finally {
      fresh.close();
    }
  });

  it("the catalog schema takes only the known provenance values", () => {
    const lora = catalogFileSchema.parse(JSON.parse(readFileSync(catalogPath, "utf8"))).papers[0];
    // Files exported before summaryLanguage existed (ja null for the abstract) still load.
    expect(catalogEntrySchema.safeParse({ ...lora, summarySource: { en: "abstract", ja: null } }).success).toBe(true);
    expect(
      catalogEntrySchema.safeParse({ ...lora, summarySource: { en: "abstract", ja: "abstract" }, summaryLanguage: { en: "en", ja: "en" } })
        .success,
    ).toBe(true);
    expect(catalogEntrySchema.safeParse({ ...lora, summarySource: { en: "abstract", ja: "translated" } }).success).toBe(false);
    expect(catalogEntrySchema.safeParse({ ...lora, summaryLanguage: { en: "en", ja: "fr" } }).success).toBe(false);
    expect(catalogEntrySchema.safeParse({ ...lora, summarySource: { en: "written" } }).success).toBe(false);
  });
});
