import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseBibtex, type Creator, type Entry as BibEntry } from "@retorquere/bibtex-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { catalogEntrySchema } from "../src/catalog/schema.js";
import type { Paper } from "../src/catalog/types.js";
import {
  BUNDLE_FILE_NAME,
  BUNDLE_FOLDER,
  BundleStore,
  bibtexAuthors,
  bibtexKeys,
  buildBundle,
  csvField,
  escapeBibtex,
  escapeHtml,
  escapeMarkdown,
  newestAddedAt,
  pdfDownloads,
  shQuote,
  toDosDateTime,
  writeZip,
} from "../src/bundle/index.js";
import { tempDir } from "./support/temp.js";
import { unzipEntries, unzipInstalled, unzipTexts } from "./support/zip.js";

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

const attention: Paper = {
  id: "attention",
  arxivId: "1706.03762",
  url: "https://arxiv.org/abs/1706.03762",
  pdfUrl: null,
  title: "Attention Is All You Need",
  titleJa: "注意機構こそがすべて",
  authors: ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "et al."],
  organisation: "Google Brain, Google Research",
  year: 2017,
  venue: "NeurIPS 2017",
  topics: ["foundations", "architecture"],
  aliases: ["transformer", "attention"],
  keyResults: {
    en: ["28.4 BLEU on WMT 2014 English-to-German", "Trains in 3.5 days on 8 GPUs"],
    ja: ["WMT 2014 英独翻訳で BLEU 28.4", "8 GPU で 3.5 日の学習"],
  },
  summary: {
    en: 'Replaces recurrence with self-attention, "multi-head" attention, and positional encodings,\nmaking training highly parallel.',
    ja: "再帰を自己注意機構に置き換え、「マルチヘッド注意」と位置エンコーディングで学習を高度に並列化した。",
  },
  position: 1,
  source: "catalog",
  addedAt: "2024-01-01T00:00:00.000Z",
};

const gpt4: Paper = {
  id: "gpt-4",
  arxivId: null,
  url: "https://openai.com/research/gpt-4",
  pdfUrl: "https://cdn.openai.com/papers/gpt-4.pdf",
  title: 'GPT-4 Technical Report: "Quotes", {Braces} & 100% $cost #1 under_score',
  titleJa: "GPT-4 技術レポート",
  authors: ["OpenAI"],
  organisation: "OpenAI & Friends",
  year: 2023,
  topics: ["scaling", "safety"],
  aliases: ["gpt4"],
  keyResults: {
    en: ["Top 10% on a simulated bar exam", "Predictable scaling: loss forecast from 1/1000th of the compute"],
    ja: ["模擬司法試験で上位 10%", "計算量 1/1000 の実験から損失を予測"],
  },
  summary: {
    en: "A large multimodal model. <script>alert('x')</script> Reports \"predictable scaling\", evals, and safety work; details withheld.",
    ja: "大規模マルチモーダルモデル。予測可能なスケーリング、評価、安全性の取り組みを報告（詳細は非公開）。",
  },
  position: 2,
  source: "catalog",
  addedAt: "2024-02-01T00:00:00.000Z",
};

const lora: Paper = {
  id: "lora",
  arxivId: "2106.09685",
  url: "https://arxiv.org/abs/2106.09685",
  pdfUrl: null,
  title: "LoRA: Low-Rank Adaptation of Large Language Models, 大規模言語モデル",
  titleJa: "LoRA：大規模言語モデルの低ランク適応",
  authors: ["Edward J. Hu", "Yelong Shen", "Phillip Wallis"],
  organisation: "Microsoft",
  year: 2021,
  topics: ["fine-tuning", "efficiency"],
  aliases: ["lora"],
  keyResults: {
    en: ["10,000x fewer trainable parameters than full fine-tuning of GPT-3"],
    ja: ["GPT-3 の全パラメータ微調整と比べ学習パラメータを 1 万分の 1 に削減"],
  },
  summary: {
    en: 'Freezes the weights and trains low-rank "A, B" matrices, so adapters are tiny, swappable and add no latency.',
    ja: "重みを凍結し低ランク行列 A, B だけを学習する。アダプタは小さく、差し替え可能で推論遅延もない。",
  },
  position: 3,
  source: "moderator",
  addedAt: "2024-03-05T12:34:56.000Z",
};

const PAPERS: Paper[] = [attention, gpt4, lora];
const GENERATED_AT = new Date("2024-03-05T12:34:56.000Z");

