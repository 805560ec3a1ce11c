import type { Paper } from "../../src/catalog/types.js";
import type { ArxivRecord } from "../../src/arxiv/api.js";

/** A small, valid paper for unit tests of the bundle and the HTTP server; override what the test is about. */
export function samplePaper(overrides: Partial<Paper> = {}): Paper {
  return {
    id: "attention",
    arxivId: "1706.03762",
    url: "https://arxiv.org/abs/1706.03762",
    pdfUrl: null,
    title: "Attention Is All You Need",
    titleJa: "注意機構こそがすべて",
    authors: ["Ashish Vaswani", "et al."],
    organisation: "Google Brain",
    year: 2017,
    topics: ["foundations"],
    aliases: [],
    keyResults: { en: ["28.4 BLEU"], ja: ["BLEU 28.4"] },
    summary: { en: "Self-attention only.", ja: "自己注意のみ。" },
    position: 1,
    source: "catalog",
    addedAt: "2024-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** A non-arXiv report, for the paths that handle papers without an arXiv id. */
export function sampleReport(overrides: Partial<Paper> = {}): Paper {
  return samplePaper({
    id: "gpt-4",
    arxivId: null,
    url: "https://openai.com/research/gpt-4",
    pdfUrl: "https://cdn.openai.com/papers/gpt-4.pdf",
    title: "GPT-4 Technical Report",
    authors: ["OpenAI"],
    position: 2,
    ...overrides,
  });
}

/** An arXiv API record made without arXiv (two-sentence abstract, cs.CL, February 2024), so each test owns its data. */
export function sampleArxivRecord(arxivId: string, title: string): ArxivRecord {
  return {
    arxivId,
    version: 1,
    title,
    abstract: `An abstract about ${title}. It has two sentences.`,
    authors: ["Ada Author"],
    categories: ["cs.CL"],
    primaryCategory: "cs.CL",
    published: "2024-02-01T00:00:00Z",
    updated: "2024-02-01T00:00:00Z",
    comment: null,
    absUrl: `https://arxiv.org/abs/${arxivId}`,
    pdfUrl: `https://arxiv.org/pdf/${arxivId}`,
  };
}
