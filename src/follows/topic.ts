import { matchTopic } from "../catalog/topics.js";
import { TOPICS, type Topic } from "../catalog/schema.js";
import { compactKey, normalize } from "../catalog/text.js";
import { topicNames } from "../i18n/topics.js";
import { fail, succeed, type Outcome } from "../errors.js";

/** The longest topic or keyword a person can follow. */
export const MAX_TOPIC_LENGTH = 64;

export interface FollowTopic {
  /** The stored key: a catalog topic id, or the normalised (lowercased) keyword. */
  topic: string;
  catalogTopic: Topic | null;
  /** The keyword as the person typed it (width-normalised, trimmed), echoed back in their own case. */
  display: string;
}

/**
 * What a person follows: one of the catalog's topics (matched by id, by its English/Japanese label or a synonym,
 * so "Fine tuning", "ファインチューニング" and "微調整" are the same topic) or a free keyword, normalised.
 */
export function normalizeFollowTopic(input: string): Outcome<FollowTopic> {
  const display = input.normalize("NFKC").replace(/\s+/g, " ").trim().replace(/^#+/, "").trim();
  const text = normalize(input).replace(/^#+/, "").trim();
  if (text.length === 0) return fail("follow.topicEmpty");
  if ([...text].length > MAX_TOPIC_LENGTH) return fail("follow.topicTooLong", { count: MAX_TOPIC_LENGTH });
  if (/[\p{Cc}\p{Cf}]/u.test(text) || /<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b|[`*_~|]{2,}/.test(text)) return fail("follow.topicInvalid");
  const catalogTopic = matchTopic(text);
  return succeed({ topic: catalogTopic ?? text, catalogTopic, display: catalogTopic ?? display });
}

/**
 * True when a free keyword can appear in an arXiv title or abstract: those are English, so a keyword written only in
 * another script (検索エンジン, 推論) never matches. Digits and symbols alone (2024, c++) are left to the person.
 */
export function keywordCanMatchEnglish(keyword: string): boolean {
  return /\p{Script=Latin}/u.test(keyword) || !/\p{L}/u.test(keyword);
}

const MAX_SUGGESTIONS = 3;

/** Character bigrams (single characters for a one-character word) of a compact key. */
function grams(key: string): Set<string> {
  const chars = [...key];
  if (chars.length < 2) return new Set(chars);
  const result = new Set<string>();
  for (let index = 0; index + 1 < chars.length; index += 1) result.add(`${chars[index]}${chars[index + 1]}`);
  return result;
}

/** How much two names share: containment wins outright, else the Dice coefficient of their bigrams (and characters). */
function closeness(keyword: string, name: string): number {
  if (keyword.length === 0 || name.length === 0) return 0;
  if (name.includes(keyword) || keyword.includes(name))
    return 1 + Math.min(keyword.length, name.length) / Math.max(keyword.length, name.length);
  const dice = (left: Set<string>, right: Set<string>) => {
    let shared = 0;
    for (const gram of left) if (right.has(gram)) shared += 1;
    return (2 * shared) / (left.size + right.size || 1);
  };
  return Math.max(dice(grams(keyword), grams(name)), 0.5 * dice(new Set(keyword), new Set(name)));
}

/** The catalog topics whose names (either language, synonyms) are closest to a keyword, best first; [] when none is close. */
export function closestTopics(keyword: string): Topic[] {
  const key = compactKey(keyword);
  return TOPICS.map((topic) => ({ topic, score: Math.max(...topicNames(topic).map((name) => closeness(key, compactKey(name)))) }))
    .filter((entry) => entry.score >= 0.25)
    .sort((left, right) => right.score - left.score)
    .slice(0, MAX_SUGGESTIONS)
    .map((entry) => entry.topic);
}