function hasCommand(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return result.error === undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The bundle's files, read back with independent parsers (yauzl, csv-parse, a BibTeX parser)

function bundleFiles(papers: readonly Paper[] = PAPERS): Promise<Map<string, string>> {
  return unzipTexts(buildBundle(papers, { generatedAt: GENERATED_AT }).zip, BUNDLE_FOLDER);
}

/** The bundle of PAPERS; immutable, so the describes below may share it. */
const FILES = await bundleFiles();

function file(files: Map<string, string>, name: string): string {
  const text = files.get(name);
  if (text === undefined) throw new Error(`missing ${name}`);
  return text;
}

// ---------------------------------------------------------------------------------------------------------------

describe("zip writer", () => {
  it("encodes DOS date/time from UTC fields with 2-second resolution and clamps the range", () => {
    const { date, time } = toDosDateTime(new Date("2024-03-05T12:34:57Z"));
    expect(date).toBe(((2024 - 1980) << 9) | (3 << 5) | 5);
    expect(time).toBe((12 << 11) | (34 << 5) | 28);
    expect(toDosDateTime(new Date("1970-01-01T00:00:00Z"))).toEqual({ date: (1 << 5) | 1, time: 0 });
    expect(() => toDosDateTime(new Date(Number.NaN))).toThrow();
  });

  it("is read back by yauzl: entries sorted, UTF-8 names flagged, incompressible data stored, the rest deflated", async () => {
    const random = Buffer.from(createHash("sha512").update("x").digest());
    const zip = writeZip(
      [
        { name: "b/日本語.txt", data: Buffer.from("こんにちは".repeat(50)) },
        { name: "a.bin", data: random },
        { name: "empty", data: Buffer.alloc(0) },
      ],
      GENERATED_AT,
    );
    const entries = await unzipEntries(zip);
    expect(entries.map((entry) => entry.name)).toEqual(["a.bin", "b/日本語.txt", "empty"]);
    expect(entries[0]?.compressionMethod).toBe(0);
    expect(entries[0]?.data.equals(random)).toBe(true);
    expect(entries[1]?.compressionMethod).toBe(8);
    expect(entries[1]?.data.toString()).toBe("こんにちは".repeat(50));
    expect(entries[2]?.data).toHaveLength(0);
    expect(entries.every((entry) => (entry.generalPurposeBitFlag & 0x0800) !== 0)).toBe(true);
    expect(await unzipEntries(writeZip([], GENERATED_AT))).toEqual([]);
  });

  it("rejects unsafe or duplicate entry names", () => {
    const data = Buffer.from("x");
    for (const name of ["../x", "/abs", "a/../b", "a\\b", "a//b", "", "a/./b", "nul\0"]) {
      expect(() => writeZip([{ name, data }], GENERATED_AT), name).toThrow();
    }
    expect(() => writeZip([{ name: "a", data }, { name: "a", data }], GENERATED_AT)).toThrow(/duplicate/);
  });

  it("a flipped byte is caught by the independent check (so the checks above can fail)", async () => {
    const zip = writeZip([{ name: "a.txt", data: Buffer.from("hello hello hello hello hello") }], GENERATED_AT);
    const broken = Buffer.from(zip);
    broken[40] = (broken[40] ?? 0) ^ 0xff;
    await expect(unzipEntries(broken)).rejects.toThrow();
  });
});

describe("buildBundle", () => {
  it("is deterministic: same input (in any order) gives the same bytes", () => {
    const first = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    const second = buildBundle([lora, attention, gpt4], { generatedAt: new Date(GENERATED_AT.getTime()) });
    expect(second.sha256).toBe(first.sha256);
    expect(second.zip.equals(first.zip)).toBe(true);
    expect(first.sha256).toBe(createHash("sha256").update(first.zip).digest("hex"));
    expect(first.paperCount).toBe(3);
    expect(first.generatedAt).toBe(GENERATED_AT.toISOString());
  });

  it("changes when any content changes", () => {
    const base = buildBundle(PAPERS, { generatedAt: GENERATED_AT }).sha256;
    const edited = { ...lora, summary: { ...lora.summary, ja: lora.summary.ja + "！" } };
    expect(buildBundle([attention, gpt4, edited], { generatedAt: GENERATED_AT }).sha256).not.toBe(base);
    expect(buildBundle(PAPERS, { generatedAt: new Date("2024-03-06T00:00:00Z") }).sha256).not.toBe(base);
  });

  it("contains exactly the six files under the top folder, with the same timestamp and an executable script", async () => {
    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    const entries = await unzipEntries(result.zip);
    const names = ["README.md", "fetch-pdfs.sh", "index.html", "papers.bib", "papers.csv", "papers.json"].map((name) => `${BUNDLE_FOLDER}/${name}`);
    expect(entries.map((entry) => entry.name)).toEqual(names);
    expect(result.files).toEqual(entries.map((entry) => ({ name: entry.name, size: entry.data.length })));
    const dos = toDosDateTime(GENERATED_AT);
    for (const entry of entries) {
      expect(entry.lastModFileDate).toBe(dos.date);
      expect(entry.lastModFileTime).toBe(dos.time);
      expect(entry.versionMadeBy >> 8).toBe(3);
      expect(entry.mode).toBe(entry.name.endsWith(".sh") ? 0o755 : 0o644);
    }
    expect(entries.some((entry) => entry.name.endsWith(".pdf"))).toBe(false);
  });

  it("rejects duplicate ids and invalid dates; handles an empty list", async () => {
    expect(() => buildBundle([attention, { ...attention }], { generatedAt: GENERATED_AT })).toThrow(/duplicate/);
    expect(() => buildBundle(PAPERS, { generatedAt: new Date("nope") })).toThrow();
    const empty = buildBundle([], { generatedAt: GENERATED_AT });
    expect(empty.paperCount).toBe(0);
    expect(await unzipEntries(empty.zip)).toHaveLength(6);
  });

  it("newestAddedAt picks the latest addedAt", () => {
    expect(newestAddedAt(PAPERS)?.toISOString()).toBe("2024-03-05T12:34:56.000Z");
    expect(newestAddedAt([])).toBeNull();
  });

  it.skipIf(!unzipInstalled)("passes `unzip -t`, and `unzip -l` lists the six files with their sizes", () => {
    const dir = tempDir();
    const path = join(dir, "bundle.zip");
    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    writeFileSync(path, result.zip);
    const output = execFileSync("unzip", ["-t", path], { encoding: "utf8" });
    expect(output).toMatch(/No errors detected/);
    const listed = execFileSync("unzip", ["-l", path], { encoding: "utf8" })
      .split("\n")
      .map((line) => /^\s*(\d+)\s+\S+\s+\S+\s+(\S.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ name: match[2], size: Number(match[1]) }));
    expect(listed).toEqual(result.files);
    execFileSync("unzip", ["-q", path, "-d", join(dir, "out")]);
    expect(readdirSync(join(dir, "out", BUNDLE_FOLDER)).sort()).toEqual(["README.md", "fetch-pdfs.sh", "index.html", "papers.bib", "papers.csv", "papers.json"]);
    expect(statSync(join(dir, "out", BUNDLE_FOLDER, "fetch-pdfs.sh")).mode & 0o111).not.toBe(0);
  });

  it("passes `python3 -m zipfile -t` when python3 is installed", (context) => {
    if (!hasCommand("python3", ["--version"])) return context.skip();
    const dir = tempDir();
    const path = join(dir, "bundle.zip");
    writeFileSync(path, buildBundle(PAPERS, { generatedAt: GENERATED_AT }).zip);
    const test = spawnSync("python3", ["-m", "zipfile", "-t", path], { encoding: "utf8" });
    expect(test.status).toBe(0);
    const names = spawnSync("python3", ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", path], { encoding: "utf8" });
    expect(names.status).toBe(0);
    expect(names.stdout.trim().split("\n")).toHaveLength(6);
  });
});

describe("papers.bib", () => {
  const bib = file(FILES, "papers.bib");
  // Decoded (LaTeX turned back into text) and raw (as written), by a maintained BibTeX parser.
  const decoded = parseBibtex(bib, { sentenceCase: false, caseProtection: false });
  const raw = parseBibtex(bib, { raw: true });
  const entries = decoded.entries;
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const names = (creators: Creator[] | undefined) => (creators ?? []).map((creator) => creator.name ?? [creator.firstName, creator.lastName].filter(Boolean).join(" "));
  const rawField = (entry: BibEntry | undefined, name: string): unknown => raw.entries.find((candidate) => candidate.key === entry?.key)?.fields[name];

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
    expect(rawField(openai, "title")).toBe("GPT-4 Technical Report: \"Quotes\", \\textbraceleft{}Braces\\textbraceright{} \\& 100\\% \\$cost \\#1 under\\_score");
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
    expect(rows[0]).toEqual(["id", "arxiv_id", "title", "authors", "organisation", "year", "topics", "url", "pdf_url", "summary_en", "summary_ja"]);
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
    expect(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">")).toBe(true);
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
    expect(script2).toContain("echo 'note   no PDF link for A blog post; `rm -rf` $HOME '\\''x'\\''; see https://openai.com/research/gpt-4'");
  });
});

