import { arxivGateStore } from "../db/arxiv-gate.js";
import type { Db } from "../db/connection.js";
import { DatabaseBusyError } from "../db/errors.js";
import { BACKOFF_MAX_MS } from "../db/feeds.js";
import { systemClock, type Clock } from "../logger.js";
import { ArxivGate, ArxivGateTimeout, LEASE_MARGIN_MS, realSleep, type Sleeper } from "./gate.js";

export { ArxivGate, ArxivGateTimeout, realSleep, type Sleeper };

export const ARXIV_REQUEST_INTERVAL_MS = 3000;
export const ARXIV_TIMEOUT_MS = 30_000;
export const ARXIV_MAX_BYTES = 10 * 1024 * 1024;
/** Retry-After waits longer than this are left to the next run. */
export const MAX_RETRY_AFTER_WAIT_MS = 60_000;

/** Redirects followed per request (each hop is a request of its own through the gate). */
export const MAX_REDIRECTS = 5;
/** A Retry-After longer than this counts as this long: no feed waits more than a day (the longest backoff). */
export const MAX_RETRY_AFTER_MS = BACKOFF_MAX_MS;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type FetchResult =
  | { kind: "ok"; body: string; etag: string | null; lastModified: string | null }
  | { kind: "not_modified" }
  | { kind: "error"; reason: string; retryAfterMs?: number }
  /** Not sent: `beforeSend` gave a reason once this process had its turn (another process started a backoff meanwhile). */
  | { kind: "declined"; reason: string };

/** One hop's answer: a result, or where the server sent us. */
/** A redirect answer: its status and its Location (null when it has none). */
export interface Redirect {
  status: number;
  location: string | null;
}

type HopResult = FetchResult | ({ kind: "redirect" } & Redirect);

/**
 * Requests `url` with `hop`, following at most MAX_REDIRECTS redirects by hand (to http/https only, never back to a
 * URL already asked), so each hop is a request of its own and goes through the gate. Returns the first answer that is
 * not a redirect, or why following stopped.
 */
