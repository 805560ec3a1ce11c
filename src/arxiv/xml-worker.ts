import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * rss-parser (xml2js) parses synchronously: a hostile body of nested or very many elements would hold the event loop
 * for seconds. Bodies are parsed here, in a worker thread with a time and memory limit, after a cheap scan of their
 * structure (depth, element and item counts) that refuses what no arXiv feed or API answer looks like.
 */

/** What a body may hold before it is parsed at all. */
export interface XmlLimits {
  /** Deepest element nesting (an arXiv feed is 4 deep: rss, channel, item, field). */
  maxDepth: number;
  /** Elements in the whole body. */
  maxElements: number;
  /** Elements named `itemTag` (feed items or API entries). */
  maxItems: number;
  itemTag: string;
}

export const PARSE_TIME_LIMIT_MS = 15_000;
const WORKER_HEAP_MB = 512;

/** rss-parser's `customFields` option (plain data, so it can be handed to the worker). */
export type CustomFields = Record<string, readonly (string | readonly [string, string, Record<string, unknown>])[]>;

/** Why a body was not parsed: over a structure limit, over the time or memory limit, or not XML. */
export class XmlParseError extends Error {
  override name = "XmlParseError";
  constructor(
    readonly kind: "limit" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

type WorkerAnswer = { kind: "items"; items: unknown[] } | { kind: "ok"; output: object; items: boolean } | { kind: "limit" | "invalid"; reason: string };

/** Items per message from the worker: reading one batch back costs the main thread a few milliseconds at most. */
const ITEMS_PER_MESSAGE = 250;

// Plain CommonJS run as the worker's script: it cannot import our TypeScript (tests run the sources), so it is
// self-contained and requires rss-parser by the absolute path resolved here.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const Parser = require(workerData.parserPath);
const parser = new Parser({ customFields: workerData.customFields });

function skipTo(xml, from, end) {
  const at = xml.indexOf(end, from);
  return at < 0 ? xml.length : at + end.length;
}

/** Depth, element and item counts by a linear scan; the first limit passed, or null. */
function structureProblem(xml, limits) {
  let depth = 0, elements = 0, items = 0, at = 0;
  const itemOpen = "<" + limits.itemTag;
  for (;;) {
    const open = xml.indexOf("<", at);
    if (open < 0) return null;
    const next = xml[open + 1];
    if (next === "!") {
      at = xml.startsWith("<![CDATA[", open) ? skipTo(xml, open, "]]>") : xml.startsWith("<!--", open) ? skipTo(xml, open, "-->") : skipTo(xml, open, ">");
      continue;
    }
    if (next === "?") { at = skipTo(xml, open, "?>"); continue; }
    const close = xml.indexOf(">", open);
    at = close < 0 ? xml.length : close + 1;
    if (next === "/") { depth -= 1; continue; }
    elements += 1;
    if (elements > limits.maxElements) return "more than " + limits.maxElements + " XML elements";
    if (xml.startsWith(itemOpen, open) && /[\s/>]/.test(xml[open + itemOpen.length] || "")) {
      items += 1;
      if (items > limits.maxItems) return "too many items (more than " + limits.maxItems + ")";
    }
    if (close > 0 && xml[close - 1] === "/") continue;
    depth += 1;
    if (depth > limits.maxDepth) return "XML nested more than " + limits.maxDepth + " levels deep";
  }
}

parentPort.once("message", ({ bytes, limits }) => {
  const xml = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const problem = structureProblem(xml, limits);
  if (problem !== null) { parentPort.postMessage({ kind: "limit", reason: problem }); return; }
  parser.parseString(xml).then(
    (output) => {
      // In batches: each message is read back on the main thread as a task of its own, with turns of the loop between.
      const { items, ...rest } = output;
      const all = Array.isArray(items) ? items : [];
      for (let at = 0; at < all.length; at += workerData.batch) parentPort.postMessage({ kind: "items", items: all.slice(at, at + workerData.batch) });
      parentPort.postMessage({ kind: "ok", output: rest, items: Array.isArray(items) });
    },
    (error) => parentPort.postMessage({ kind: "invalid", reason: String((error && error.message) || error).split("\n")[0] }),
  );
});
`;

const parserPath = createRequire(import.meta.url).resolve("rss-parser");

export interface OffThreadOptions {
  limits: XmlLimits;
  timeLimitMs?: number;
  /** Aborting (the poller stopping on SIGTERM) terminates the worker at once. */
  signal?: AbortSignal;
}

/**
 * rss-parser's output for `xml`, parsed in a worker thread. Rejects with XmlParseError ("limit" for a structure, time
 * or memory limit, "invalid" for XML it cannot read), or with the signal's reason when aborted.
 */
export function parseXmlOffThread(xml: string, customFields: CustomFields, options: OffThreadOptions): Promise<unknown> {
  const timeLimitMs = options.timeLimitMs ?? PARSE_TIME_LIMIT_MS;
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { parserPath, customFields, batch: ITEMS_PER_MESSAGE },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      settle();
    };
    const onAbort = () => finish(() => reject(signal?.reason));
    const timer = setTimeout(() => finish(() => reject(new XmlParseError("limit", `took longer than ${timeLimitMs >= 1000 ? `${Math.round(timeLimitMs / 1000)} s` : `${timeLimitMs} ms`} to parse`))), timeLimitMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    const items: unknown[] = [];
    worker.on("message", (answer: WorkerAnswer) => {
      if (answer.kind === "items") {
        for (const item of answer.items) items.push(item);
        return;
      }
      finish(() => (answer.kind === "ok" ? resolve(answer.items ? { ...answer.output, items } : answer.output) : reject(new XmlParseError(answer.kind, answer.reason))));
    });
    worker.once("error", (error: Error & { code?: string }) => {
      const outOfMemory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      finish(() => reject(outOfMemory ? new XmlParseError("limit", `needed more than ${WORKER_HEAP_MB} MB to parse`) : error));
    });
    worker.once("exit", (code) => finish(() => reject(new Error(`the XML parser thread exited (code ${code})`))));
    // As UTF-8 bytes whose memory moves to the worker: cloning a 10 MB string would hold this thread for a while.
    const encoded = Buffer.from(xml, "utf8");
    const bytes = encoded.byteOffset === 0 && encoded.buffer.byteLength === encoded.byteLength ? encoded : Uint8Array.prototype.slice.call(encoded);
    worker.postMessage({ bytes, limits: options.limits }, [bytes.buffer]);
  });
}
