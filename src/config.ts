import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { parseEnv } from "node:util";
import { validate as isValidCron } from "node-cron";
import { z } from "zod";
import { LOG_LEVELS } from "./logger.js";
import { resolveTimeZone } from "./digest/week.js";

const timeZoneOrUtc = (zone: string) => {
  const resolved = resolveTimeZone(zone);
  return resolved.ok ? resolved.timeZone : "UTC";
};
import { bundledCatalogPath } from "./paths.js";

const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "expected true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/** Digits only: no "", no 0x50, no 1e3, no 8080.5 (Number() and z.coerce would take them all). */
function wholeNumber(what: string, min: number, max: number, hint = "") {
  const range = `${what} from ${min} to ${max} (digits only)${hint}`;
  return z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, `expected ${range}`)
    .transform(Number)
    .pipe(z.number().min(min, `expected ${range}`).max(max, `expected ${range}`));
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const host = z
  .string()
  .trim()
  .refine(
    (value) => isIP(value.replace(/^\[(.*)\]$/, "$1")) !== 0 || HOST_NAME.test(value),
    "expected an IP address (0.0.0.0, 127.0.0.1, ::) or a host name",
  )
  .transform((value) => value.replace(/^\[(.*)\]$/, "$1"));

/** A link handed to users: http(s), and never with a user name or password in it. */
const publicLink = z
  .url({ protocol: /^https?$/, message: "expected an http(s) URL" })
  .refine(
    (value) => URL.canParse(value) && new URL(value).username === "" && new URL(value).password === "",
    "must not contain a user name or password",
  );

/** Unset or empty means "generate one"; a value of blanks is a mistake, not a request to generate. */
const secret = z
  .string()
  .transform((value) => (value === "" ? undefined : value))
  .pipe(
    z
      .string()
      .refine((value) => value.trim() !== "", "is only blanks; remove it to have one generated and stored, or set at least 32 characters")
      .refine((value) => value.trim() === "" || value.trim() === value, "has leading or trailing blanks")
      .pipe(z.string().min(32, "expected at least 32 characters"))
      .optional(),
  )
  .optional();

const snowflake = z.string().regex(/^\d{17,20}$/, "expected a Discord snowflake id (17-20 digits)");

const ARXIV_FEED_ENTRY = /^[a-z-]+(?:\.[A-Za-z-]+)?(?:\+[a-z-]+(?:\.[A-Za-z-]+)?)*$/;
/** Chosen from the real feeds: see README "arXiv watch". */
export const DEFAULT_CANDIDATE_MIN_SCORE = 0.9;

/**
 * Entries naming the same feed as an earlier one (compared without case, `+` parts in any order), or repeating a
 * category within one entry: each would fetch the same papers again.
 */
function repeatedFeeds(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const parts = entry.toLowerCase().split("+");
    const key = [...new Set(parts)].sort().join("+");
    const repeated = seen.has(key) || new Set(parts).size < parts.length;
    seen.add(key);
    return repeated;
  });
}

