import { TOPICS, type Topic } from "../catalog/schema.js";
import { enTopicSynonyms } from "./en.js";
import { t } from "./index.js";
import { jaTopicSynonyms } from "./ja.js";
import { LOCALES, type Locale } from "./locale.js";

export function isTopic(value: string): value is Topic {
  return (TOPICS as readonly string[]).includes(value);
}

/**
 * The one way any front end (bot, console, bundle, CLI) names a topic: a catalog topic by its label from the
 * locale files, anything else (a followed keyword) as it is.
 */
export function topicLabel(locale: Locale, topic: string): string {
  return isTopic(topic) ? t(locale, `topic.${topic}`) : topic;
}

/** Every name a person may type for a topic: its id, its label in each language, and the synonyms in the locale files. */
export function topicNames(topic: Topic): string[] {
  return [
    topic,
    ...LOCALES.map((locale) => topicLabel(locale, topic)),
    ...(enTopicSynonyms[topic] ?? []),
    ...(jaTopicSynonyms[topic] ?? []),
  ];
}

/** The topics as a command option's choices: the English label, the Japanese one for Japanese clients. */
export function topicChoices(): { name: string; name_localizations: { ja: string }; value: Topic }[] {
  return TOPICS.map((topic) => ({ name: topicLabel("en", topic), name_localizations: { ja: topicLabel("ja", topic) }, value: topic }));
}
