import type { CatalogEntry, Topic } from "../src/catalog/schema.js";
import { TOPICS } from "../src/catalog/schema.js";

/** mulberry32: a small deterministic PRNG, so every run builds the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJECTIVES = [
  "Efficient",
  "Scalable",
  "Robust",
  "Sparse",
  "Adaptive",
  "Hierarchical",
  "Contrastive",
  "Multilingual",
  "Causal",
  "Federated",
  "Differentiable",
  "Probabilistic",
  "Self-Supervised",
  "Multimodal",
  "Lightweight",
  "Interpretable",
  "Continual",
  "Structured",
  "Latent",
  "Generative",
  "Compositional",
  "Memory-Efficient",
  "Long-Context",
  "Zero-Shot",
  "Few-Shot",
  "Quantized",
  "Distilled",
];
const SUBJECTS = [
  "Transformers",
  "Language Models",
  "Graph Neural Networks",
  "Vision Encoders",
  "Speech Recognizers",
  "Policy Networks",
  "Retrieval Systems",
  "Tokenizers",
  "Reward Models",
  "Diffusion Samplers",
  "Mixture Models",
  "Recurrent Networks",
  "Agents",
  "Embedding Models",
  "Code Generators",
  "Knowledge Graphs",
  "Recommender Systems",
  "Optimizers",
  "Attention Layers",
  "Planners",
];
const PURPOSES = [
  "for Question Answering",
  "for Machine Translation",
  "via Curriculum Learning",
  "with Synthetic Data",
  "under Distribution Shift",
  "for Protein Design",
  "for Robotic Manipulation",
  "with Human Feedback",
  "for Time-Series Forecasting",
  "at Scale",
  "for Low-Resource Languages",
  "via Knowledge Distillation",
  "for Medical Imaging",
  "with Structured Pruning",
  "for Tabular Data",
  "via Preference Learning",
  "for Theorem Proving",
  "with Sparse Experts",
  "for Document Understanding",
  "on Edge Devices",
];
const WORDS = (
  "we propose method model training data benchmark results performance improve baseline evaluate task tasks learning " +
  "network layer representation objective loss inference accuracy efficient scaling parameters dataset experiments show " +
  "approach framework novel state art outperforms existing analysis theoretical empirical robust generalization domain " +
  "pretraining finetuning alignment retrieval memory compute latency throughput tokens sequence attention gradient " +
  "optimization regularization sampling distribution uncertainty calibration adversarial privacy fairness transfer"
).split(" ");
const SURNAMES = [
  "Zhang",
  "Smith",
  "Kumar",
  "Garcia",
  "Müller",
  "Tanaka",
  "Kim",
  "Nguyen",
  "Rossi",
  "Cohen",
  "Silva",
  "Ivanova",
  "Okafor",
  "Larsen",
];
const GIVEN = ["Wei", "Anna", "Ravi", "Lucia", "Jonas", "Yuki", "Min", "Linh", "Marco", "Dana", "Ana", "Olga", "Chidi", "Erik"];
const ORGS = [
  "Tsinghua University",
  "MIT",
  "ETH Zurich",
  "University of Tokyo",
  "KAIST",
  "Mila",
  "Meta AI",
  "Google Research",
  "Microsoft Research",
  "CMU",
];

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("empty list");
  return item;
}

/** arXiv-like entries with no aliases (uncurated), unique ids and arXiv ids that cannot clash with the catalog's. */
export function generateEntries(count: number, seed = 20261126): CatalogEntry[] {
  const random = seededRandom(seed);
  const entries: CatalogEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const month = 1 + (index % 12);
    const serial = String(10000 + (Math.floor(index / 12) % 90000)).padStart(5, "0");
    const yy = 30 + Math.floor(index / (12 * 90000));
    const arxivId = `${yy}${String(month).padStart(2, "0")}.${serial}`;
    const title = `${pick(random, ADJECTIVES)} ${pick(random, SUBJECTS)} ${pick(random, PURPOSES)}`;
    const words = Array.from({ length: 70 + Math.floor(random() * 50) }, () => pick(random, WORDS));
    const abstract = `${title} is studied. ${words.join(" ")}.`;
    const topics: Topic[] = [pick(random, TOPICS)];
    entries.push({
      id: `gen-${index}`,
      arxivId,
      url: `https://arxiv.org/abs/${arxivId}`,
      pdfUrl: `https://arxiv.org/pdf/${arxivId}`,
      title,
      titleJa: title,
      authors: [`${pick(random, GIVEN)} ${pick(random, SURNAMES)}`, `${pick(random, GIVEN)} ${pick(random, SURNAMES)}`, "et al."],
      organisation: pick(random, ORGS),
      year: 2030 + Math.floor(index / (12 * 90000)),
      topics,
      aliases: [],
      keyResults: { en: [words.slice(0, 12).join(" ")], ja: [words.slice(0, 12).join(" ")] },
      summary: { en: abstract, ja: abstract },
    });
  }
  return entries;
}