export async function followRedirects<T>(
  url: string,
  hop: (url: string) => Promise<T>,
  redirectOf: (answer: T) => Redirect | null,
): Promise<{ answer: T } | { reason: string }> {
  const visited = new Set<string>([url]);
  let current = url;
  for (let count = 0; count <= MAX_REDIRECTS; count += 1) {
    const answer = await hop(current);
    const redirect = redirectOf(answer);
    if (!redirect) return { answer };
    if (redirect.location === null) return { reason: `HTTP ${redirect.status} without a Location from ${current}` };
    let next: URL;
    try {
      next = new URL(redirect.location, current);
    } catch {
      return { reason: `HTTP ${redirect.status} to an invalid Location (${redirect.location.slice(0, 200)})` };
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") return { reason: `redirected to a ${next.protocol} URL, not http(s)` };
    if (visited.has(next.href)) return { reason: `redirect loop: ${current} sends back to ${next.href}` };
    visited.add(next.href);
    current = next.href;
  }
  return { reason: `more than ${MAX_REDIRECTS} redirects (the last to ${current})` };
}

export interface ConditionalHeaders {
  etag?: string | null;
  lastModified?: string | null;
}

/** What is read as each request goes out, once the gate gave this process its turn. */
interface OutgoingRequest {
  validators: () => ConditionalHeaders;
  /** A reason not to send after all, or null. */
  beforeSend: () => string | null;
}

export interface ArxivHttpOptions {
  gate: ArxivGate;
  clock: Clock;
  sleep: Sleeper;
  contact: string | undefined;
  timeoutMs?: number;
  maxBytes?: number;
  maxRetryWaitMs?: number;
}

export function userAgent(contact: string | undefined): string {
  return `paperbot/0.1 (LLM reading-list Discord bot${contact ? `; ${contact.includes("@") ? "mailto:" : ""}${contact}` : ""})`;
}

/** Polite GETs against arXiv: gate, User-Agent, timeout, size cap, conditional requests, Retry-After. */
export class ArxivHttp {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  private readonly maxRetryWaitMs: number;

  constructor(private readonly options: ArxivHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? ARXIV_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? ARXIV_MAX_BYTES;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? MAX_RETRY_AFTER_WAIT_MS;
  }

  /** The one gate every arXiv request of the bot goes through (API lookups for /paper-add included). */
  get gate(): ArxivGate {
    return this.options.gate;
  }

  get userAgent(): string {
    return userAgent(this.options.contact);
  }

  /**
   * `conditional` may be a function: it is then called as each request goes out (once the gate gave this process
   * its turn), so validators another process stored while this one waited are sent.
   */
  async get(
    url: string,
    conditional: ConditionalHeaders | (() => ConditionalHeaders) = {},
    signal?: AbortSignal,
    beforeSend: () => string | null = () => null,
  ): Promise<FetchResult> {
    const validators = typeof conditional === "function" ? conditional : () => conditional;
    try {
      return await this.following(url, { validators, beforeSend }, signal);
    } catch (error) {
      // Other processes keeping arXiv or the database busy for too long fail this feed, not the poll.
      if (signal?.aborted) throw error;
      if (error instanceof ArxivGateTimeout) return { kind: "error", reason: error.message };
      if (error instanceof DatabaseBusyError) return { kind: "error", reason: "the database stayed locked by another process" };
      throw error;
    }
  }

  /** Every redirect hop waits its turn in the gate like any request. */
  private async following(url: string, request: OutgoingRequest, signal?: AbortSignal): Promise<FetchResult> {
    const followed = await followRedirects(
      url,
      (hop) => this.retrying(hop, request, signal),
      (result) => (result.kind === "redirect" ? result : null),
    );
    if ("reason" in followed) return { kind: "error", reason: followed.reason };
    const { answer } = followed;
    // followRedirects hands back only answers that are not redirects.
    return answer.kind === "redirect" ? { kind: "error", reason: `HTTP ${answer.status}` } : answer;
  }

  private async retrying(url: string, request: OutgoingRequest, signal?: AbortSignal): Promise<HopResult> {
    let waited = 0;
    const send = async (): Promise<HopResult> => {
      const declined = request.beforeSend();
      return declined === null ? this.once(url, request.validators(), signal) : { kind: "declined", reason: declined };
    };
    // Bounded: each retry needs a Retry-After that still fits in the remaining wait budget.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const result = await this.options.gate.run(send, signal);
      if (result.kind !== "error" || result.retryAfterMs === undefined) return result;
      if (waited + result.retryAfterMs > this.maxRetryWaitMs || signal?.aborted) return result;
      waited += result.retryAfterMs;
      await this.options.gate.pause(result.retryAfterMs, signal);
    }
    return { kind: "error", reason: "still rate limited after retrying" };
  }

  private async once(url: string, conditional: ConditionalHeaders, signal?: AbortSignal): Promise<HopResult> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      "user-agent": userAgent(this.options.contact),
      accept: "application/rss+xml, application/xml;q=0.9, text/xml;q=0.8",
    };
    if (conditional.etag) headers["if-none-match"] = conditional.etag;
    if (conditional.lastModified) headers["if-modified-since"] = conditional.lastModified;
    try {
      const response = await fetch(url, { headers, signal: combined, redirect: "manual" });
      if (response.status === 304) {
        await response.body?.cancel();
        // Without validators there is no copy to be "not modified" from: counting it as a success would hide a broken feed.
        const conditionalRequest = headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined;
        return conditionalRequest ? { kind: "not_modified" } : { kind: "error", reason: "304 Not Modified to an unconditional request" };
      }
      if (REDIRECT_STATUSES.has(response.status)) {
        await response.body?.cancel();
        return { kind: "redirect", status: response.status, location: response.headers.get("location") };
      }
      if (response.status === 429 || response.status === 503) {
        await response.body?.cancel();
        const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.options.clock.now());
        const reason = `HTTP ${response.status}${retryAfterMs === undefined ? "" : ` (Retry-After ${Math.ceil(retryAfterMs / 1000)} s)`}`;
        return retryAfterMs === undefined ? { kind: "error", reason } : { kind: "error", reason, retryAfterMs };
      }
      if (!response.ok) {
        await response.body?.cancel();
        return { kind: "error", reason: `HTTP ${response.status}` };
      }
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      if (declared > this.maxBytes) {
        await response.body?.cancel();
        return { kind: "error", reason: `body too large (${declared} bytes > ${this.maxBytes})` };
      }
      const body = await readCapped(response, this.maxBytes);
      if (body === null) return { kind: "error", reason: `body too large (over ${this.maxBytes} bytes)` };
      return { kind: "ok", body, etag: response.headers.get("etag"), lastModified: response.headers.get("last-modified") };
    } catch (error) {
      if (signal?.aborted) throw error;
      if (timeout.aborted) return { kind: "error", reason: `timed out after ${this.timeoutMs / 1000} s` };
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      return { kind: "error", reason: `request failed (${error instanceof Error ? error.message : String(error)}${cause})` };
    }
  }
}

