import { paperTitle, renderPaperText } from "../catalog/format.js";
import { plainLine } from "../shared/safe-text.js";
import { validateQuery } from "../catalog/query.js";
import { tiedResults, type Resolution } from "../catalog/resolve.js";
import type { Locale } from "../i18n/locale.js";
import type { Failure } from "../errors.js";
import type { MessageKey } from "../i18n/index.js";
import { t } from "../i18n/index.js";
import { topicSchema } from "../catalog/schema.js";
import { matchTopic } from "../catalog/topics.js";
import { renderMessage } from "../i18n/index.js";
import { parse, parseLocale, UsageError, withApp, type Handler } from "./kit.js";

/**
 * Characters of one `paper --batch` input line that are kept; the rest of a longer line is read and dropped,
 * so a line without a newline cannot grow memory. Far above the query cap, so such a line is "too_long".
 */
export const MAX_BATCH_LINE_LENGTH = 1_000;

/** Why a query was refused, as a stable word for `--json` (the same checks and reasons as the bot). */
export type QueryErrorCode = "empty" | "too_long" | "control_characters" | "mention" | "markdown";

const ERROR_CODES: Partial<Record<MessageKey, QueryErrorCode>> = {
  "errors.emptyQuery": "empty",
  "errors.queryTooLong": "too_long",
  "errors.queryControlCharacters": "control_characters",
  "errors.queryMention": "mention",
  "errors.queryMarkdown": "markdown",
};

export function queryErrorCode(failure: Failure): QueryErrorCode {
  return ERROR_CODES[failure.key] ?? "empty";
}

export function resolutionJson(resolution: Resolution) {
  return {
    query: resolution.query,
    // Only when it is so: none of the tied results is the answer (`/paper` offers them as a choice).
    ...(resolution.ambiguous ? { ambiguous: true } : {}),
    results: resolution.results.map((match) => ({
      id: match.paper.id,
      arxivId: match.paper.arxivId,
      title: match.paper.title,
      score: Math.round(match.score * 1000) / 1000,
    })),
    suggestions: resolution.suggestions.map((paper) => ({ id: paper.id, arxivId: paper.arxivId, title: paper.title })),
  };
}

/** The JSON line for a refused query: the same shape as an answer, with nothing found and the reason. */
export function refusalJson(query: string, failure: Failure) {
  return { query, results: [], suggestions: [], error: queryErrorCode(failure) };
}

export function resolutionText(resolution: Resolution, locale: Locale): string {
  if (resolution.ambiguous) {
    const choices = tiedResults(resolution).map((match) => `  - ${plainLine(paperTitle(match.paper, locale))} (${match.paper.id})`);
    const named = resolution.severalNamed;
    return [named ? t(locale, "paper.severalNamed") : t(locale, "paper.ambiguous", { query: resolution.query.trim() }), ...choices].join(
      "\n",
    );
  }
  const [best, ...others] = resolution.results;
  if (best) {
    const more =
      others.length > 0
        ? `\n\n${t(locale, "paper.otherMatches", { titles: others.map((match) => plainLine(match.paper.title)).join("; ") })}`
        : "";
    return renderPaperText(best.paper, locale) + more;
  }
  if (resolution.unlistedArxivId) return t(locale, "errors.unlistedArxiv", { arxivId: resolution.unlistedArxivId });
  const lines = [t(locale, "errors.unknownPaper", { query: resolution.query.trim() })];
  if (resolution.suggestions.length > 0) {
    lines.push(t(locale, "errors.didYouMean"), ...resolution.suggestions.map((paper) => `  - ${plainLine(paper.title)} (${paper.id})`));
  }
  return lines.join("\n");
}

/** One field of a tab-separated line: backslash, tab, CR, LF and other control characters escaped. */
export function escapeField(text: string): string {
  return text.replace(/[\\\p{Cc}]/gu, (char) => {
    switch (char) {
      case "\\":
        return "\\\\";
      case "\t":
        return "\\t";
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
    }
  });
}

/**
 * One output line (without the newline) for one `paper --batch` input line. Text mode: query, id and title
 * separated by tabs; "-" when nothing matched; "-" and `error: CODE` when the query was refused.
 */
