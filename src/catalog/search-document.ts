import type { SearchDocument } from "../db/search.js";
import { lookupKeys } from "./lookup/keys.js";
import type { CatalogEntry } from "./schema.js";
import { containsCjk, searchableText } from "./text.js";

/** Authors (without "et al."), organisation and year: "vaswani 2017", "hoffmann compute optimal", "deepmind". */
export function creditLine(entry: CatalogEntry): string {
  return [
    ...entry.authors.filter((author) => author !== "et al."),
    ...(entry.organisation ? [entry.organisation] : []),
    String(entry.year),
  ].join(" ; ");
}

/** The text of an entry as the full-text indexes hold it: the same tokens and stems the queries get. */
export function searchDocument(entry: CatalogEntry): SearchDocument {
  const japaneseAliases = entry.aliases.filter((alias) => containsCjk(alias));
  // The trigram index serves Japanese queries only; Latin-only text there would just make it larger.
  const japanese = (text: string) => (containsCjk(text) ? text : "");
  return {
    latin: [
      searchableText(entry.title),
      // Japanese aliases too, for their Latin words ("量子化lora", "インストラクトgpt"); the tokenizer drops the rest.
      searchableText([entry.id.replaceAll("-", " "), ...entry.aliases].join(" ; ")),
      searchableText(entry.topics.join(" ").replaceAll("-", " ")),
      // Without the organisation's counts ("and 20+ other institutions"): a number there is no fact about the paper.
      searchableText(creditLine({ ...entry, organisation: entry.organisation?.replace(/\d[\d,.]*\+?/g, " ") })),
      // The Japanese summary's Latin words and quantities too: "RNNや畳み込み", "15億パラメータ" (1.5b).
      searchableText([entry.summary.en, ...entry.keyResults.en, entry.summary.ja, ...entry.keyResults.ja].join(" ")),
    ],
    japanese: [japanese(entry.titleJa), japaneseAliases.join(" ; "), japanese([entry.summary.ja, ...entry.keyResults.ja].join(" "))],
    listed: entry.aliases.length > 0,
    keys: lookupKeys(entry),
  };
}
