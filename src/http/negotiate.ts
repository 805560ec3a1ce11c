import type { Locale } from "../i18n/index.js";
import type { PageQuery } from "./page-response.js";

export type PageRequest = PageQuery;

export function pageRequest(rawQuery: string, headers: { accept?: string; "accept-language"?: string }): PageRequest {
  // Bounded: the server's header limit already caps the request line; a query string this long is no search.
  return {
    query: new URLSearchParams(rawQuery.length > 4096 ? "" : rawQuery),
    accept: headers.accept,
    acceptLanguage: headers["accept-language"],
  };
}

/** At most this many language ranges are read from Accept-Language. */
const MAX_LANGUAGE_RANGES = 20;

/**
 * The locale an explicit `?lang=` names, else the first of en/ja in Accept-Language by weight (RFC 9110 §12.5.4),
 * else English.
 */
export function negotiateLocale(request: PageRequest | undefined): Locale {
  const explicit = request?.query.get("lang")?.toLowerCase();
  if (explicit === "ja" || explicit === "en") return explicit;
  const header = request?.acceptLanguage;
  if (!header) return "en";
  let best: { locale: Locale; weight: number } | null = null;
  for (const range of header.split(",").slice(0, MAX_LANGUAGE_RANGES)) {
    const [tag = "", ...params] = range.trim().split(";");
    const language = tag.trim().toLowerCase().split("-")[0];
    if (language !== "en" && language !== "ja") continue;
    const q = params.map((param) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param)?.[1]).find((value) => value !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    if (weight > 0 && (best === null || weight > best.weight)) best = { locale: language, weight };
  }
  return best?.locale ?? "en";
}

/** True for a browser (which lists text/html in Accept); API clients (`*\/*`, JSON) keep their JSON answers. */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept
    .split(",")
    .slice(0, MAX_LANGUAGE_RANGES)
    .some((range) => {
      const [type = "", ...params] = range.trim().toLowerCase().split(";");
      const zero = params.some((param) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(param));
      return !zero && (type.trim() === "text/html" || type.trim() === "application/xhtml+xml");
    });
}
