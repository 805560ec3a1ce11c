import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { XML_WORKER_SOURCE } from "./xml-worker-script.js";

/**
 * rss-parser (xml2js) parses synchronously: a hostile body of nested or very many elements would hold the event loop
 * for seconds. Bodies are parsed in a worker thread with a time and memory limit, after a cheap scan of their
 * structure (depth, element and item counts) that refuses what no arXiv feed or API answer looks like.
 *
 * Threads are long-lived and reused: starting one and loading rss-parser into it costs about as much CPU as parsing a
 * 2,000-item feed, and a fresh thread parses at half speed until its code is compiled. A thread is started when a parse
 * needs one, runs one parse at a time, and ends after a while idle, on a time-limit, memory or abort kill (the next
 * parse starts a new one), and on stop().
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

/** Why a body over one of its limits is refused (the same words wherever the limit is checked). */
export function limitReasons(limits: XmlLimits): { elements: string; items: string; depth: string } {
  return {
    elements: `more than ${limits.maxElements} XML elements`,
    items: `too many items (more than ${limits.maxItems})`,
    depth: `XML nested more than ${limits.maxDepth} levels deep`,
  };
}

export const PARSE_TIME_LIMIT_MS = 15_000;

/** Why a parse over its time limit was ended. */
export function tookTooLong(limitMs: number): XmlParseError {
  return new XmlParseError("limit", `took longer than ${limitMs >= 1000 ? `${Math.round(limitMs / 1000)} s` : `${limitMs} ms`} to parse`);
}
const WORKER_HEAP_MB = 512;
/** A thread left idle this long ends (a poll parses its feeds one after another, well within it). */
export const XML_THREAD_IDLE_MS = 30_000;
/** Parses running at once; more wait their turn. Two: a slow feed does not hold up an API lookup behind it. */
const MAX_THREADS = 2;
/** Items per message from the worker: reading one batch back costs the main thread a few milliseconds at most. */
const ITEMS_PER_MESSAGE = 1000;

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

type WorkerAnswer =
  | { id: number; kind: "items"; items: unknown[] }
  | { id: number; kind: "ok"; output: object; items: boolean }
  | { id: number; kind: "limit" | "invalid"; reason: string };

export interface OffThreadOptions {
  limits: XmlLimits;
  timeLimitMs?: number;
  /** Aborting (the poller stopping on SIGTERM) ends the parse at once: its thread is terminated. */
  signal?: AbortSignal;
  /** Item fields to hand back (all when left out): only these are copied across threads. */
  pick?: readonly string[];
}

interface Job {
  readonly request: {
    xml: string;
    limits: XmlLimits;
    reasons: ReturnType<typeof limitReasons>;
    customFields: CustomFields;
    pick: readonly string[] | null;
    batch: number;
  };
  readonly timeLimitMs: number;
  readonly signal: AbortSignal | undefined;
  thread: ParserThread | null;
  settled: boolean;
  readonly resolve: (output: unknown) => void;
  readonly reject: (reason: unknown) => void;
  readonly onAbort: () => void;
}

function settle(job: Job, outcome: () => void): void {
  if (job.settled) return;
  job.settled = true;
  job.signal?.removeEventListener("abort", job.onAbort);
  outcome();
}

const parserPath = createRequire(import.meta.url).resolve("rss-parser");

