// The bundle's files (papers.bib, papers.csv, papers.json, README.md, index.html, fetch-pdfs.sh), read back with independent parsers.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseBibtex, type Creator, type Entry as BibEntry } from "@retorquere/bibtex-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { catalogEntrySchema } from "../../src/catalog/schema.js";
import type { Paper } from "../../src/catalog/types.js";
import { bibtexAuthors, bibtexKeys, csvField, escapeBibtex, escapeMarkdown, pdfDownloads, shQuote } from "../../src/bundle/index.js";
import { escapeText as escapeHtml } from "../../src/shared/html.js";
import { tempDir } from "../support/temp.js";
import { attention, bundleFiles, file, GENERATED_AT, gpt4, hasCommand, lora, PAPERS } from "../support/bundle-papers.js";

/** The bundle of PAPERS; immutable, so the describes below may share it. */
const FILES = await bundleFiles();

describe("papers.bib", () => {
  const bib = file(FILES, "papers.bib");
  // Decoded (LaTeX turned back into text) and raw (as written), by a maintained BibTeX parser.
  const decoded = parseBibtex(bib, { sentenceCase: false, caseProtection: false });
  const raw = parseBibtex(bib, { raw: true });
  const entries = decoded.entries;
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const names = (creators: Creator[] | undefined) =>
    (creators ?? []).map((creator) => creator.name ?? [creator.firstName, creator.lastName].filter(Boolean).join(" "));
  const rawField = (entry: BibEntry | undefined, name: string): unknown =>
    raw.entries.find((candidate) => candidate.key === entry?.key)?.fields[name];

  it("has one well-formed entry per paper with unique keys and required fields", () => {
    expect(decoded.errors).toEqual([]);
    expect(raw.errors).toEqual([]);
    expect(entries).toHaveLength(PAPERS.length);
    expect(new Set(entries.map((entry) => entry.key)).size).toBe(PAPERS.length);
    for (const entry of entries) {
      for (const field of ["title", "author", "year", "url"]) expect(entry.fields[field], `${entry.key}.${field}`).toBeDefined();
    }
    const vaswani = byKey.get("vaswani2017attention");
    expect(vaswani?.type).toBe("article");
    expect(vaswani?.fields["eprint"]).toBe("1706.03762");
    expect(vaswani?.fields["archiveprefix"]).toBe("arXiv");
    expect(names(vaswani?.fields.author)).toEqual(["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "others"]);
    expect(vaswani?.fields["year"]).toBe("2017");
    expect(vaswani?.fields["primaryclass"]).toBeUndefined();

    const openai = entries.find((entry) => entry.type === "misc");
    expect(openai?.key).toBe("openai2023gpt4");
    expect(openai?.fields["eprint"]).toBeUndefined();
    expect(rawField(openai, "howpublished")).toBe("\\url{https://openai.com/research/gpt-4}");
    expect(byKey.get("hu2021lora")?.fields["eprint"]).toBe("2106.09685");
  });

  it("escapes LaTeX specials so that a BibTeX reader gets the original text back", () => {
    const openai = entries.find((entry) => entry.type === "misc");
    expect(openai?.fields["title"]).toBe(gpt4.title);
    expect(openai?.fields.institution).toEqual([gpt4.organisation]);
    expect(rawField(openai, "title")).toBe(
      'GPT-4 Technical Report: "Quotes", \\textbraceleft{}Braces\\textbraceright{} \\& 100\\% \\$cost \\#1 under\\_score',
    );
    for (const paper of PAPERS) expect(entries.map((entry) => entry.fields["title"])).toContain(paper.title);
  });

  it("escapes, joins authors and makes unique keys", () => {
    expect(escapeBibtex("a{b}c & d % e $ f # g _ h ~ i ^ j \\ k")).toBe(
      "a\\textbraceleft{}b\\textbraceright{}c \\& d \\% e \\$ f \\# g \\_ h \\textasciitilde{} i \\textasciicircum{} j \\textbackslash{} k",
    );
    expect(bibtexAuthors(["A. Person", "et al"])).toBe("A. Person and others");
    expect(bibtexAuthors(["Research and Development Team"])).toBe("{Research and Development Team}");
    expect(bibtexAuthors(["Ada Lovelace et al."])).toBe("Ada Lovelace and others");
    const keys = bibtexKeys([attention, { ...attention, id: "attention-2" }, { ...attention, id: "attention-3" }]);
    expect(keys).toEqual(["vaswani2017attention", "vaswani2017attentionb", "vaswani2017attentionc"]);
    expect(bibtexKeys([{ id: "jp-paper", authors: ["山田 太郎"], year: 2024, title: "日本語のタイトル" }])).toEqual(["jppaper2024"]);
    expect(bibtexKeys([{ id: "x", authors: ["José Müller"], year: 2020, title: "The Über Model" }])).toEqual(["muller2020uber"]);
  });
});

describe("papers.csv", () => {
  const csv = file(FILES, "papers.csv");
  /** csv-parse in strict RFC 4180 mode: CRLF records only, no stray quotes, every record the same width. */
  const rows: string[][] = parseCsv(csv, { bom: true, record_delimiter: "\r\n", relax_quotes: false, relax_column_count: false });

  it("starts with a UTF-8 BOM and is valid RFC 4180 with CRLF records", () => {
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(rows).toHaveLength(PAPERS.length + 1);
    expect(rows[0]).toEqual([
      "id",
      "arxiv_id",
      "title",
      "authors",
      "organisation",
      "year",
      "topics",
      "url",
      "pdf_url",
      "summary_en",
      "summary_ja",
    ]);
    for (const row of rows) expect(row).toHaveLength(11);
  });

  it("round-trips quotes, commas, newlines and Japanese", () => {
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect(byId.get("attention")?.[9]).toBe(attention.summary.en);
    expect(byId.get("attention")?.[4]).toBe("Google Brain, Google Research");
    expect(byId.get("gpt-4")?.[2]).toBe(gpt4.title);
    expect(byId.get("gpt-4")?.[1]).toBe("");
    expect(byId.get("gpt-4")?.[8]).toBe("https://cdn.openai.com/papers/gpt-4.pdf");
    expect(byId.get("lora")?.[2]).toBe(lora.title);
    expect(byId.get("lora")?.[10]).toBe(lora.summary.ja);
    expect(byId.get("lora")?.[8]).toBe("https://arxiv.org/pdf/2106.09685");
    expect(byId.get("attention")?.[3]).toBe("Ashish Vaswani; Noam Shazeer; Niki Parmar; et al.");
  });

  it("quotes only when needed and defuses spreadsheet formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then\r\nleave')).toBe('"say ""hi"", then\r\nleave"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("@cmd, x")).toBe(`"'@cmd, x"`);
    expect(csvField(2024)).toBe("2024");
    expect(csvField(null)).toBe("");
  });
});

describe("papers.json", () => {
  it("has generatedAt, count and the public paper fields only", () => {
    const json: unknown = JSON.parse(file(FILES, "papers.json"));
    expect(json).toMatchObject({ generatedAt: GENERATED_AT.toISOString(), count: 3 });
    const papers = (json as { papers: unknown[] }).papers;
    expect(papers).toHaveLength(3);
    for (const paper of papers) {
      expect(catalogEntrySchema.safeParse(paper).success).toBe(true);
      expect(paper).not.toHaveProperty("position");
      expect(paper).not.toHaveProperty("source");
      expect(paper).not.toHaveProperty("addedAt");
    }
    expect(papers.map((paper) => (paper as { id: string }).id)).toEqual(["attention", "gpt-4", "lora"]);
  });
});

describe("README.md", () => {
  const readme = file(FILES, "README.md");

  it("lists every paper with both summaries, key results, authors, organisation, year and link", () => {
    for (const paper of PAPERS) {
      expect(readme).toContain(escapeMarkdown(paper.title));
      expect(readme).toContain(escapeMarkdown(paper.summary.en));
      expect(readme).toContain(escapeMarkdown(paper.summary.ja));
      for (const result of [...paper.keyResults.en, ...paper.keyResults.ja]) expect(readme).toContain(escapeMarkdown(result));
      expect(readme).toContain(escapeMarkdown(paper.organisation ?? "missing organisation"));
      expect(readme).toContain(String(paper.year));
    }
    expect(readme).toContain("Attention Is All You Need");
    expect(readme).toContain("LoRA: Low-Rank Adaptation of Large Language Models, 大規模言語モデル");
    expect(readme).toContain("[arXiv:1706.03762](https://arxiv.org/abs/1706.03762)");
    expect(readme).toContain("[PDF](https://cdn.openai.com/papers/gpt-4.pdf)");
    expect(readme).toMatch(/PDFs are \*\*not\*\* included/);
    expect(readme).toContain("fetch-pdfs.sh");
  });

  it("groups by topic and escapes markup in data", () => {
    expect(readme).toContain("## Foundations · 基礎");
    expect(readme).toContain("## Scaling · スケーリング");
    expect(readme).toContain("## Fine-tuning · ファインチューニング");
    expect(readme).not.toContain("<script>");
    expect(escapeMarkdown("# not a heading *bold* [link](x) <b>")).toBe("\\# not a heading \\*bold\\* \\[link\\](x) \\<b\\>");
    expect(escapeMarkdown("1. item")).toBe("1\\. item");
  });
});

describe("index.html", () => {
  const html = file(FILES, "index.html");

  it("is a self-contained page with a table of contents and language tags", () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(/i);
    expect(html).toContain('<nav aria-labelledby="toc">');
    for (const paper of PAPERS) {
      expect(html).toContain(`<a href="#paper-${paper.id}">${escapeHtml(paper.title)}</a>`);
      expect(html).toContain(`<article id="paper-${paper.id}">`);
      expect(html).toContain(`<p class="ja-title" lang="ja">${escapeHtml(paper.titleJa)}</p>`);
      expect(html).toContain(escapeHtml(paper.summary.ja));
    }
    expect(html).toContain('<section lang="ja"><h4>要約</h4>');
    for (const match of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${match[1]}"`);
  });

  it("escapes data", () => {
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).toContain("{Braces} &amp; 100% $cost");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("fetch-pdfs.sh", () => {
  const script = file(FILES, "fetch-pdfs.sh");

  it("is valid POSIX sh (sh -n, and dash -n when present)", (context) => {
    if (!hasCommand("sh", ["-c", "true"])) return context.skip();
    const dir = tempDir();
    const path = join(dir, "fetch-pdfs.sh");
    writeFileSync(path, script);
    expect(spawnSync("sh", ["-n", path]).status).toBe(0);
    if (hasCommand("dash", ["-c", "true"])) expect(spawnSync("dash", ["-n", path]).status).toBe(0);
  });

  it("fetches arXiv and non-arXiv PDFs politely", () => {
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toContain("set -eu");
    expect(script).toContain("fetch '1706.03762.pdf' 'https://arxiv.org/pdf/1706.03762'");
    expect(script).toContain("fetch '2106.09685.pdf' 'https://arxiv.org/pdf/2106.09685'");
    expect(script).toContain("fetch 'gpt-4.pdf' 'https://cdn.openai.com/papers/gpt-4.pdf'");
    expect(script).toContain("DELAY=3");
    expect(script).toContain('--user-agent "$USER_AGENT"');
    expect(script).toMatch(/not on arXiv/);
  });

  it("runs with a stub curl: downloads each PDF once, sleeps between requests and skips existing files", (context) => {
    if (!hasCommand("sh", ["-c", "true"])) return context.skip();
    const dir = tempDir();
    const bin = join(dir, "bin");
    const work = join(dir, "bundle");
    const log = join(dir, "log.txt");
    for (const sub of [bin, work]) execFileSync("mkdir", ["-p", sub]);
    writeFileSync(
      join(bin, "curl"),
      [
        "#!/bin/sh",
        'printf "curl %s\\n" "$*" >> "$STUB_LOG"',
        'out=""',
        'while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift 2 ;; *) shift ;; esac; done',
        "printf '%%PDF-1.4 stub\\n' > \"$out\"",
        "",
      ].join("\n"),
    );
    writeFileSync(join(bin, "sleep"), '#!/bin/sh\nprintf "sleep %s\\n" "$*" >> "$STUB_LOG"\n');
    chmodSync(join(bin, "curl"), 0o755);
    chmodSync(join(bin, "sleep"), 0o755);
    writeFileSync(join(work, "fetch-pdfs.sh"), script);
    const env = { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}`, STUB_LOG: log };

    const first = spawnSync("sh", [join(work, "fetch-pdfs.sh")], { cwd: dir, env, encoding: "utf8" });
    expect(first.status, first.stderr).toBe(0);
    expect(readdirSync(join(work, "pdfs")).sort()).toEqual(["1706.03762.pdf", "2106.09685.pdf", "gpt-4.pdf"]);
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines.filter((line) => line.startsWith("curl"))).toHaveLength(3);
    expect(lines.filter((line) => line === "sleep 3")).toHaveLength(2);
    expect(lines[0]).toContain("--user-agent paperbot-reading-list/1.0");
    expect(lines.filter((line) => line.startsWith("curl")).every((line) => line.includes("--proto =https"))).toBe(true);

    const second = spawnSync("sh", [join(work, "fetch-pdfs.sh")], { cwd: dir, env, encoding: "utf8" });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("skip   gpt-4.pdf");
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(5);
    expect(existsSync(join(work, "pdfs", "gpt-4.pdf.part"))).toBe(false);
  });

  it("quotes safely and reports papers without any PDF", async () => {
    expect(shQuote("it's $(rm -rf /)")).toBe(`'it'\\''s $(rm -rf /)'`);
    const noPdf: Paper = { ...gpt4, id: "blog-post", pdfUrl: null, title: "A blog post; `rm -rf` $HOME 'x'" };
    const { downloads, missing } = pdfDownloads([attention, noPdf]);
    expect(downloads.map((download) => download.fileName)).toEqual(["1706.03762.pdf"]);
    expect(missing.map((paper) => paper.id)).toEqual(["blog-post"]);
    const old: Paper = { ...attention, id: "old", arxivId: "hep-th/9711200" };
    expect(pdfDownloads([old]).downloads[0]).toMatchObject({ fileName: "hep-th_9711200.pdf", url: "https://arxiv.org/pdf/hep-th/9711200" });
    const files = await bundleFiles([attention, noPdf]);
    const script2 = file(files, "fetch-pdfs.sh");
    expect(spawnSync("sh", ["-n", "-c", script2]).status).toBe(0);
    expect(script2).toContain(
      "echo 'note   no PDF link for A blog post; `rm -rf` $HOME '\\''x'\\''; see https://openai.com/research/gpt-4'",
    );
  });
});
