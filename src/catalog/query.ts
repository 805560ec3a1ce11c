import { z } from "zod";
import { fail, succeed, type Outcome } from "../errors.js";
import type { PlainMessageKey } from "../i18n/index.js";

export const MAX_QUERY_LENGTH = 200;

const refusals: { key: PlainMessageKey; test: (text: string) => boolean }[] = [
  { key: "errors.queryControlCharacters", test: (text) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(text.replace(/[\t\n\r\u200d]/g, "")) },
  { key: "errors.queryMention", test: (text) => /<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b/.test(text) },
  { key: "errors.queryMarkdown", test: (text) => /```|\|\||\*\*|__|~~|^(?:>|#{1,3}|-#)\s|\[[^\]]*\]\([^)]*\)|`[^`]+`/m.test(text) },
];

const querySchema = z
  .string()
  .transform((text) => text.trim())
  .superRefine((text, ctx) => {
    if (text.length === 0) ctx.addIssue({ code: "custom", message: "errors.emptyQuery" });
    else if ([...text].length > MAX_QUERY_LENGTH) ctx.addIssue({ code: "custom", message: "errors.queryTooLong" });
    else {
      const refused = refusals.find((refusal) => refusal.test(text));
      if (refused) ctx.addIssue({ code: "custom", message: refused.key });
    }
  });

/** What a person may search with: trimmed, short, plain text. */
export function validateQuery(raw: string): Outcome<string> {
  const result = querySchema.safeParse(raw);
  if (result.success) return succeed(result.data);
  const message = result.error.issues[0]?.message;
  if (message === "errors.queryTooLong") return fail("errors.queryTooLong", { count: [...raw.trim()].length, max: MAX_QUERY_LENGTH });
  return fail(refusals.find((refusal) => refusal.key === message)?.key ?? "errors.emptyQuery");
}
