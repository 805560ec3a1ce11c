import { TOPICS, type Topic } from "../catalog/schema.js";
import { t } from "../i18n/index.js";
import type { CanonIndex, PaperText } from "./score.js";

/** Each catalog topic's English label (the words the topic is named by). */
export const TOPIC_LABELS = Object.fromEntries(TOPICS.map((topic) => [topic, t("en", `topic.${topic}`)])) as Record<Topic, string>;

/** Nearest canon papers that vote on a paper's topics. */
const NEIGHBOURS = 5;
/**
 * A topic is pre-filled when the nearest canon papers that carry it hold at least MIN_SHARE of the neighbours'
 * similarity and the nearest one is at least MIN_SIMILARITY alike, or when the text names the topic outright
 * (DEFINING). Chosen by leave-one-out on the canon and on the development set (bench: topic_precision).
 */
export const TOPIC_CONFIDENCE: { minShare: number; minSimilarity: number } = { minShare: 0.8, minSimilarity: 0.3 };

/** Phrases that settle a topic by themselves, in the title or twice in the abstract. */
const DEFINING: Partial<Record<Topic, RegExp>> = {
  "mixture-of-experts": /\bmixture[- ]of[- ]experts?\b|\bMoE\b/giu,
  diffusion: /\bdiffusion models?\b/giu,
  retrieval: /\bretrieval[- ]augmented\b|\bdense retrieval\b/giu,
  code: /\bcode generation\b|\bprogramming\b/giu,
  agents: /\bLLM[- ]based agents?\b|\bautonomous agents?\b|\bmulti-agent\b/giu,
};

export interface TopicVote {
  topic: Topic;
  confidence: number;
}

/** Topics from the whole text: a similarity-weighted vote of the nearest canon papers, plus defining phrases. */
export class TopicClassifier {
  constructor(private readonly index: CanonIndex) {}

  /** Each topic's confidence (0–1) for a paper whose similarities to the canon are `similarities`. */
  votes(text: PaperText, similarities: Float64Array, skip = -1): TopicVote[] {
    const papers = this.index.canonPapers;
    const nearest = Array.from(similarities, (similarity, paper) => ({ similarity: paper === skip ? -1 : similarity, paper }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, NEIGHBOURS)
      .filter((entry) => entry.similarity > 0);
    const total = nearest.reduce((sum, entry) => sum + entry.similarity, 0);
    const best = nearest[0]?.similarity ?? 0;
    const votes = new Map<Topic, number>();
    for (const { similarity, paper } of nearest) for (const topic of papers[paper]?.topics ?? []) votes.set(topic, (votes.get(topic) ?? 0) + similarity);
    const result: TopicVote[] = [];
    for (const topic of TOPICS) {
      const share = total > 0 ? (votes.get(topic) ?? 0) / total : 0;
      const knn = best >= TOPIC_CONFIDENCE.minSimilarity ? share : share * (best / TOPIC_CONFIDENCE.minSimilarity);
      result.push({ topic, confidence: Math.max(knn, definedBy(topic, text) ? 1 : 0) });
    }
    return result.sort((a, b) => b.confidence - a.confidence);
  }

  /** The confident topics of the paper CanonIndex.score last scored, most confident first. */
  confident(text: PaperText, _score?: unknown): Topic[] {
    return this.votes(text, this.index.lastSimilarities())
      .filter((vote) => vote.confidence >= TOPIC_CONFIDENCE.minShare)
      .map((vote) => vote.topic);
  }
}

function definedBy(topic: Topic, text: PaperText): boolean {
  const pattern = DEFINING[topic];
  if (!pattern) return false;
  pattern.lastIndex = 0;
  if (pattern.test(text.title)) return true;
  pattern.lastIndex = 0;
  return (text.abstract.match(pattern)?.length ?? 0) >= 2;
}
