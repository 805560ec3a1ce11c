import { constants as osConstants } from "node:os";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { openApp, type OpenedApp } from "../app.js";
import { parseConfig, type Config, type Environment } from "../config.js";
import { releaseAllHeldArxivLeases } from "../db/arxiv-gate.js";
import { DatabaseProblem } from "../db/errors.js";
import type { Locale } from "../i18n/locale.js";
import { createLogger, systemClock } from "../logger.js";

/** The CLI's leaf kit: what every verb group uses (argument parsing, usage errors, opening the app, signals). */

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => AsyncIterable<string>;
  env: Environment;
}

export class UsageError extends Error {}
/** A refused value (control characters, an unknown topic): exit 2 like a usage error, but one line, no usage text. */
export class InputError extends UsageError {}

export type Handler = (args: string[], io: CliIo) => Promise<number>;

export function parse<T extends ParseArgsConfig["options"]>(args: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * A whole-number flag such as --limit: plain decimal digits only, as the settings are read (`05` is 5), so `1e2`,
 * `0x5`, ` 3` and `3.5`, which Number() would take, are refused.
 */
export function wholeNumberOption(flag: string, value: string, min: number, max: number): number {
  const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max))
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max} (digits only), not ${JSON.stringify(value)}`);
  return number;
}

export function parseLocale(value: string | undefined): Locale {
  if (value === undefined || value === "en" || value === "ja") return value ?? "en";
  throw new UsageError(`--locale must be en or ja, not "${value}"`);
}

export function loadConfig(io: CliIo): Config {
  // The CLI's own diagnostics go to stderr only when asked for; keep stdout clean for --json.
  return parseConfig({ LOG_LEVEL: "warn", ...io.env });
}

/** What withApp has open, for a signal to close. */
const openApps = new Set<OpenedApp>();

/**
 * Every verb but the bot itself only reads the database: it is opened read-only and never migrated in place.
 * The arXiv watch verbs (poll, candidates) and the moderation verbs (paper-add) write, so they ask for `write`.
 */
export async function withApp<T>(io: CliIo, run: (app: OpenedApp) => Promise<T>, options: { write?: boolean } = {}): Promise<T> {
  const config = loadConfig(io);
  const app = openApp(config, createLogger(config.logLevel, io.stderr), systemClock, { readOnly: !options.write });
  openApps.add(app);
  try {
    return await run(app);
  } catch (error) {
    throw DatabaseProblem.from(error, config.databasePath);
  } finally {
    openApps.delete(app);
    app.close();
  }
}

/**
 * SIGTERM/SIGINT end a verb at once with the shell's code for the signal (143, 130), as they would by default, but
 * first close the database, which gives back an arXiv lease a request in flight holds: otherwise every other
 * process waits for it to expire. A verb that stops gracefully by itself (digest run) listens too and is left to do so.
 */
function exitOnSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  for (const app of openApps) app.close();
  releaseAllHeldArxivLeases(Date.now());
  process.exit(128 + (osConstants.signals[signal] ?? 0));
}

/** Installs the signal handlers for the length of one CLI run; the returned function removes them. */
export function handleSignals(): () => void {
  process.on("SIGTERM", exitOnSignal);
  process.on("SIGINT", exitOnSignal);
  return () => {
    process.off("SIGTERM", exitOnSignal);
    process.off("SIGINT", exitOnSignal);
  };
}

/** A graceful stop for a verb that finishes its own work on SIGTERM/SIGINT (digest run); the returned function stops listening. */
export function abortOnSignal(stop: AbortController): () => void {
  const onSignal = () => stop.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
}
