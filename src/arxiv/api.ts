import { z } from "zod";
import { arxivAbsUrl, arxivPdfUrl, arxivVersionOf, parseArxivReference } from "../catalog/arxiv-id.js";
import { fail, succeed, type Failure, type Outcome } from "../errors.js";
import { followRedirects, MAX_RETRY_AFTER_MS, parseRetryAfter, readCapped, type Redirect } from "./fetch.js";
import { withoutControls } from "./parse.js";
import { texToText } from "./tex.js";
import { ArxivGateTimeout } from "./gate.js";
import { parseXmlOffThread, type CustomFields, type XmlLimits } from "./xml-worker.js";

/** arXiv's terms: one request at a time, at least 3 s apart, shared by every arXiv client of the bot. */
export interface ArxivRequestGate {
  run<T>(request: () => Promise<T>): Promise<T>;
}

/** One paper's metadata from the arXiv API (`id_list` lookup). */
export interface ArxivRecord {
  arxivId: string;
  version: number;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  primaryCategory: string | null;
  /** ISO-8601 dates of version 1 and of the latest version. */
  published: string;
  updated: string;
  comment: string | null;
  absUrl: string;
  pdfUrl: string;
}

export const ARXIV_API_TIMEOUT_MS = 30_000;
export const ARXIV_API_MAX_BYTES = 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const CUSTOM_FIELDS: CustomFields = {
  feed: ["opensearch:totalResults"],
  item: [
    ["category", "categories", { keepArray: true }],
    ["author", "authors", { keepArray: true }],
    "summary",
    "arxiv:primary_category",
    "arxiv:comment",
    "published",
    "updated",
    "id",
  ],
};

/** An id_list lookup answers one entry; a real one is 3 levels deep and a few dozen elements. */
const API_XML_LIMITS: XmlLimits = { maxDepth: 32, maxElements: 50_000, maxItems: 100, itemTag: "entry" };

/** The old serializer puts `xmlns` on every element, which xml2js turns into { _: text, $: attributes }. */
const text = z.preprocess((value) => (typeof value === "object" && value !== null && "_" in value ? value._ : value), z.string());
const oneText = z.preprocess((value) => (Array.isArray(value) ? value[0] : value), text);
const term = z.object({ $: z.object({ term: z.string() }) }).transform((value) => value.$.term);

const entrySchema = z.object({
  id: text,
  title: text.default(""),
  summary: text.default(""),
  published: text.optional(),
  updated: text.optional(),
  authors: z.array(z.object({ name: oneText })).default([]),
  categories: z.array(term).default([]),
  "arxiv:primary_category": term.optional(),
  "arxiv:comment": text.optional(),
});
const feedSchema = z.object({ items: z.array(z.unknown()), "opensearch:totalResults": text.optional() });

