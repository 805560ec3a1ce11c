// Sample papers for the bundle tests, and the bundle's files read back with an independent zip reader (yauzl).
import { spawnSync } from "node:child_process";
import type { Paper } from "../../src/catalog/types.js";
import { BUNDLE_FOLDER, buildBundle } from "../../src/bundle/index.js";
import { unzipTexts } from "./zip.js";
// ---------------------------------------------------------------------------------------------------------------
// Fixtures

export const attention: Paper = {
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

export const gpt4: Paper = {
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

export const lora: Paper = {
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

export const PAPERS: Paper[] = [attention, gpt4, lora];
export const GENERATED_AT = new Date("2024-03-05T12:34:56.000Z");

export function hasCommand(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return result.error === undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The bundle's files, read back with independent parsers (yauzl, csv-parse, a BibTeX parser)

export function bundleFiles(papers: readonly Paper[] = PAPERS): Promise<Map<string, string>> {
  return unzipTexts(buildBundle(papers, { generatedAt: GENERATED_AT }).zip, BUNDLE_FOLDER);
}

export function file(files: Map<string, string>, name: string): string {
  const text = files.get(name);
  if (text === undefined) throw new Error(`missing ${name}`);
  return text;
}

// ---------------------------------------------------------------------------------------------------------------