/** One worker thread, one parse at a time. */
class ParserThread {
  private readonly worker: Worker;
  private job: Job | null = null;
  private jobId = 0;
  private items: unknown[] = [];
  private limitTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly idleMs: number,
    private readonly events: { free(thread: ParserThread): void; ended(thread: ParserThread): void },
  ) {
    this.worker = new Worker(XML_WORKER_SOURCE, {
      eval: true,
      workerData: { parserPath },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    this.worker.unref();
    this.worker.on("message", (answer: WorkerAnswer) => this.answer(answer));
    this.worker.on("error", (error: Error & { code?: string }) => {
      const outOfMemory = error.code === "ERR_WORKER_OUT_OF_MEMORY";
      void this.end(outOfMemory ? new XmlParseError("limit", `needed more than ${WORKER_HEAP_MB} MB to parse`) : error);
    });
    this.worker.on("exit", (code) => void this.end(new Error(`the XML parser thread exited (code ${code})`)));
  }

  get idle(): boolean {
    return !this.ended && this.job === null;
  }

  run(job: Job): void {
    clearTimeout(this.idleTimer);
    this.job = job;
    job.thread = this;
    this.jobId += 1;
    this.items = [];
    // Busy, the thread keeps the process alive like any pending I/O; idle, it does not.
    this.worker.ref();
    const limit = job.timeLimitMs;
    this.limitTimer = setTimeout(() => void this.end(tookTooLong(limit)), limit);
    this.worker.postMessage({ id: this.jobId, ...job.request });
  }

  /** Terminates the thread; its parse, if any, fails with `reason`. */
  end(reason: unknown): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    clearTimeout(this.limitTimer);
    clearTimeout(this.idleTimer);
    const job = this.job;
    this.job = null;
    this.items = [];
    this.events.ended(this);
    if (job) settle(job, () => job.reject(reason));
    return this.worker.terminate().then(() => undefined);
  }

  private answer(answer: WorkerAnswer): void {
    const job = this.job;
    if (job === null || answer.id !== this.jobId) return;
    if (answer.kind === "items") {
      for (const item of answer.items) this.items.push(item);
      return;
    }
    const items = this.items;
    clearTimeout(this.limitTimer);
    this.job = null;
    this.items = [];
    this.worker.unref();
    this.idleTimer = setTimeout(() => void this.end(new Error("idle")), this.idleMs);
    this.idleTimer.unref();
    settle(job, () =>
      answer.kind === "ok"
        ? job.resolve(answer.items ? { ...answer.output, items } : answer.output)
        : job.reject(new XmlParseError(answer.kind, answer.reason)),
    );
    this.events.free(this);
  }
}

/** Worker threads that parse XML, started on demand and reused (see the top of this file). */
export class XmlParserPool {
  private readonly threads = new Set<ParserThread>();
  private readonly queue: Job[] = [];
  private started = 0;

  constructor(private readonly options: { maxThreads: number; idleMs: number } = { maxThreads: MAX_THREADS, idleMs: XML_THREAD_IDLE_MS }) {}

  /** Threads running now (busy or idle). */
  get threadCount(): number {
    return this.threads.size;
  }

  /** Threads started since this pool was made. */
  get threadsStarted(): number {
    return this.started;
  }

  /**
   * rss-parser's output for `xml`. Rejects with XmlParseError ("limit" for a structure, time or memory limit,
   * "invalid" for XML it cannot read), or with the signal's reason when aborted.
   */
  parse(xml: string, customFields: CustomFields, options: OffThreadOptions): Promise<unknown> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const job: Job = {
        request: {
          xml,
          limits: options.limits,
          reasons: limitReasons(options.limits),
          customFields,
          pick: options.pick ?? null,
          batch: ITEMS_PER_MESSAGE,
        },
        timeLimitMs: options.timeLimitMs ?? PARSE_TIME_LIMIT_MS,
        signal,
        thread: null,
        settled: false,
        resolve,
        reject,
        onAbort: () => {
          if (job.thread) void job.thread.end(signal?.reason);
          else {
            const at = this.queue.indexOf(job);
            if (at >= 0) this.queue.splice(at, 1);
            settle(job, () => reject(signal?.reason));
          }
        },
      };
      signal?.addEventListener("abort", job.onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Ends every thread and fails every parse, running or waiting (SIGTERM). The pool can be used again afterwards. */
  async stop(): Promise<void> {
    const reason = new Error("the XML parser was stopped");
    for (const job of this.queue.splice(0)) settle(job, () => job.reject(reason));
    await Promise.all([...this.threads].map((thread) => thread.end(reason)));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let thread = [...this.threads].find((candidate) => candidate.idle);
      if (thread === undefined) {
        if (this.threads.size >= this.options.maxThreads) return;
        thread = new ParserThread(this.options.idleMs, {
          free: () => this.dispatch(),
          ended: (ended) => {
            this.threads.delete(ended);
            this.dispatch();
          },
        });
        this.threads.add(thread);
        this.started += 1;
      }
      const job = this.queue.shift();
      if (job) thread.run(job);
    }
  }
}

/** The process's XML parser threads; services stop them on SIGTERM. */
export const xmlParsers = new XmlParserPool();

/** rss-parser's output for `xml`, parsed in one of the process's parser threads (see XmlParserPool.parse). */
export function parseXmlOffThread(xml: string, customFields: CustomFields, options: OffThreadOptions): Promise<unknown> {
  return xmlParsers.parse(xml, customFields, options);
}