/** The body decoded by its charset (see decodeBody), or null once it passes `maxBytes` (read no further). */
export async function readCapped(response: Response, maxBytes: number): Promise<string | null> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return decodeBody(Buffer.concat(chunks), response.headers.get("content-type"));
}

const XML_ENCODING = /^<\?xml[^>]{0,200}?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']/;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]{1,40})/i;

/** A TextDecoder for `label`, or null when the label names no encoding this Node knows. */
function decoderFor(label: string): InstanceType<typeof TextDecoder> | null {
  try {
    return new TextDecoder(label.trim());
  } catch {
    return null;
  }
}

/**
 * XML bytes as text, in the charset they declare (RFC 7303): a byte order mark first, then the Content-Type's
 * charset, then the XML declaration's encoding, else UTF-8. A label no decoder knows counts as not given.
 */
export function decodeBody(bytes: Buffer, contentType: string | null): string {
  const bom =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
      ? "utf-8"
      : bytes[0] === 0xff && bytes[1] === 0xfe
        ? "utf-16le"
        : bytes[0] === 0xfe && bytes[1] === 0xff
          ? "utf-16be"
          : null;
  const declared = [bom, CHARSET.exec(contentType ?? "")?.[1], XML_ENCODING.exec(bytes.subarray(0, 256).toString("latin1"))?.[1]];
  for (const label of declared) {
    if (!label) continue;
    const decoder = decoderFor(label);
    if (!decoder) continue;
    // The common case stays on Buffer's own UTF-8 decoder (same text; a leading BOM is dropped like TextDecoder does).
    if (decoder.encoding === "utf-8") break;
    return decoder.decode(bytes);
  }
  return (bom === "utf-8" ? bytes.subarray(3) : bytes).toString("utf8");
}

/** Retry-After is either seconds or an HTTP date; at most MAX_RETRY_AFTER_MS. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Math.min(MAX_RETRY_AFTER_MS, Number(value.trim()) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now.getTime()));
}

/**
 * A gate on the real clock: one request at a time, `intervalMs` between the end of one and the start of the next.
 * With `db` (writable), every process using that database shares the spacing; `timeoutMs` is the longest a request may take.
 */
export function arxivGate(
  intervalMs: number,
  clock: Clock = systemClock,
  sleep: Sleeper = realSleep,
  db?: Db,
  timeoutMs: number = ARXIV_TIMEOUT_MS,
): ArxivGate {
  const shared = db && !db.readonly ? { store: arxivGateStore(db), leaseMs: timeoutMs + LEASE_MARGIN_MS } : undefined;
  return new ArxivGate({ intervalMs, clock, sleep, ...(shared ? { shared } : {}) });
}

/** The bot's one arXiv client (RSS poller and API lookups share its gate; with `db`, so do other processes). */
export function createArxivHttp(
  settings: { contact: string | undefined; requestIntervalMs: number },
  clock: Clock,
  overrides: Partial<Omit<ArxivHttpOptions, "gate" | "clock" | "contact">> = {},
  db?: Db,
): ArxivHttp {
  const sleep = overrides.sleep ?? realSleep;
  const gate = arxivGate(settings.requestIntervalMs, clock, sleep, db, overrides.timeoutMs ?? ARXIV_TIMEOUT_MS);
  return new ArxivHttp({ ...overrides, sleep, clock, contact: settings.contact, gate });
}
