import { CatalogFileError } from "./catalog/load.js";
import { ConfigError } from "./config.js";
import { DatabaseBusyError, DatabaseProblem } from "./db/errors.js";
import { HttpListenError } from "./http/listen-error.js";
import { OutputFileError } from "./out-file.js";

/** Exit codes of `paperbot` (CLI) and `npm start` (bot); documented in README. */
export const EXIT = {
  ok: 0,
  /** Nothing matched, `db check` found a problem, a bad catalog file, or an unexpected error (with its stack). */
  failed: 1,
  /** Bad arguments or configuration, including a token Discord rejects and an unreadable .env. */
  config: 2,
  /** The database cannot be used: unreadable, read-only for the bot, damaged, locked, or its folder is a file. */
  database: 3,
  /** Discord refused a request or could not be reached. */
  discord: 4,
  /** The HTTP server could not listen: the port is taken or not allowed, or the host is unknown. */
  http: 5,
} as const;

export interface ExplainedFailure {
  exitCode: number;
  /** One or two lines, without the "paperbot: " prefix. */
  message: string;
}

const errorCode = (error: unknown): string => (error instanceof Error && "code" in error ? String(error.code) : "");

function discordFailure(error: unknown): ExplainedFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const status = "status" in error && typeof error.status === "number" ? error.status : undefined;
  if (errorCode(error) === "TokenInvalid" || status === 401) {
    return {
      exitCode: EXIT.config,
      message: "Discord rejected DISCORD_TOKEN (401); copy the bot token again from the Developer Portal (Bot tab)",
    };
  }
  if (error.name.startsWith("DiscordAPIError") || error.name === "HTTPError") {
    const method = "method" in error && typeof error.method === "string" ? `${error.method} ` : "";
    const url = "url" in error && typeof error.url === "string" ? ` (${method}${error.url.replace(/\?.*$/, "")})` : "";
    return { exitCode: EXIT.discord, message: `Discord refused the request${status ? ` with ${status}` : ""}: ${error.message}${url}` };
  }
  return undefined;
}

function listenFailure(error: unknown): ExplainedFailure | undefined {
  if (!(error instanceof HttpListenError)) return undefined;
  const cause = error.cause;
  const code = errorCode(cause);
  const address = cause instanceof Error && "address" in cause ? String(cause.address) : error.host;
  const port = cause instanceof Error && "port" in cause ? String(cause.port) : String(error.port);
  if (code === "EADDRINUSE") {
    return {
      exitCode: EXIT.http,
      message: `HTTP_PORT ${port} on ${address} is already in use by another program\n  stop that program, or set HTTP_PORT to a free port (0 picks one)`,
    };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      exitCode: EXIT.http,
      message: `not allowed to listen on ${address}:${port}\n  ports below 1024 need privileges; set HTTP_PORT to 1024 or above`,
    };
  }
  if (code === "EADDRNOTAVAIL") {
    return {
      exitCode: EXIT.http,
      message: `HTTP_HOST ${address} is not an address of this machine\n  use 0.0.0.0 (every interface), 127.0.0.1, or one of this machine's addresses`,
    };
  }
  if (cause instanceof Error && "syscall" in cause && cause.syscall === "getaddrinfo") {
    return {
      exitCode: EXIT.http,
      message: `HTTP_HOST ${error.host} could not be resolved (${code})\n  use 0.0.0.0, 127.0.0.1 or a host name this machine knows`,
    };
  }
  return { exitCode: EXIT.http, message: `${error.message} (${code || (cause instanceof Error ? cause.message : String(cause))})` };
}

function networkFailure(error: unknown): ExplainedFailure | undefined {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = errorCode(cause);
  if (
    ["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"].includes(code) ||
    (error instanceof Error && error.name === "AbortError")
  ) {
    return { exitCode: EXIT.discord, message: `could not reach Discord (${code || "timed out"}); check the network and DISCORD_API_URL` };
  }
  return undefined;
}

/** A clear message and exit code for the failures users can act on; undefined for bugs (print the stack). */
export function explainFailure(error: unknown, databasePath?: string): ExplainedFailure | undefined {
  if (error instanceof ConfigError) return { exitCode: EXIT.config, message: error.message };
  if (error instanceof CatalogFileError) return { exitCode: EXIT.failed, message: error.message };
  if (error instanceof OutputFileError) return { exitCode: EXIT.failed, message: error.message };
  if (error instanceof DatabaseProblem) return { exitCode: EXIT.database, message: error.message };
  if (error instanceof DatabaseBusyError) {
    return { exitCode: EXIT.database, message: `${error.message}\n  try again in a moment, or stop the process holding the lock` };
  }
  if (databasePath !== undefined) {
    const problem = DatabaseProblem.from(error, databasePath);
    if (problem instanceof DatabaseProblem) return { exitCode: EXIT.database, message: problem.message };
  }
  return discordFailure(error) ?? listenFailure(error) ?? networkFailure(error);
}
