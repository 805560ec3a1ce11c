import { pathToFileURL } from "node:url";
import { parseConfig, readEnvironment, type Config } from "./config.js";
import { urlHost } from "./http/server.js";

export const HEALTHCHECK_TIMEOUT_MS = 4_000;

/** Where the running bot answers /healthz, as seen from inside its own container. */
export function healthzUrl(config: Pick<Config, "http">): string {
  return `http://${urlHost(config.http.host)}:${config.http.port}/healthz`;
}

/** 0 when /healthz answers 200 (the bot is up; a Discord reconnect is "degraded" but still healthy), else 1. */
export async function checkHealth(url: string, timeoutMs = HEALTHCHECK_TIMEOUT_MS): Promise<{ code: number; detail: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.text()).slice(0, 500);
    return { code: response.status === 200 ? 0 : 1, detail: `${response.status} ${body}` };
  } catch (error) {
    return { code: 1, detail: error instanceof Error ? error.message : String(error) };
  }
}

// The Docker HEALTHCHECK: `node dist/src/healthcheck.js` (the slim image has no curl).
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  let url: string;
  try {
    url = healthzUrl(parseConfig(readEnvironment()));
  } catch (error) {
    process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const { code, detail } = await checkHealth(url);
  process.stdout.write(`healthcheck: ${url} ${detail}\n`);
  process.exitCode = code;
}