const arxivSettings = {
  ARXIV_CATEGORIES: z
    .string()
    .default("cs.CL,cs.LG,cs.AI")
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
    )
    .superRefine((entries, ctx) => {
      const bad = entries.filter((entry) => !ARXIV_FEED_ENTRY.test(entry));
      if (bad.length > 0)
        ctx.addIssue({
          code: "custom",
          message: `not arXiv categories: ${bad.join(", ")} (expected e.g. cs.CL, or cs.CL+cs.LG for one feed)`,
        });
      if (entries.length === 0 || entries.length > 20) ctx.addIssue({ code: "custom", message: "expected 1 to 20 feeds" });
      const repeated = repeatedFeeds(entries);
      if (repeated.length > 0)
        ctx.addIssue({ code: "custom", message: `lists a feed more than once: ${repeated.join(", ")} (give each feed once)` });
    }),
  ARXIV_RSS_URL: z
    .url({ protocol: /^https?$/, message: "expected an http(s) URL" })
    .superRefine((value, ctx) => {
      for (const problem of feedBaseProblems(value)) ctx.addIssue({ code: "custom", message: problem });
    })
    .default("https://rss.arxiv.org/rss"),
  POLL_CRON: z
    .string()
    .trim()
    .default("15 5 * * 1-5")
    .refine((value) => value.split(/\s+/).length === 5 && isValidCron(value), "expected a 5-field cron expression (UTC)"),
  CANDIDATE_MIN_SCORE: z
    .string()
    .trim()
    .regex(/^(?:0(?:\.\d{1,6})?|1(?:\.0{1,6})?|\.\d{1,6})$/, "expected a decimal number from 0 to 1, such as 0.12")
    .transform(Number)
    .default(DEFAULT_CANDIDATE_MIN_SCORE),
  CANDIDATE_RETENTION_DAYS: wholeNumber("a whole number of days", 1, 3650).default(30),
  ARXIV_CONTACT: optionalString.pipe(
    z.union([z.email(), z.url({ protocol: /^https?$/ })], { message: "expected an e-mail address or an http(s) URL" }).optional(),
  ),
  /** arXiv asks for at least 3 s between requests; shorter spacing is only accepted for a loopback test server. */
  ARXIV_REQUEST_INTERVAL_MS: wholeNumber("milliseconds", 0, 3_600_000).default(3000),
};

/**
 * A feed's URL is `<ARXIV_RSS_URL>/<entry>`: a query or fragment would end up before the entry, and a user name or
 * password would be shown in poll output and stored with the feed.
 */
function feedBaseProblems(value: string): string[] {
  if (!URL.canParse(value)) return [];
  const url = new URL(value);
  const problems: string[] = [];
  if (value.includes("?")) problems.push("must not have a query (?…): each feed's URL is this URL, then /<category>");
  if (value.includes("#")) problems.push("must not have a fragment (#…): each feed's URL is this URL, then /<category>");
  if (url.username !== "" || url.password !== "")
    problems.push("must not contain a user name or password (it would be shown and stored with each feed)");
  return problems;
}

function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== "string" || !URL.canParse(url)) return false;
  return ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);
}

/**
 * Checked on the raw values even when other variables are invalid, so this problem is reported with the rest. Both
 * arXiv URLs must be loopback test servers for a shorter spacing: the feeds and /paper-add share it.
 */
function politeInterval(raw: unknown): boolean {
  const values = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return (
    Number(values["ARXIV_REQUEST_INTERVAL_MS"] ?? 3000) >= 3000 ||
    (isLoopbackUrl(values["ARXIV_RSS_URL"]) && isLoopbackUrl(values["ARXIV_API_URL"]))
  );
}

