import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { z } from "zod";
import { LOG_LEVELS } from "./logger.js";
import { bundledCatalogPath } from "./paths.js";

const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "expected true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const snowflake = z.string().regex(/^\d{17,20}$/, "expected a Discord snowflake id (17-20 digits)");

export const configSchema = z.object({
  DISCORD_TOKEN: optionalString.pipe(
    z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, "expected a bot token (three dot-separated parts)").optional(),
  ),
  DISCORD_API_URL: z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).default("https://discord.com/api"),
  DISCORD_APPLICATION_ID: optionalString.pipe(snowflake.optional()),
  DISCORD_DEV_GUILD_ID: optionalString.pipe(snowflake.optional()),
  BUTTON_TTL_MINUTES: z.coerce.number({ message: "expected a number of minutes" }).positive().max(14, "interaction tokens last 15 minutes").default(10),
  DATABASE_PATH: z.string().trim().min(1).default("data/paperbot.db"),
  CATALOG_PATH: optionalString,
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  HTTP_PORT: z.coerce.number({ message: "expected a port number" }).int().min(0).max(65535).default(8080),
  HTTP_HOST: z.string().trim().min(1).default("0.0.0.0"),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).optional()),
  BUNDLE_SECRET: optionalString.pipe(z.string().min(32, "expected at least 32 characters").optional()),
  BUNDLE_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).optional()),
  BUNDLE_REQUIRES_FOLLOW: booleanFromEnv.default(true),
  BUNDLE_LINK_TTL_HOURS: z.coerce.number({ message: "expected a number of hours" }).positive().max(24 * 30).default(24),
  BUNDLE_DIR: z.string().trim().min(1).default("data/bundle"),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  discord: { token: string | undefined; apiUrl: string; applicationId: string | undefined; devGuildId: string | undefined; buttonTtlMs: number };
  databasePath: string;
  catalogPath: string;
  logLevel: RawConfig["LOG_LEVEL"];
  http: { port: number; host: string; publicUrl: string | undefined };
  bundle: { secret: string | undefined; externalUrl: string | undefined; requiresFollow: boolean; linkTtlHours: number; dir: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export type Environment = Record<string, string | undefined>;

/** Validates the whole environment at once so every problem is reported together. */
export function parseConfig(env: Environment): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.map(String).join(".") || "environment";
      const value = env[name];
      const shown = value === undefined ? "unset" : name.includes("TOKEN") || name.includes("SECRET") ? "set" : JSON.stringify(value);
      return `${name} (${shown}): ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const raw = result.data;
  return {
    discord: {
      token: raw.DISCORD_TOKEN,
      apiUrl: raw.DISCORD_API_URL.replace(/\/+$/, ""),
      applicationId: raw.DISCORD_APPLICATION_ID,
      devGuildId: raw.DISCORD_DEV_GUILD_ID,
      buttonTtlMs: Math.round(raw.BUTTON_TTL_MINUTES * 60_000),
    },
    databasePath: raw.DATABASE_PATH,
    catalogPath: raw.CATALOG_PATH ?? bundledCatalogPath(),
    logLevel: raw.LOG_LEVEL,
    http: { port: raw.HTTP_PORT, host: raw.HTTP_HOST, publicUrl: raw.PUBLIC_URL?.replace(/\/+$/, "") },
    bundle: {
      secret: raw.BUNDLE_SECRET,
      externalUrl: raw.BUNDLE_URL,
      requiresFollow: raw.BUNDLE_REQUIRES_FOLLOW,
      linkTtlHours: raw.BUNDLE_LINK_TTL_HOURS,
      dir: raw.BUNDLE_DIR,
    },
  };
}

/** The process environment with an optional .env file underneath it (real variables win). */
export function readEnvironment(envFile = ".env"): Environment {
  let fromFile: Environment = {};
  try {
    fromFile = parseEnv(readFileSync(envFile, "utf8"));
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
  return { ...fromFile, ...process.env };
}
