import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { openApp, type OpenedApp } from "../../src/app.js";
import { ConfigError, parseConfig, type Environment } from "../../src/config.js";
import { packageRoot } from "../../src/paths.js";
import { createModeration } from "../../src/moderation/index.js";
import { createMemoryLogger, type Clock } from "../../src/logger.js";
import type { BundleLinks } from "../../src/bundle/links.js";
import { followStore } from "../../src/db/follows.js";
import type { MessageBody } from "../../src/discord/command.js";
import { createBotContext, type BotContext } from "../../src/discord/context.js";
import { createDigestService } from "../../src/digest/service.js";

export const repoRoot = packageRoot(import.meta.dirname);
export const catalogPath = join(repoRoot, "data", "catalog.json");
export const sharedDir = resolve(repoRoot, "..", "shared");
export const sharedAvailable = existsSync(join(sharedDir, "seed", "reading-list-ja.txt"));

export { tempDir } from "./temp.js";

export function fixedClock(start = new Date("2026-11-26T12:00:00Z")): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

/** Every problem the config module reports for `env` (none: []); any other error is thrown. */
export function configProblems(env: Environment): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

export function testEnv(overrides: Environment = {}): Environment {
  // arXiv is never reached from tests: a closed loopback port unless a test serves its own feeds.
  return {
    DATABASE_PATH: ":memory:",
    CATALOG_PATH: catalogPath,
    LOG_LEVEL: "silent",
    ARXIV_RSS_URL: "http://127.0.0.1:9/rss",
    ARXIV_API_URL: "http://127.0.0.1:9/api/query",
    ...overrides,
  };
}

export function createTestApp(
  overrides: Environment = {},
  clock: Clock = fixedClock(),
): OpenedApp & { logs: ReturnType<typeof createMemoryLogger> } {
  const logs = createMemoryLogger();
  const app = openApp(parseConfig(testEnv(overrides)), logs, clock);
  return Object.assign(app, { logs });
}

/** What handlers get, built from a test app the way startServices builds it; DMs are recorded, the bundle is absent unless given. */
export function createTestContext(
  app: OpenedApp,
  services: { bundle?: BundleLinks } = {},
): { ctx: BotContext; sentDms: { userId: string; body: MessageBody }[] } {
  const sentDms: { userId: string; body: MessageBody }[] = [];
  const ctx = createBotContext(app, {
    follows: followStore(app.db),
    bundle: services.bundle ?? { link: () => null },
    dm: {
      send: async (userId, body) => {
        sentDms.push({ userId, body });
        return "sent";
      },
    },
    moderation: createModeration(app),
    digest: createDigestService(app),
  });
  return { ctx, sentDms };
}
