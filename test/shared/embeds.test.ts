/** Every embed the commands answer with respects Discord's limits (handlers driven directly, no bot). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ComponentType, type Embed, type Reply } from "../../src/shared/reply.js";
import type { CatalogEntry, CatalogFile } from "../../src/catalog/schema.js";
import { catalogPath, tempDir } from "../support/app.js";
import { embedsOf, rowsOf, useDirect } from "../support/direct.js";

describe("embeds within Discord's limits", () => {
  it("every embed /paper, /papers and /help answer with fits, even for the longest entry a catalog may hold", async () => {
    const catalog = JSON.parse(readFileSync(catalogPath, "utf8")) as CatalogFile;
    const papers = [...catalog.papers, LONGEST_ENTRY];
    const file = join(tempDir(), "catalog.json");
    writeFileSync(file, JSON.stringify({ ...catalog, papers }));
    const direct = useDirect({ env: { CATALOG_PATH: file } });
    const replies: Reply[] = [];
    for (const locale of ["en", "ja"] as const) {
      for (const paper of papers) replies.push(await direct.run("paper", { query: paper.id }, { locale }));
      replies.push(await direct.run("papers", {}, { locale }));
      replies.push(await direct.run("help", {}, { locale }));
    }
    const embeds = replies.flatMap(embedsOf);
    expect(embeds).toHaveLength(2 * (papers.length + 2));
    for (const paper of papers) expect(embeds.filter((embed) => embed.url === paper.url)).toHaveLength(2);
    for (const embed of embeds) expectWithinEmbedLimits(embed);
    // The longest entry is cut to fit, not dropped.
    const longest = embeds.filter((embed) => embed.url === LONGEST_ENTRY.url);
    for (const embed of longest) expect(embed.title).toMatch(/^(Limits Limits |限界限界).*…$/);
    for (const reply of replies) {
      expect(rowsOf(reply).length).toBeLessThanOrEqual(5);
      for (const row of rowsOf(reply)) {
        expect(row.components.length).toBeLessThanOrEqual(5);
        expect(row.components.every((component) => component.type === ComponentType.Button)).toBe(true);
      }
    }
  });
});

/** The longest entry the catalog schema accepts: every text at its maximum, so embeds must be cut to fit. */
const LONGEST_ENTRY: CatalogEntry = {
  id: "embed-limits-probe",
  arxivId: "2501.00001",
  url: "https://arxiv.org/abs/2501.00001",
  pdfUrl: "https://arxiv.org/pdf/2501.00001",
  title: "Limits ".repeat(43).slice(0, 300).trim(),
  titleJa: "限界".repeat(150),
  authors: Array.from({ length: 12 }, (_, index) => `Author ${index} `.padEnd(120, "x")),
  organisation: "Organisation ".repeat(16).slice(0, 200).trim(),
  year: 2025,
  venue: "Venue ".repeat(20).trim(),
  topics: ["foundations", "architecture", "scaling", "alignment", "agents"],
  aliases: [],
  keyResults: { en: Array.from({ length: 6 }, () => "result ".repeat(43).trim()), ja: Array.from({ length: 6 }, () => "結果".repeat(150)) },
  summary: { en: "summary ".repeat(187).trim(), ja: "要約".repeat(750) },
};

function expectWithinEmbedLimits(embed: Embed): void {
  const length = (text: string | undefined) => [...(text ?? "")].length;
  expect(length(embed.title)).toBeLessThanOrEqual(256);
  expect(length(embed.description)).toBeLessThanOrEqual(4096);
  expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
  for (const field of embed.fields ?? []) {
    expect(length(field.name)).toBeLessThanOrEqual(256);
    expect(length(field.value)).toBeLessThanOrEqual(1024);
  }
  expect(length(embed.footer?.text)).toBeLessThanOrEqual(2048);
  expect(length(embed.author?.name)).toBeLessThanOrEqual(256);
  const total =
    length(embed.title) +
    length(embed.description) +
    length(embed.footer?.text) +
    length(embed.author?.name) +
    (embed.fields ?? []).reduce((sum, field) => sum + length(field.name) + length(field.value), 0);
  expect(total).toBeLessThanOrEqual(6000);
}
