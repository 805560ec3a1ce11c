/** The languages paperbot answers in. */
export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];

/** Discord sends locales such as "ja", "en-US", "en-GB"; everything but Japanese gets English. */
export function localeFromDiscord(discordLocale: string | null | undefined): Locale {
  return discordLocale?.toLowerCase().startsWith("ja") ? "ja" : "en";
}
