import { CorpusStats } from "../src/arxiv/corpus.js";
import { CanonIndex, canonTermCounts } from "../src/arxiv/score.js";
import type { LandmarkPaper } from "../src/arxiv/seeds.js";
import { TOPIC_CONFIDENCE, TOPIC_LABELS, TopicClassifier } from "../src/arxiv/topics.js";
import { TOPICS, type Topic } from "../src/catalog/schema.js";
import type { Paper } from "../src/catalog/types.js";
import { round3 } from "../src/arxiv/metrics.js";

/** Set A's topic words that are also catalog topics (the same name, the same meaning); the others are not judged. */
export const SAME_NAME_TOPICS: readonly Topic[] = TOPICS.filter((topic) =>
  ["architecture", "scaling", "fine-tuning", "alignment", "retrieval", "agents", "efficiency", "safety", "code", "diffusion"].includes(
    topic,
  ),
);

export interface TopicPrecision {
  /** Share of pre-filled topics that are right, over both labelled sets. */
  precision: number | null;
  prefilled: number;
  right: number;
  canon_loo: { precision: number | null; prefilled: number; papers_with_topics: number; papers: number };
  eval_mapped: { precision: number | null; prefilled: number; papers_with_topics: number; papers: number; unjudged: number };
  per_topic: Record<string, { prefilled: number; right: number; precision: number | null }>;
}

/**
 * Precision of pre-filled topics: the canon with leave-one-out (each paper's topics predicted from the other canon
 * papers), and the eval set's papers (their predicted topics as scored, judged where set A's vocabulary names the
 * same topic).
 */
export function topicPrecision(
  canon: readonly Paper[],
  landmarks: readonly LandmarkPaper[],
  predicted: readonly string[][],
): TopicPrecision {
  const stats = new CorpusStats();
  for (const paper of canon) stats.addDocument(canonTermCounts(paper).keys());
  const index = new CanonIndex(canon, TOPIC_LABELS, [], stats);
  const classifier = new TopicClassifier(index);
  const perTopic = new Map<string, { prefilled: number; right: number }>();
  const tally = (topic: string, right: boolean) => {
    const entry = perTopic.get(topic) ?? { prefilled: 0, right: 0 };
    entry.prefilled += 1;
    if (right) entry.right += 1;
    perTopic.set(topic, entry);
  };
  let canonPrefilled = 0;
  let canonRight = 0;
  let canonWith = 0;
  canon.forEach((paper, at) => {
    const vector = index.canonVectors[at];
    if (!vector) return;
    const text = { title: paper.title, abstract: [paper.summary.en, ...paper.keyResults.en].join(" ") };
    const topics = classifier
      .votes(text, index.similarities(vector), at)
      .filter((vote) => vote.confidence >= TOPIC_CONFIDENCE.minShare)
      .map((vote) => vote.topic);
    if (topics.length > 0) canonWith += 1;
    for (const topic of topics) {
      const right = paper.topics.includes(topic);
      canonPrefilled += 1;
      if (right) canonRight += 1;
      tally(topic, right);
    }
  });
  let evalPrefilled = 0;
  let evalRight = 0;
  let evalWith = 0;
  let unjudged = 0;
  landmarks.forEach((paper, at) => {
    const topics = (predicted[at] ?? []).filter((topic): topic is Topic => (TOPICS as readonly string[]).includes(topic));
    if (topics.length > 0) evalWith += 1;
    for (const topic of topics) {
      if (!SAME_NAME_TOPICS.includes(topic)) {
        unjudged += 1;
        continue;
      }
      const right = paper.topics.includes(topic);
      evalPrefilled += 1;
      if (right) evalRight += 1;
      tally(topic, right);
    }
  });
  const share = (right: number, of: number) => (of === 0 ? null : round3(right / of));
  return {
    precision: share(canonRight + evalRight, canonPrefilled + evalPrefilled),
    prefilled: canonPrefilled + evalPrefilled,
    right: canonRight + evalRight,
    canon_loo: {
      precision: share(canonRight, canonPrefilled),
      prefilled: canonPrefilled,
      papers_with_topics: canonWith,
      papers: canon.length,
    },
    eval_mapped: {
      precision: share(evalRight, evalPrefilled),
      prefilled: evalPrefilled,
      papers_with_topics: evalWith,
      papers: landmarks.length,
      unjudged,
    },
    per_topic: Object.fromEntries(
      [...perTopic].sort().map(([topic, entry]) => [topic, { ...entry, precision: share(entry.right, entry.prefilled) }]),
    ),
  };
}
