/**
 * A paper a moderator adds from arXiv (the real API capture of 1207.7214) carries no invented facts: every renderer
 * (embed, CLI text, each bundle file) shows no organisation and no key results, and marks the abstract as the
 * authors'. Bundle files are read back with independent parsers (csv-parse, @retorquere/bibtex-parser).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse as parseBibtex } from "@retorquere/bibtex-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { parseArxivAtom, type ArxivRecord } from "../../src/arxiv/api.js";
import { renderPaperText } from "../../src/catalog/format.js";
import { catalogEntrySchema, catalogFileSchema } from "../../src/catalog/schema.js";
import type { Paper } from "../../src/catalog/types.js";
import { BUNDLE_FOLDER, buildBundle, escapeMarkdown } from "../../src/bundle/index.js";
import { escapeText as escapeHtml } from "../../src/shared/html.js";
import { paperEmbed } from "../../src/catalog/card.js";
import { t } from "../../src/i18n/index.js";
import { createModeration, type Moderation } from "../../src/moderation/index.js";
import { addedFromAbstract, entryFromArxiv, entryOf } from "../../src/moderation/papers.js";
import { apiCapture, CAPTURES } from "../support/arxiv-api-server.js";
import { createTestApp } from "../support/app.js";
import { MODERATOR } from "../support/moderation.js";
import { unzipTexts } from "../support/zip.js";

const HIGGS_ID = "1207.7214";
const GENERATED_AT = new Date("2024-03-05T12:34:56.000Z");
// A Japanese reader gets one note saying both: no Japanese summary, and this is the authors' (English) abstract.
const ABSTRACT_NOTE = { en: t("en", "paper.abstractNote"), ja: t("ja", "paper.englishAbstractNote") };
const STACKED_JA = [t("ja", "paper.englishOnly"), t("ja", "paper.abstractNote")];
const actor = { id: MODERATOR.id, name: MODERATOR.username };

async function higgsRecord(): Promise<ArxivRecord> {
  const xml = apiCapture(CAPTURES[HIGGS_ID] ?? "");
  const parsed = await parseArxivAtom(xml);
  const record = parsed?.kind === "records" ? parsed.records[0] : undefined;
  if (!record) throw new Error("the capture holds no record");
  return record;
}

async function bundleOf(papers: readonly Paper[]): Promise<Map<string, string>> {
  return unzipTexts(buildBundle(papers, { generatedAt: GENERATED_AT }).zip, BUNDLE_FOLDER);
}

function file(files: Map<string, string>, name: string): string {
  const text = files.get(name);
  if (text === undefined) throw new Error(`missing ${name}`);
  return text;
}

describe("a paper a moderator added from arXiv", () => {
  let app: ReturnType<typeof createTestApp>;
  let moderation: Moderation;
  let record: ArxivRecord;
  let paper: Paper;
  let curated: Paper;

  beforeEach(async () => {
    app = createTestApp();
    moderation = createModeration(app);
    record = await higgsRecord();
    const added = moderation.addPaper(
      entryFromArxiv(record, ["retrieval"], (id) => app.catalog.get(id) !== undefined),
      addedFromAbstract(actor.name),
      actor,
    );
    if (!added.ok) throw new Error(added.key);
    paper = added.value;
    const lora = app.catalog.get("lora");
    if (!lora) throw new Error("lora missing");
    curated = lora;
  });
  afterEach(() => app.close());

  it("is stored with no organisation, no key results, and its summaries flagged as the abstract", () => {
    expect(paper.arxivId).toBe(HIGGS_ID);
    expect(paper).not.toHaveProperty("organisation");
    expect(paper.keyResults).toEqual({ en: [], ja: [] });
    expect(paper.summary.en).toBe(record.abstract);
    expect(paper.moderation?.summary).toEqual({ en: "abstract", ja: null });
    expect(catalogEntrySchema.safeParse(entryOf(paper)).success).toBe(true);
  });

  it("shows neither in the embed or the CLI text, and marks the abstract in both languages", () => {
    for (const locale of ["en", "ja"] as const) {
      const embed = paperEmbed(paper, locale);
      const names = (embed.fields ?? []).map((field) => field.name);
      expect(names, locale).not.toContain(t(locale, "paper.organisation"));
      expect(names, locale).not.toContain(t(locale, "paper.keyResults"));
      expect(embed.description, locale).toContain(ABSTRACT_NOTE[locale]);
      expect(JSON.stringify(embed), locale).not.toMatch(/arXiv (?:hep|cs)/);

      const text = renderPaperText(paper, locale);
      expect(text, locale).not.toContain(`${t(locale, "paper.organisation")}:`);
      expect(text, locale).not.toContain(`${t(locale, "paper.keyResults")}:`);
      expect(text, locale).toContain(`(${ABSTRACT_NOTE[locale]})`);
    }
    for (const stacked of STACKED_JA) expect(paperEmbed(paper, "ja").description).not.toContain(stacked);
    expect(renderPaperText(paper, "ja").split(ABSTRACT_NOTE.ja)).toHaveLength(2);
    // The English title is not repeated as if it were a Japanese one.
    expect(
      renderPaperText(paper, "ja")
        .split("\n")
        .filter((line) => line === paper.title),
    ).toHaveLength(0);
  });

  it("shows neither in any bundle file, and marks the abstract as the authors'", async () => {
    const files = await bundleOf([curated, paper]);

    const rows: string[][] = parseCsv(file(files, "papers.csv"), {
      bom: true,
      record_delimiter: "\r\n",
      relax_quotes: false,
      relax_column_count: false,
    });
    const header = rows[0] ?? [];
    const column = (name: string) => header.indexOf(name);
    const added = rows.find((row) => row[column("arxiv_id")] === HIGGS_ID) ?? [];
    const loraRow = rows.find((row) => row[column("id")] === "lora") ?? [];
    expect(added[column("organisation")]).toBe("");
    expect(added[column("summary_en")]).toBe(`(${ABSTRACT_NOTE.en}) ${paper.summary.en}`);
    expect(added[column("summary_ja")]).toBe(`（${ABSTRACT_NOTE.ja}）${paper.summary.en}`);
    expect(loraRow[column("organisation")]).toBe(curated.organisation);
    expect(loraRow[column("summary_ja")]).toBe(curated.summary.ja);

    const bib = parseBibtex(file(files, "papers.bib"), { sentenceCase: false });
    expect(bib.errors).toEqual([]);
    const addedEntry = bib.entries.find((entry) => entry.fields["eprint"] === HIGGS_ID);
    expect(addedEntry?.fields["title"]).toBe(paper.title);
    expect(addedEntry?.fields.institution).toBeUndefined();
    expect(bib.entries.find((entry) => entry.fields["eprint"] === curated.arxivId)?.fields.institution).toEqual([curated.organisation]);

    const json = JSON.parse(file(files, "papers.json")) as { papers: Record<string, unknown>[] };
    const addedJson = json.papers.find((entry) => entry["arxivId"] === HIGGS_ID) ?? {};
    expect(addedJson).not.toHaveProperty("organisation");
    expect(addedJson["keyResults"]).toEqual({ en: [], ja: [] });
    // summary.ja holds the English abstract, and the file says so: source "abstract", language "en".
    expect(addedJson["summarySource"]).toEqual({ en: "abstract", ja: "abstract" });
    expect(addedJson["summaryLanguage"]).toEqual({ en: "en", ja: "en" });
    const loraJson = json.papers.find((entry) => entry["id"] === "lora") ?? {};
    expect(loraJson).not.toHaveProperty("summarySource");
    expect(loraJson).not.toHaveProperty("summaryLanguage");
    for (const entry of json.papers) {
      const { summarySource: _source, ...catalogFields } = entry;
      expect(catalogEntrySchema.safeParse(catalogFields).success).toBe(true);
    }

    const html = file(files, "index.html");
    const article = /<article id="paper-[^"]*">[\s\S]*?<\/article>/g;
    const addedHtml = [...html.matchAll(article)].map((match) => match[0]).find((text) => text.includes(`arXiv:${HIGGS_ID}`)) ?? "";
    const loraHtml = [...html.matchAll(article)].map((match) => match[0]).find((text) => text.includes('id="paper-lora"')) ?? "";
    expect(addedHtml).not.toContain(escapeHtml(t("en", "paper.organisation")));
    expect(addedHtml).not.toContain(escapeHtml(t("en", "paper.keyResults")));
    expect(addedHtml).not.toContain(escapeHtml(t("ja", "paper.keyResults")));
    expect(addedHtml).not.toContain('class="ja-title"');
    expect(addedHtml).toContain(`<p class="note">${escapeHtml(ABSTRACT_NOTE.en)}</p><p>${escapeHtml(paper.summary.en)}</p>`);
    expect(addedHtml).toContain(
      `<section lang="ja"><h4>要約</h4><p class="note">${escapeHtml(ABSTRACT_NOTE.ja)}</p><p lang="en">${escapeHtml(paper.summary.en)}</p></section>`,
    );
    expect(loraHtml).toContain(escapeHtml(curated.organisation ?? "missing"));
    expect(loraHtml).toContain(`<p>${escapeHtml(curated.summary.ja)}</p><h4>主な結果</h4>`);

    const readme = file(files, "README.md");
    const addedMd = readme.slice(readme.indexOf(`### ${escapeMarkdown(paper.title)}`));
    const entryEnd = addedMd.indexOf("\n### ", 1);
    const addedEntryMd = entryEnd > 0 ? addedMd.slice(0, entryEnd) : addedMd;
    expect(addedEntryMd).not.toContain("Organisation");
    expect(addedEntryMd).not.toContain(t("en", "paper.keyResults"));
    expect(addedEntryMd).not.toContain(t("ja", "paper.keyResults"));
    expect(addedEntryMd).toContain(`**Summary:** *${escapeMarkdown(ABSTRACT_NOTE.en)}* ${escapeMarkdown(paper.summary.en)}`);
    expect(addedEntryMd).toContain(`**要約：** *${escapeMarkdown(ABSTRACT_NOTE.ja)}* ${escapeMarkdown(paper.summary.en)}`);
  });

  it("once a moderator writes both summaries, drops the marks, and still exports as a valid catalog file", async () => {
    const edited = moderation.editPaper(
      paper.id,
      { summaryEn: "A summary we wrote.", summaryJa: "私たちが書いた要約。", aliases: ["ATLAS Higgs"], topics: [] },
      actor,
    );
    if (!edited.ok) throw new Error(edited.key);
    const now = edited.value.paper;
    expect(now.moderation?.summary).toEqual({ en: "written", ja: "written" });
    expect(paperEmbed(now, "ja").description).toBe("私たちが書いた要約。");
    expect(renderPaperText(now, "en")).not.toContain(ABSTRACT_NOTE.en);

    const files = await bundleOf([now]);
    const rows: string[][] = parseCsv(file(files, "papers.csv"), { bom: true });
    expect(rows[1]?.slice(-2)).toEqual(["A summary we wrote.", "私たちが書いた要約。"]);
    expect(file(files, "index.html")).not.toContain(ABSTRACT_NOTE.en);
    expect(file(files, "README.md")).not.toContain(escapeMarkdown(ABSTRACT_NOTE.en));
    expect(file(files, "README.md")).not.toContain(t("en", "paper.keyResults"));

    const exported = catalogFileSchema.safeParse({ version: 1, updated: "2024-03-05", papers: [entryOf(curated), entryOf(now)] });
    expect(exported.success).toBe(true);
  });
});
