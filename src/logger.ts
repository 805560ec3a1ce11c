export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, ...(value.cause ? { cause: serialise(value.cause) } : {}) };
  }
  return value;
}

/** One JSON object per line on stderr, so stdout stays free for CLI output and the console front end. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  bound: LogFields = {},
): Logger {
  const emit = (at: Exclude<LogLevel, "silent">, message: string, fields?: LogFields): void => {
    if (rank[at] < rank[level]) return;
    const record: LogFields = { time: new Date().toISOString(), level: at, msg: message, ...bound };
    for (const [key, value] of Object.entries(fields ?? {})) record[key] = serialise(value);
    write(JSON.stringify(record));
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (fields) => createLogger(level, write, { ...bound, ...fields }),
  };
}

/** A logger that keeps records in memory; tests read `records`. */
export function createMemoryLogger(): Logger & { records: LogFields[] } {
  const records: LogFields[] = [];
  const logger = createLogger("debug", (line) => records.push(JSON.parse(line) as LogFields));
  return Object.assign(logger, { records });
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
