import { topicNames } from "../i18n/topics.js";
import { TOPICS, type Topic } from "./schema.js";
import { compactKey } from "./text.js";

const topicByKey = new Map<string, Topic>();
for (const topic of TOPICS) {
  for (const name of topicNames(topic)) topicByKey.set(compactKey(name), topic);
}

/** The catalog topic a name stands for (id, label in either language or a synonym), if any. */
export function matchTopic(name: string): Topic | null {
  return topicByKey.get(compactKey(name)) ?? null;
}