export function batchLine(line: string, json: boolean, resolve: (query: string) => Resolution): string {
  const query = validateQuery(line);
  if (!query.ok) return json ? JSON.stringify(refusalJson(line, query)) : `${escapeField(line)}\t-\terror: ${queryErrorCode(query)}`;
  const resolution = resolve(line);
  if (json) return JSON.stringify(resolutionJson(resolution));
  const best = resolution.results[0];
  return `${escapeField(line)}\t${best ? `${escapeField(best.paper.id)}\t${escapeField(best.paper.title)}` : "-"}`;
}

/**
 * Lines of a byte or text stream, one per "\n"; one "\r" before it is dropped, a "\r" elsewhere stays in the
 * line. A final line without "\n" counts; an empty input has no lines. Lines are cut at `maxLength`.
 */
export async function* readLines(input: AsyncIterable<Uint8Array | string>, maxLength = MAX_BATCH_LINE_LENGTH): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  // Up to maxLength + 1 characters of the current line: the extra one tells "cut" from "exactly maxLength".
  let current = "";
  const finish = (): string => {
    const line = current.endsWith("\r") ? current.slice(0, -1) : current;
    current = "";
    return line.slice(0, maxLength);
  };
  const take = (text: string): string[] => {
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      if (current.length <= maxLength) current += text.slice(start, Math.min(newline, start + maxLength + 1 - current.length));
      lines.push(finish());
      start = newline + 1;
    }
    if (current.length <= maxLength) current += text.slice(start, Math.min(text.length, start + maxLength + 1 - current.length));
    return lines;
  };
  for await (const chunk of input) yield* take(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
  yield* take(decoder.decode());
  if (current.length > 0) yield finish();
}

export const paperCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      locale: { type: "string" },
      json: { type: "boolean", default: false },
      batch: { type: "boolean", default: false },
      explain: { type: "boolean", default: false },
    },
    true,
  );
  const locale = parseLocale(values.locale);
  if (values.batch && positionals.length > 0) throw new UsageError("--batch reads queries from stdin; give no query arguments");
  // No query at all is a usage error; a blank one ("", "   ") is a query /paper refuses (README: exit 1, `error: empty`).
  if (!values.batch && positionals.length === 0) throw new UsageError("paper needs a query, e.g. paperbot paper lora");
  return withApp(io, async (app) => {
    if (!values.batch) {
      // The same checks and length cap as /paper in Discord.
      const text = positionals.join(" ");
      const query = validateQuery(text);
      if (!query.ok) {
        if (values.json) io.stdout(JSON.stringify(refusalJson(text, query)) + "\n");
        else io.stderr(`paperbot: ${renderMessage(locale, query)}\n`);
        return 1;
      }
      const explain = values.explain ? (line: string) => io.stderr(`explain: ${line}\n`) : undefined;
      const resolution = app.catalog.resolve(text, locale, explain ? { explain } : {});
      io.stdout((values.json ? JSON.stringify(resolutionJson(resolution)) : resolutionText(resolution, locale)) + "\n");
      return values.json || resolution.results.length > 0 ? 0 : 1;
    }
    // Exactly one output line per input line, in order; a blank or refused line says why.
    for await (const line of io.stdin()) {
      io.stdout(batchLine(line, values.json, (query) => app.catalog.resolve(query, locale)) + "\n");
    }
    return 0;
  });
};

export const papersCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(args, { topic: { type: "string" }, json: { type: "boolean", default: false } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  const topic =
    values.topic === undefined ? undefined : topicSchema.safeParse(matchTopic(values.topic) ?? values.topic.trim().toLowerCase());
  if (topic && !topic.success) throw new UsageError(`--topic must be one of: ${topicSchema.options.join(", ")}`);
  return withApp(io, async (app) => {
    const papers = app.catalog.byTopic(topic?.data);
    if (values.json) {
      const json = papers.map((paper) => ({
        id: paper.id,
        arxivId: paper.arxivId,
        title: paper.title,
        url: paper.url,
        year: paper.year,
        topics: paper.topics,
        summary: paper.summary,
      }));
      io.stdout(JSON.stringify({ papers: json }) + "\n");
    } else {
      io.stdout(
        papers
          .map((paper, index) => `${String(index + 1).padStart(3)}. ${paper.title} (${paper.year}) [${paper.id}] ${paper.url}`)
          .join("\n") + "\n",
      );
    }
    return 0;
  });
};