describe("BundleStore", () => {
  it("returns null when empty, writes atomically and reports the current bundle", async () => {
    const dir = join(tempDir(), "store");
    let elapsed = 0;
    const store = new BundleStore(dir, { clock: { now: () => new Date("2024-04-01T00:00:00.000Z") }, elapsedMs: () => elapsed });
    expect(store.current()).toBeNull();
    expect(store.snapshot()).toBeNull();

    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    const info = store.write(result);
    expect(info).toEqual({
      path: join(dir, BUNDLE_FILE_NAME),
      fileName: BUNDLE_FILE_NAME,
      size: result.zip.length,
      sha256: result.sha256,
      paperCount: 3,
      builtAt: "2024-04-01T00:00:00.000Z",
      generatedAt: GENERATED_AT.toISOString(),
    });
    expect(store.current()).toEqual(info);
    expect(readFileSync(info.path).equals(result.zip)).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    const metadata: unknown = JSON.parse(readFileSync(join(dir, `${BUNDLE_FILE_NAME}.meta.json`), "utf8"));
    expect(metadata).toMatchObject({ sha256: result.sha256, size: result.zip.length, paperCount: 3, builtAt: "2024-04-01T00:00:00.000Z" });

    const snapshot = store.snapshot();
    expect(snapshot?.info).toEqual(info);
    expect(snapshot?.bytes.equals(result.zip)).toBe(true);
    expect(snapshot?.etag).toBe(`"${result.sha256}"`);
    expect(snapshot?.lastModified).toBe("Mon, 01 Apr 2024 00:00:00 GMT");
    // A store that did not write the bundle (another process) loads the same bytes from disk.
    expect(new BundleStore(dir).snapshot()?.bytes.equals(result.zip)).toBe(true);

    // Replacing: a second store instance (another process) sees the new bundle. The bytes in memory are served for
    // up to recheckMs (1 s) before the metadata file is looked at again.
    const next = buildBundle([attention], { generatedAt: GENERATED_AT });
    new BundleStore(dir).write(next);
    expect(store.current()?.sha256).toBe(next.sha256);
    expect(store.current()?.paperCount).toBe(1);
    elapsed += 999;
    expect(store.snapshot()?.bytes.equals(result.zip)).toBe(true);
    elapsed += 1;
    expect(store.snapshot()?.bytes.equals(next.zip)).toBe(true);
    expect(store.snapshot()?.info.sha256).toBe(next.sha256);
    expect(readdirSync(dir).sort()).toEqual([BUNDLE_FILE_NAME, `${BUNDLE_FILE_NAME}.meta.json`]);
  });

  it("refuses a result whose sha256 does not match and ignores corrupt metadata", async () => {
    const dir = tempDir();
    let elapsed = 0;
    const store = new BundleStore(dir, { elapsedMs: () => elapsed });
    const result = buildBundle(PAPERS, { generatedAt: GENERATED_AT });
    expect(() => store.write({ ...result, sha256: "0".repeat(64) })).toThrow(/sha256/);
    store.write(result);
    writeFileSync(join(dir, `${BUNDLE_FILE_NAME}.meta.json`), "{ not json");
    expect(store.current()).toBeNull();
    elapsed += 1000;
    expect(store.snapshot()).toBeNull();
    expect(new BundleStore(dir).snapshot()).toBeNull();
  });

  it("does not serve a zip that does not match its metadata", async () => {
    const dir = tempDir();
    const store = new BundleStore(dir);
    store.write(buildBundle(PAPERS, { generatedAt: GENERATED_AT }));
    writeFileSync(join(dir, BUNDLE_FILE_NAME), "truncated");
    expect(new BundleStore(dir).snapshot()).toBeNull();
    // Same size, different bytes: caught by the sha256.
    const other = buildBundle([attention], { generatedAt: GENERATED_AT });
    const fresh = new BundleStore(dir);
    fresh.write(other);
    const bytes = readFileSync(join(dir, BUNDLE_FILE_NAME));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(join(dir, BUNDLE_FILE_NAME), bytes);
    expect(new BundleStore(dir).snapshot()).toBeNull();
  });
});