export const configSchema = z
  .object({
    DISCORD_TOKEN: optionalString.pipe(
      z
        .string()
        .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, "expected a bot token (three dot-separated parts)")
        .optional(),
    ),
    DISCORD_API_URL: z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).default("https://discord.com/api"),
    DISCORD_APPLICATION_ID: optionalString.pipe(snowflake.optional()),
    DISCORD_DEV_GUILD_ID: optionalString.pipe(snowflake.optional()),
    // Unset: as many shards as Discord recommends (GET /gateway/bot).
    SHARD_COUNT: optionalString.pipe(wholeNumber("a whole number of shards", 1, 100_000).optional()),
    SHARD_LIST: optionalString.pipe(
      z
        .string()
        .regex(/^\d{1,6}(?:\s*,\s*\d{1,6})*$/, "expected shard ids (0 to SHARD_COUNT - 1), separated by commas")
        .transform((list) => [...new Set(list.split(",").map((id) => Number(id.trim())))])
        .optional(),
    ),
    // Bot processes (clusters of shards): "auto" (unset) decides from the shard count; 1 runs everything in one process.
    CLUSTERS: optionalString.pipe(z.union([z.literal("auto"), wholeNumber("a whole number of clusters, or auto", 1, 1_000)]).optional()),
    SHARDS_PER_CLUSTER: optionalString.pipe(wholeNumber("a whole number of shards", 1, 1_000).optional()),
    BUTTON_TTL_MINUTES: wholeNumber("a whole number of minutes", 1, 14, "; interaction tokens last 15 minutes").default(10),
    DATABASE_PATH: z.string().trim().min(1).default("data/paperbot.db"),
    CATALOG_PATH: optionalString,
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(", ")}` }).default("info"),
    HTTP_PORT: wholeNumber("a port number", 0, 65535, "; 0 picks a free port").default(8080),
    HTTP_HOST: host.default("0.0.0.0"),
    PUBLIC_URL: optionalString.pipe(publicLink.optional()),
    BUNDLE_SECRET: secret,
    BUNDLE_URL: optionalString.pipe(publicLink.optional()),
    BUNDLE_REQUIRES_FOLLOW: booleanFromEnv.default(true),
    BUNDLE_LINK_TTL_HOURS: wholeNumber("a whole number of hours", 1, 24 * 30).default(24),
    BUNDLE_DIR: z.string().trim().min(1).default("data/bundle"),
    BUNDLE_REBUILD_DELAY_SECONDS: wholeNumber("a whole number of seconds", 0, 3600).default(15),
    ALERT_MAX_DELAY_HOURS: wholeNumber("a whole number of hours", 1, 24 * 30).default(24),
    ARXIV_API_URL: z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).default("https://export.arxiv.org/api/query"),
    MODERATOR_ROLE_ID: optionalString.pipe(
      z
        .string()
        .regex(/^\d{17,20}(?:\s*,\s*\d{17,20})*$/, "expected role ids (17-20 digits), separated by commas")
        .optional(),
    ),
    MODERATION_GUILD_IDS: optionalString.pipe(
      z
        .string()
        .regex(/^\d{17,20}(?:\s*,\s*\d{17,20})*$/, "expected server (guild) ids (17-20 digits), separated by commas")
        .optional(),
    ),
    ...arxivSettings,
    DIGEST_TZ: z
      .string()
      .trim()
      .superRefine((zone, check) => {
        const resolved = resolveTimeZone(zone);
        if (resolved.ok) return;
        const message =
          "abbreviation" in resolved
            ? `"${zone}" is an ambiguous abbreviation; use an IANA name such as ${resolved.suggestion}`
            : "expected an IANA timezone such as UTC or Asia/Tokyo";
        check.addIssue({ code: "custom", message });
      })
      .default("UTC"),
    DIGEST_CATCHUP_HOURS: wholeNumber("a whole number of hours", 0, 24 * 6).default(24),
  })
  .refine(politeInterval, {
    path: ["ARXIV_REQUEST_INTERVAL_MS"],
    message:
      "arXiv allows one request every 3 s (3000 ms or more; less only when ARXIV_RSS_URL and ARXIV_API_URL are both loopback test servers)",
    when: () => true,
  })
  .refine(shardListFits, {
    path: ["SHARD_LIST"],
    message: "needs SHARD_COUNT, and every id must be below it (shard ids run from 0 to SHARD_COUNT - 1)",
    when: () => true,
  });

function shardListFits(raw: unknown): boolean {
  const values = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const list = values["SHARD_LIST"];
  if (!Array.isArray(list)) return true;
  const count = values["SHARD_COUNT"];
  return typeof count === "number" && list.every((id) => typeof id === "number" && id < count);
}

export type RawConfig = z.infer<typeof configSchema>;

/** arXiv watch (issue 8): feeds, schedule, candidate threshold and retention, politeness. */
export interface ArxivConfig {
  feeds: { entry: string; url: string }[];
  pollCron: string;
  minScore: number;
  retentionDays: number;
  contact: string | undefined;
  requestIntervalMs: number;
}

function arxivConfig(raw: RawConfig): ArxivConfig {
  // Through URL, so "HTTP://Host/rss" and "http://host/rss" are one feed (scheme and host compared without case).
  const base = new URL(raw.ARXIV_RSS_URL).href.replace(/\/+$/, "");
  return {
    feeds: raw.ARXIV_CATEGORIES.map((entry) => ({ entry, url: `${base}/${entry}` })),
    pollCron: raw.POLL_CRON,
    minScore: raw.CANDIDATE_MIN_SCORE,
    retentionDays: raw.CANDIDATE_RETENTION_DAYS,
    contact: raw.ARXIV_CONTACT,
    requestIntervalMs: raw.ARXIV_REQUEST_INTERVAL_MS,
  };
}

export interface Config {
  discord: {
    token: string | undefined;
    apiUrl: string;
    applicationId: string | undefined;
    devGuildId: string | undefined;
    buttonTtlMs: number;
    /** SHARD_COUNT / SHARD_LIST; both unset: Discord's recommendation. */
    sharding: { count: number | undefined; ids: number[] | undefined };
    /** CLUSTERS ("auto" when unset) and SHARDS_PER_CLUSTER (unset: the automatic size); see discord/cluster-plan.ts. */
    clusters: { count: number | "auto"; shardsPerCluster: number | undefined };
  };
  databasePath: string;
  catalogPath: string;
  logLevel: RawConfig["LOG_LEVEL"];
  http: { port: number; host: string; publicUrl: string | undefined };
  bundle: { secret: string | undefined; externalUrl: string | undefined; requiresFollow: boolean; linkTtlHours: number; dir: string };
  moderation: { roleIds: string[]; guildIds: string[]; arxivApiUrl: string; bundleRebuildDelayMs: number; alertMaxDelayMs: number };
  arxiv: ArxivConfig;
  digest: { timeZone: string; catchUpHours: number };
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
      const shown =
        value === undefined ? "unset" : name.includes("TOKEN") || name.includes("SECRET") ? "set" : echoed(withoutCredentials(value));
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
      sharding: { count: raw.SHARD_COUNT, ids: raw.SHARD_LIST },
      clusters: { count: raw.CLUSTERS ?? "auto", shardsPerCluster: raw.SHARDS_PER_CLUSTER },
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
    moderation: {
      roleIds: raw.MODERATOR_ROLE_ID?.split(",").map((id) => id.trim()) ?? [],
      guildIds: raw.MODERATION_GUILD_IDS?.split(",").map((id) => id.trim()) ?? [],
      arxivApiUrl: raw.ARXIV_API_URL,
      bundleRebuildDelayMs: Math.round(raw.BUNDLE_REBUILD_DELAY_SECONDS * 1000),
      alertMaxDelayMs: Math.round(raw.ALERT_MAX_DELAY_HOURS * 3_600_000),
    },
    arxiv: arxivConfig(raw),
    digest: { timeZone: timeZoneOrUtc(raw.DIGEST_TZ), catchUpHours: raw.DIGEST_CATCHUP_HOURS },
  };
}

/** The most of a value an error shows: enough to recognise it, never a whole pasted file. */
export const MAX_ECHOED_CHARACTERS = 120;

/** A value quoted for an error message, cut (at a whole code point) when it is long, with its length. */
function echoed(value: string): string {
  const characters = [...value];
  if (characters.length <= MAX_ECHOED_CHARACTERS) return JSON.stringify(value);
  return `${JSON.stringify(characters.slice(0, MAX_ECHOED_CHARACTERS).join(""))}… (${characters.length} characters)`;
}

/** A value as it may be shown in an error, with every user:password@ in a URL replaced. */
function withoutCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, "$1***@");
}

/** The process environment with an optional .env file underneath it (real variables win). */
export function readEnvironment(envFile = ".env"): Environment {
  let fromFile: Environment;
  try {
    fromFile = parseEnv(readFileSync(envFile, "utf8"));
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    if (code === "ENOENT") return { ...process.env };
    const why = code === "EISDIR" ? "is a folder, not a file" : `cannot be read (${code || String(error)})`;
    throw new ConfigError([`${envFile}: ${why}; make it a file of KEY=value lines (see .env.example), or remove it`]);
  }
  return { ...fromFile, ...process.env };
}
