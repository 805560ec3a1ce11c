import { fail, succeed, type Outcome } from "../errors.js";
import { topicNames } from "../i18n/topics.js";
import { TOPICS, type Topic } from "./schema.js";
import { compactKey, normalize } from "./text.js";

export const MAX_TOPIC_LENGTH = 64;

const topicByKey = new Map<string, Topic>();
for (const topic of TOPICS) {
  for (const name of topicNames(topic)) topicByKey.set(compactKey(name), topic);
}

/** The catalog topic a name stands for (id, label in either language or a synonym), if any. */
export function matchTopic(name: string): Topic | null {
  return topicByKey.get(compactKey(name)) ?? null;
}

/**
 * What a person follows: one of the catalog's topics (matched by id, by its English/Japanese label or a synonym,
 * so "Fine tuning" and "ファインチューニング" are the same topic) or a free keyword, normalised.
 */
export function normalizeFollowTopic(input: string): Outcome<{ topic: string; catalogTopic: Topic | null }> {
  const text = normalize(input).replace(/^#+/, "").trim();
  if (text.length === 0) return fail("follow.topicEmpty");
  if ([...text].length > MAX_TOPIC_LENGTH) return fail("follow.topicTooLong", { count: MAX_TOPIC_LENGTH });
  if (/[\p{Cc}\p{Cf}]/u.test(text) || /<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b|[`*_~|]{2,}/.test(text)) return fail("follow.topicInvalid");
  const catalogTopic = matchTopic(text);
  return succeed({ topic: catalogTopic ?? text, catalogTopic });
}