const ERROR_ID = /\/api\/errors(?:#|$)/;
const ABS_ID = /arxiv\.org\/abs\/(.+?)(?:v(\d+))?$/;

/** API text on one line, without control and bidi characters (like feed text: see withoutControls). */
const oneLine = (value: string) => withoutControls(value).replace(/\s+/g, " ").trim();

export type AtomResult = { kind: "records"; records: ArxivRecord[] } | { kind: "error"; message: string };

/** Reads an API answer in either serializer (pre-2025 with per-element xmlns and wrapped text, or the current one). */
export async function parseArxivAtom(xml: string): Promise<AtomResult | null> {
  let parsed: unknown;
  try {
    // Off the main thread, like feeds: a 1 MB answer of nested elements would otherwise hold the bot.
    parsed = await parseXmlOffThread(xml, CUSTOM_FIELDS, { limits: API_XML_LIMITS });
  } catch {
    return null;
  }
  const feed = feedSchema.safeParse(parsed);
  if (!feed.success) return null;
  const records: ArxivRecord[] = [];
  for (const item of feed.data.items) {
    const entry = entrySchema.safeParse(item);
    if (!entry.success) return null;
    const value = entry.data;
    if (ERROR_ID.test(value.id)) return { kind: "error", message: oneLine(value.summary) || oneLine(value.title) };
    const match = ABS_ID.exec(value.id.trim());
    const arxivId = match?.[1] ? parseArxivReference(match[1]) : null;
    const version = match?.[2] === undefined ? 1 : arxivVersionOf(match[2]);
    if (!arxivId || version === null || !value.title.trim()) continue;
    records.push({
      arxivId,
      version,
      title: texToText(oneLine(value.title)),
      abstract: texToText(oneLine(value.summary)),
      authors: value.authors.map((author) => oneLine(author.name)).filter((name) => name !== ""),
      categories: value.categories.map(oneLine),
      primaryCategory: oneLine(value["arxiv:primary_category"] ?? value.categories[0] ?? "") || null,
      published: value.published ?? value.updated ?? "",
      updated: value.updated ?? value.published ?? "",
      comment: value["arxiv:comment"] ? oneLine(value["arxiv:comment"]) : null,
      absUrl: arxivAbsUrl(arxivId),
      pdfUrl: arxivPdfUrl(arxivId),
    });
  }
  return { kind: "records", records };
}

/**
 * Whole seconds to wait from a Retry-After (seconds, also written 1e3, or an HTTP date), at most a day (what the
 * feeds wait at most); null when there is none to read.
 */
export function retryAfterSeconds(value: string | null, now: Date): number | null {
  const seconds = Number(value?.trim() || Number.NaN);
  const ms = Number.isFinite(seconds) ? Math.min(MAX_RETRY_AFTER_MS, seconds * 1000) : parseRetryAfter(value, now);
  return ms === undefined || !(ms > 0) ? null : Math.ceil(ms / 1000);
}

/** "Try again in 20 s", "in 5 minutes", "in 24 hours": a wait in the unit a person would use. */
export function busy(seconds: number): Failure {
  if (seconds < 120) return fail("arxiv.busy", { seconds });
  if (seconds < 2 * 3600) return fail("arxiv.busyMinutes", { count: Math.ceil(seconds / 60) });
  return fail("arxiv.busyHours", { count: Math.ceil(seconds / 3600) });
}

export interface ArxivApi {
  /** Looks one paper up by any id or arXiv URL form. */
  lookup(reference: string): Promise<Outcome<ArxivRecord>>;
}

export function createArxivApi(options: { apiUrl: string; gate: ArxivRequestGate; userAgent: string; timeoutMs?: number }): ArxivApi {
  const timeoutMs = options.timeoutMs ?? ARXIV_API_TIMEOUT_MS;

  type Answer =
    | { ok: true; body: string }
    | { ok: false; status: number | null; reason: string; retryAfter: number | null; redirect?: Redirect; tooLarge?: true };

  async function get(url: string): Promise<Answer> {
    try {
      // Redirects are followed by lookup(), each hop through the gate like any request.
      const response = await fetch(url, {
        headers: { "user-agent": options.userAgent, accept: "application/atom+xml" },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
      if (REDIRECTS.has(response.status)) {
        await response.body?.cancel();
        const redirect = { status: response.status, location: response.headers.get("location") };
        return { ok: false, status: response.status, reason: `HTTP ${response.status}`, retryAfter: null, redirect };
      }
      const length = Number(response.headers.get("content-length") ?? 0);
      if (length > ARXIV_API_MAX_BYTES) {
        await response.body?.cancel();
        return { ok: false, status: response.status, reason: "answer too large", retryAfter: null, tooLarge: true };
      }
      const body = await readCapped(response, ARXIV_API_MAX_BYTES);
      if (body === null) return { ok: false, status: response.status, reason: "answer too large", retryAfter: null, tooLarge: true };
      // arXiv answers malformed queries with 400 and an Atom error entry, which is worth reading.
      if (response.ok || (response.status === 400 && body.includes("<feed"))) return { ok: true, body };
      return {
        ok: false,
        status: response.status,
        reason: `HTTP ${response.status}`,
        retryAfter: retryAfterSeconds(response.headers.get("retry-after"), new Date()),
      };
    } catch (error) {
      const reason =
        error instanceof Error && error.name === "TimeoutError"
          ? `no answer within ${Math.round(timeoutMs / 1000)} s`
          : "could not connect";
      return { ok: false, status: null, reason, retryAfter: null };
    }
  }

  /** GETs `url`, following its redirects (followRedirects), each hop waiting its turn in the gate. */
  async function getFollowing(url: string): Promise<Answer> {
    const followed = await followRedirects(
      url,
      (hop) => options.gate.run(() => get(hop)),
      (answer) => (answer.ok ? null : (answer.redirect ?? null)),
    );
    return "reason" in followed ? { ok: false, status: null, reason: followed.reason, retryAfter: null } : followed.answer;
  }

  return {
    async lookup(reference) {
      const arxivId = parseArxivReference(reference);
      if (!arxivId) return fail("arxiv.notAnId", { input: reference.slice(0, 100) });
      const url = `${options.apiUrl}?${new URLSearchParams({ id_list: arxivId, max_results: "1" }).toString()}`;
      let answer: Answer;
      try {
        answer = await getFollowing(url);
      } catch (error) {
        // Other processes (a poll, another lookup) kept arXiv busy longer than a lookup waits.
        if (error instanceof ArxivGateTimeout) return fail("arxiv.unavailable", { reason: error.message });
        throw error;
      }
      if (!answer.ok) {
        if (answer.retryAfter !== null && (answer.status === 429 || answer.status === 503)) return busy(answer.retryAfter);
        // arXiv did answer: say what was wrong with the answer rather than "could not be reached".
        if (answer.tooLarge) return fail("arxiv.answerTooLarge", { megabytes: Math.round(ARXIV_API_MAX_BYTES / (1024 * 1024)) });
        if (answer.status !== null && !answer.redirect) return fail("arxiv.httpStatus", { status: answer.status });
        return fail("arxiv.unavailable", { reason: answer.reason });
      }
      const result = await parseArxivAtom(answer.body);
      if (!result) return fail("arxiv.notAtom");
      if (result.kind === "error") return fail("arxiv.apiError", { arxivId, message: result.message.slice(0, 300) });
      const record = result.records.find((candidate) => candidate.arxivId === arxivId);
      return record ? succeed(record) : fail("arxiv.notFound", { arxivId });
    },
  };
}
