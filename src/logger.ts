import { createRequire } from "node:module";
import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import type { PrettyOptions } from "pino-pretty";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  /** Whether records at `level` are written now; lets a hot path skip building a record nobody will see. */
  isLevelEnabled(level: Exclude<LogLevel, "silent">): boolean;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface LoggerOptions {
  /** Where the `time` of each record comes from; default the system clock. */
  clock?: Clock;
  /** Human-readable lines (pino-pretty) on stderr instead of JSON; default: when stderr is a terminal. Ignored with `write`. */
  pretty?: boolean;
  /** Values (the Discord token, the bundle secret…) replaced wherever they appear in a record. */
  secrets?: ReadonlyArray<string | undefined>;
}

export const REDACTED = "[redacted]";

/** Keys whose values are never logged, at any depth: tokens, secrets, credentials, signatures, auth headers. */
const SECRET_KEY = /token|secret|passw(or)?d|authorization|cookie|api[-_]?key|credential|^sig$|signature$/i;
/** Things that look like secrets inside strings: `sig=` query parameters, auth schemes, Discord bot tokens. */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/([?&;]sig=)[^&#\s"'<>]*/gi, `$1${REDACTED}`],
  [/\b(Bot|Bearer|Basic)\s+[\w.~+/=-]{8,}/g, `$1 ${REDACTED}`],
  [/\b[\w-]{20,}\.[\w-]{6,}\.[\w-]{20,}\b/g, REDACTED],
  [/(\/\/)[^/@\s:]+:[^/@\s]*@/g, `$1${REDACTED}@`],
];
/** Work bounds per record, so a huge or cyclic value cannot stall the process. */
const MAX_DEPTH = 8;
const MAX_NODES = 2_000;
const MAX_ENTRIES = 100;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Copies a record into plain JSON-able data with every secret replaced (errors become {name, message, stack…}). */
function createScrubber(secrets: ReadonlyArray<string | undefined>): (value: unknown) => unknown {
  const known = secrets.filter((secret): secret is string => typeof secret === "string" && secret.trim().length >= 8);
  const literal = known.length > 0 ? new RegExp(known.map(escapeRegExp).join("|"), "g") : null;

  const scrubString = (text: string): string => {
    let out = literal ? text.replace(literal, REDACTED) : text;
    for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };

  return (root: unknown): unknown => {
    let nodes = 0;
    const seen = new WeakSet<object>();
    const walk = (value: unknown, depth: number): unknown => {
      if (typeof value === "string") return scrubString(value);
      if (typeof value === "bigint") return value.toString();
      if (typeof value !== "object" || value === null)
        return typeof value === "function" || typeof value === "symbol" ? String(value) : value;
      if (++nodes > MAX_NODES || depth > MAX_DEPTH) return "[truncated]";
      if (seen.has(value)) return "[circular]";
      seen.add(value);
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
      if (value instanceof URL) return scrubString(value.href);
      if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
      if (value instanceof Error) {
        const out: LogFields = {
          name: value.name,
          message: scrubString(value.message),
          stack: value.stack === undefined ? undefined : scrubString(value.stack),
        };
        for (const [key, inner] of Object.entries(value).slice(0, MAX_ENTRIES))
          out[key] = SECRET_KEY.test(key) ? REDACTED : walk(inner, depth + 1);
        if (value.cause !== undefined) out["cause"] = walk(value.cause, depth + 1);
        return out;
      }
      if (Array.isArray(value)) return value.slice(0, MAX_ENTRIES).map((item: unknown) => walk(item, depth + 1));
      const entries =
        value instanceof Map
          ? [...value.entries()].map(([key, inner]: [unknown, unknown]) => [String(key), inner] as const)
          : Object.entries(value);
      const out: LogFields = {};
      for (const [key, inner] of entries.slice(0, MAX_ENTRIES)) out[key] = SECRET_KEY.test(key) ? REDACTED : walk(inner, depth + 1);
      return out;
    };
    return walk(root, 0);
  };
}

function wrap(base: PinoLogger, scrub: (value: unknown) => unknown): Logger {
  const emit = (at: Exclude<LogLevel, "silent">, message: string, fields?: LogFields): void => {
    // Checked first, so disabled levels (debug per request on the download path) cost nothing.
    if (!base.isLevelEnabled(at)) return;
    base[at](fields ? (scrub(fields) as LogFields) : {}, scrub(message) as string);
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (fields) => wrap(base.child(scrub(fields) as LogFields), scrub),
    isLevelEnabled: (level) => base.isLevelEnabled(level),
  };
}

type PrettyStream = (options: PrettyOptions) => DestinationStream;
const requireOptional = createRequire(import.meta.url);

/**
 * pino-pretty, loaded only when a terminal will read the log. It is a development dependency: a production install
 * (the Docker image) does not have it and logs JSON, which is what a log collector wants anyway.
 */
function loadPretty(): PrettyStream | null {
  try {
    return requireOptional("pino-pretty") as PrettyStream;
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "MODULE_NOT_FOUND") return null;
    throw error;
  }
}

/**
 * pino behind our {@link Logger}: one JSON object per line (`"level":"info"` as a word, `time` from the clock) on
 * stderr, so stdout stays free for CLI output and the console front end; pino-pretty when stderr is a terminal and
 * pino-pretty is installed.
 * Writes are synchronous, so nothing is lost when the process exits. `write` receives whole lines ending in "\n".
 */
export function createLogger(level: LogLevel, write?: (text: string) => void, options: LoggerOptions = {}): Logger {
  const clock = options.clock ?? systemClock;
  let destination: DestinationStream | undefined;
  if (write) destination = { write };
  else if (options.pretty ?? process.stderr.isTTY === true) destination = loadPretty()?.({ destination: 2, sync: true, colorize: true });
  destination ??= pino.destination({ fd: 2, sync: true });
  const base = pino(
    {
      level,
      base: null,
      messageKey: "msg",
      timestamp: () => `,"time":"${clock.now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return wrap(base, createScrubber(options.secrets ?? []));
}

/** A logger that keeps records in memory (parsed back from the JSON lines pino writes); tests read `records`. */
export function createMemoryLogger(options: LoggerOptions = {}): Logger & { records: LogFields[]; lines: string[] } {
  const records: LogFields[] = [];
  const lines: string[] = [];
  const logger = createLogger(
    "debug",
    (text) => {
      for (const line of text.split("\n")) {
        if (line === "") continue;
        lines.push(line);
        records.push(JSON.parse(line) as LogFields);
      }
    },
    options,
  );
  return Object.assign(logger, { records, lines });
}
