import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { texToText } from "../../src/arxiv/tex.js";
import { parseArxivFeed } from "../../src/arxiv/parse.js";
import { parseArxivAtom } from "../../src/arxiv/api.js";
import { captureFiles, capturePath } from "../support/real-fixtures.js";
import { repoRoot } from "../support/app.js";

/** What raw TeX looks like to a reader: math between dollars, a macro, a tie between words. */
const RAW_TEX = /\$[^$\s][^$]{0,200}?[^$\s\\]\$|\$[^$\s]\$|\\[A-Za-z]+|\\["'`^~%&#_]|\w~\w/;

describe("texToText", () => {
  it.each([
    ["agents $N$ on a laptop", "agents N on a laptop"],
    ["M\\\"uller and Contrataci\\'{o}n P\\'ublica", "Müller and Contratación Pública"],
    ["we introduce \\textbf{G}roup \\textbf{A}lignment", "we introduce Group Alignment"],
    ["only \\emph{revealed} or magnified", "only revealed or magnified"],
    ["as shown before \\cite{smith2020, doe2021}.", "as shown before."],
    ["$\\alpha$-stable and CT-$\\Delta$Bench", "α-stable and CT-ΔBench"],
    ["70.2\\% weighted F1", "70.2% weighted F1"],
    ["the MS~MARCO data, (\\textit{i})~relying", "the MS MARCO data, (i) relying"],
    ["evaluated on 2015--2022 --- and on $\\tau^2$-bench", "evaluated on 2015–2022 — and on τ²-bench"],
    ["from O($L^2$) to $O(L\\log L)$ and $10^{-6}$", "from O(L²) to O(L log L) and 10⁻⁶"],
    [
      "($d_{\\mathrm{eff}}$) and $\\mathbb{R}_{LCRN}$ and $|\\Delta\\hat{y}| \\le 3.4\\times10^{-6}$",
      "(d_eff) and ℝ_LCRN and |Δŷ| ≤ 3.4×10⁻⁶",
    ],
    ["$0.0228$ vs.\\ $0.0104$", "0.0228 vs. 0.0104"],
    ["Our system, \\textsc{FinEvolveBench}, ``works''", "Our system, FinEvolveBench, “works”"],
    // An escaped dollar opens no span, and the span after it is still read.
    ["costs \\$a$b$ and $x$", "costs $ab and x"],
    ["\\$5 and $\\alpha$", "$5 and α"],
    // A tie after a letter outside the BMP (𝐀 is two UTF-16 units) joins; one at the start or before a space does not.
    ["𝐀~B and ~C and D~ E", "𝐀 B and ~C and D~ E"],
    ["a~~b", "a ~b"],
  ])("%s", (input, expected) => {
    expect(texToText(input)).toBe(expected);
  });

  it("leaves plain text alone: dollar amounts, a tilde meaning 'about', words", () => {
    for (const text of ["It costs $5 and $10 a month.", "inference took (~65 hours) on 8 GPUs", "No TeX here: 3 < 4 and x_i."])
      expect(texToText(text)).toBe(text);
  });
});

describe("arXiv text enters readable (real captures)", () => {
  it("every title and abstract of the real cs.CL feed is free of raw TeX, though dozens were written in it", async () => {
    const xml = readFileSync(capturePath("arxiv-rss", "tamnd-arxiv-cli__rss_cs.CL_2026-08-13.xml"), "utf8");
    const raw = [...xml.matchAll(/<description>([\s\S]*?)<\/description>/g)].filter((match) => RAW_TEX.test(match[1] ?? ""));
    const feed = await parseArxivFeed(xml);
    expect(feed.items.length).toBeGreaterThan(100);
    // Measured: 32 of the capture's abstracts hold TeX ($N$, \textbf{…}, \%, ~ ties).
    expect(raw.length).toBeGreaterThanOrEqual(30);
    for (const item of feed.items) {
      expect(item.title).not.toMatch(RAW_TEX);
      expect(item.abstract).not.toMatch(RAW_TEX);
    }
    const texts = feed.items.map((item) => item.abstract).join("\n");
    for (const shown of ["τ²-bench", "CT-ΔBench", "4-10× wall-clock", "Contratación Pública", "agents N"]) expect(texts).toContain(shown);
  });

  it("every arXiv API capture's titles and abstracts are free of raw TeX", async () => {
    let records = 0;
    for (const file of captureFiles("arxiv-api", ".xml").concat(captureFiles("arxiv-api", ".atom"))) {
      const result = await parseArxivAtom(readFileSync(capturePath("arxiv-api", file), "utf8"));
      if (result?.kind !== "records") continue;
      for (const record of result.records) {
        records += 1;
        expect(record.title).not.toMatch(RAW_TEX);
        expect(record.abstract).not.toMatch(RAW_TEX);
      }
    }
    expect(records).toBeGreaterThan(5);
  });

  it("the evaluation sets' real abstracts come out without raw TeX", () => {
    for (const file of ["set-a-development.json", "set-b-heldout.json"]) {
      const set = JSON.parse(readFileSync(`${repoRoot}/test/fixtures/eval/${file}`, "utf8")) as { papers: { abstract: string }[] };
      for (const paper of set.papers) expect(texToText(paper.abstract)).not.toMatch(RAW_TEX);
    }
  });
});
