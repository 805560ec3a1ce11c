import { matchTopic } from "../catalog/topics.js";
import type { Topic } from "../catalog/schema.js";
import { normalize } from "../catalog/text.js";
import { fail, succeed, type Outcome } from "../errors.js";

/** The longest topic or keyword a person can follow. */
export const MAX_TOPIC_LENGTH = 64;

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
