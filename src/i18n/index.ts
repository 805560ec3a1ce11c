import type { Locale } from "../catalog/types.js";
import { en, type MessageKey, type Messages } from "./en.js";
import { ja } from "./ja.js";

export type { MessageKey };

const catalogs: Record<Locale, Messages> = { en, ja };

export type MessageParams = Record<string, string | number>;

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.hasOwn(en, value);
}

export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = catalogs[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Discord sends locales such as "ja", "en-US", "en-GB"; everything but Japanese gets English. */
export function localeFromDiscord(discordLocale: string | null | undefined): Locale {
  return discordLocale?.toLowerCase().startsWith("ja") ? "ja" : "en";
}

/** A message in both languages, for Discord's name/description localizations. */
export function localized(key: MessageKey): { en: string; ja: string } {
  return { en: t("en", key), ja: t("ja", key) };
}
