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
const DEFINING: Partial<Record<Topic, readonly string[]>> = {
  "mixture-of-experts": ["mixture-of-experts", "mixture of experts", "moe"],
  diffusion: ["diffusion model"],
  retrieval: ["retrieval-augmented", "retrieval augmented", "dense retrieval"],
  code: ["code generation", "programming"],
  agents: ["llm-based agent", "llm based agent", "autonomous agent", "multi-agent"],
};

/**
 * Matches, case-insensitively in the text as written, wherever a DEFINING phrase occurs in the lower-cased text: a
 * necessary condition checked once per paper, so most papers skip the search phrase by phrase. It holds because the
 * phrases are lower-case ASCII letters, spaces and hyphens, and the only characters toLowerCase() turns into such
 * letters are those letters in either case (and U+0130 İ, whose "i" is followed by U+0307, and U+212A Kelvin "k":
 * neither can make a phrase, test/arxiv/topics.test.ts).
 */
const ANY_DEFINING = new RegExp(
  Object.values(DEFINING)
    .flat()
    .map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|"),
  "i",
);

/** Whether some DEFINING phrase may occur in the paper (false: none does). */
export function mayNameTopic(text: PaperText): boolean {
  return ANY_DEFINING.test(text.title) || ANY_DEFINING.test(text.abstract);
}

/** Every DEFINING phrase, for tests. */
export const DEFINING_PHRASES: readonly string[] = Object.values(DEFINING).flat();

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
    // The NEIGHBOURS most similar canon papers (insertion into a short sorted list: no sort of the whole canon).
    const nearest: { similarity: number; paper: number }[] = [];
    similarities.forEach((similarity, paper) => {
      if (paper === skip || similarity <= 0) return;
      if (nearest.length === NEIGHBOURS && (nearest[NEIGHBOURS - 1]?.similarity ?? 0) >= similarity) return;
      if (nearest.length === NEIGHBOURS) nearest.pop();
      let at = nearest.length;
      while (at > 0 && (nearest[at - 1]?.similarity ?? 0) < similarity) at -= 1;
      nearest.splice(at, 0, { similarity, paper });
    });
    const total = nearest.reduce((sum, entry) => sum + entry.similarity, 0);
    const best = nearest[0]?.similarity ?? 0;
    const votes = new Map<Topic, number>();
    for (const { similarity, paper } of nearest)
      for (const topic of papers[paper]?.topics ?? []) votes.set(topic, (votes.get(topic) ?? 0) + similarity);
    const result: TopicVote[] = [];
    const lower = { title: "", abstract: "", may: mayNameTopic(text) };
    for (const topic of TOPICS) {
      const share = total > 0 ? (votes.get(topic) ?? 0) / total : 0;
      const knn = best >= TOPIC_CONFIDENCE.minSimilarity ? share : share * (best / TOPIC_CONFIDENCE.minSimilarity);
      const confidence = knn >= TOPIC_CONFIDENCE.minShare ? knn : Math.max(knn, definedBy(topic, text, lower) ? 1 : 0);
      if (confidence > 0) result.push({ topic, confidence });
    }
    return result.sort((a, b) => b.confidence - a.confidence);
  }

  /** The confident topics of the paper CanonIndex.score last scored, most confident first. */
  confident(text: PaperText, best: number): Topic[] {
    // Below this similarity no neighbour vote reaches the bar (the vote is scaled down by best / minSimilarity):
    // only a defining phrase can name a topic, and most of a day's papers stop here.
    if (best < TOPIC_CONFIDENCE.minShare * TOPIC_CONFIDENCE.minSimilarity) {
      if (!mayNameTopic(text)) return [];
      const lower = { title: "", abstract: "", may: true };
      return TOPICS.filter((topic) => DEFINING[topic] !== undefined && definedBy(topic, text, lower));
    }
    return this.votes(text, this.index.lastSimilarities())
      .filter((vote) => vote.confidence >= TOPIC_CONFIDENCE.minShare)
      .map((vote) => vote.topic);
  }
}

/** `lower` holds the text in lower case once a topic with phrases needed it (empty until then); `may`: mayNameTopic. */
function definedBy(topic: Topic, text: PaperText, lower: { title: string; abstract: string; may: boolean }): boolean {
  const phrases = DEFINING[topic];
  if (!phrases || !lower.may) return false;
  if (lower.title === "" && lower.abstract === "") {
    lower.title = text.title.toLowerCase();
    lower.abstract = text.abstract.toLowerCase();
  }
  const { title, abstract } = lower;
  return phrases.some((phrase) => wordAt(title, phrase, 0) >= 0 || countWords(abstract, phrase) >= 2);
}

/** Where `phrase` (or its plural in -s) next occurs from `from` as whole words, or -1. */
function wordAt(text: string, phrase: string, from: number): number {
  for (let at = text.indexOf(phrase, from); at >= 0; at = text.indexOf(phrase, at + 1)) {
    let end = at + phrase.length;
    if (text.charCodeAt(end) === 115) end += 1;
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(end))) return at;
  }
  return -1;
}

function countWords(text: string, phrase: string): number {
  let count = 0;
  for (let at = wordAt(text, phrase, 0); at >= 0 && count < 2; at = wordAt(text, phrase, at + 1)) count += 1;
  return count;
}

function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}
