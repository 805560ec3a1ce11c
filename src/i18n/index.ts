import { en, type MessageKey, type Messages } from "./en.js";
import { ja } from "./ja.js";
import type { Locale } from "./locale.js";
import { formatTemplate, type ParamValues, type Placeholders, type TemplateArgs, type TemplateParams } from "./template.js";

export { LOCALES, localeFromDiscord, type Locale } from "./locale.js";
export type { MessageKey };

const catalogs: Record<Locale, Messages> = { en, ja };

type English = typeof en;

/** `[]` for a message without parameters, else `[params]` with exactly its placeholders (`count` a number). */
export type MessageArgs<K extends MessageKey> = TemplateArgs<English[K]>;
export type MessageParams<K extends MessageKey> = TemplateParams<English[K]>;
/** Keys whose message takes no parameters. */
export type PlainMessageKey = { [K in MessageKey]: MessageArgs<K> extends [] ? K : never }[MessageKey];

/** A message to render later (an expected failure carries one): a key with exactly the parameters it needs. */
export type MessageRef = {
  [K in MessageKey]: MessageArgs<K> extends [] ? { key: K; params?: undefined } : { key: K; params: MessageParams<K> };
}[MessageKey];

// The Japanese templates use exactly the placeholders of the English ones (a mismatch fails to compile).
type PlaceholderMismatch = {
  [K in MessageKey]:
    Exclude<Placeholders<(typeof ja)[K]>, Placeholders<English[K]>> | Exclude<Placeholders<English[K]>, Placeholders<(typeof ja)[K]>>;
}[MessageKey];
const placeholdersMatch: [PlaceholderMismatch] extends [never] ? true : PlaceholderMismatch = true;
void placeholdersMatch;

export function t<K extends MessageKey>(locale: Locale, key: K, ...args: MessageArgs<K>): string;
export function t(locale: Locale, key: MessageKey, params: ParamValues = {}): string {
  return formatTemplate(locale, catalogs[locale][key], params);
}

export function message<K extends MessageKey>(key: K, ...args: MessageArgs<K>): MessageRef;
export function message(key: MessageKey, params?: ParamValues): MessageRef {
  // The overload above ties the key to its parameters; this is the one place the pair is stored untyped.
  return (params ? { key, params } : { key }) as MessageRef;
}

export function renderMessage(locale: Locale, ref: MessageRef): string {
  return formatTemplate(locale, catalogs[locale][ref.key], ref.params ?? {});
}

/** A message in both languages, for Discord's name/description localizations. */
export function localized(key: PlainMessageKey): { en: string; ja: string } {
  return { en: t("en", key), ja: t("ja", key) };
}

/** "A, B, and C" / "A、B、C": a list joined the way the reader's language joins one. */
export function formatList(locale: Locale, items: readonly string[]): string {
  return new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(items);
}
