import { constants as osConstants } from "node:os";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { pathToFileURL } from "node:url";
import { openApp, type OpenedApp } from "./app.js";
import { ARXIV_USAGE, candidatesCommand, pollCommand } from "./arxiv/cli.js";
import { buildBundle } from "./bundle/build.js";
import { bundleTimestamp } from "./bundle/service.js";
import { BundleStore } from "./bundle/store.js";
import { releaseAllHeldArxivLeases } from "./db/arxiv-gate.js";
import { exportUserData, followStore } from "./db/follows.js";
import { validateQuery } from "./catalog/query.js";
import { topicSchema } from "./catalog/schema.js";
import { matchTopic } from "./catalog/topics.js";
import type { Locale } from "./i18n/locale.js";
import { ConfigError, parseConfig, readEnvironment, type Config, type Environment } from "./config.js";
import { DatabaseProblem } from "./db/errors.js";
import { EXIT, explainFailure } from "./failures.js";
import { moderationCommands, MODERATION_USAGE } from "./moderation/cli.js";
import { batchLine, refusalJson, resolutionJson, resolutionText } from "./cli-paper.js";
import { dbCommand } from "./cli-db.js";
import { closablePipe, linesWhileRead } from "./cli-pipe.js";
import { writeOutputFile } from "./out-file.js";
import { renderMessage, t } from "./i18n/index.js";
import { digestCli, DigestUsageError, DIGEST_USAGE } from "./digest/cli.js";
import { createLogger, systemClock } from "./logger.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => AsyncIterable<string>;
  env: Environment;
}

export class UsageError extends Error {}
/** A refused value (control characters, an unknown topic): exit 2 like a usage error, but one line, no usage text. */
export class InputError extends UsageError {}

export const USAGE = `Usage: paperbot <command> [options]

Commands:
  paper <query...> [--locale en|ja] [--json]   Find a paper and print its summary
  paper --batch [--json] [--locale en|ja]      One query per stdin line, one answer line per input line
                                               (with --json: one JSON object per line; refused lines carry "error")
  papers [--topic TOPIC] [--json]              List the reading list, optionally one topic
  db check                                     Integrity check and migration version
  db backup <file>                             Online backup of the database to <file>
  bundle build [--out FILE]                    Build the reading-list zip (into BUNDLE_DIR, or FILE) and list it
  export --user ID                             Everything paperbot stores about one user, as JSON
${ARXIV_USAGE}
  deploy-commands [--guild ID | --dev] [--dry-run]
                                               Register the slash commands globally, or in one guild
                                               (--dev: the guild in DISCORD_DEV_GUILD_ID); with
                                               MODERATION_GUILD_IDS, moderator commands only there
${MODERATION_USAGE}
${DIGEST_USAGE}

Environment: see README.md (DATABASE_PATH, CATALOG_PATH, LOG_LEVEL, ...).`;

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
  if (!(number >= min && number <= max)) throw new UsageError(`${flag} takes a whole number from ${min} to ${max} (digits only), not ${JSON.stringify(value)}`);
  return number;
}

export function loadConfig(io: CliIo): Config {
  // The CLI's own diagnostics go to stderr only when asked for; keep stdout clean for --json.
  return parseConfig({ LOG_LEVEL: "warn", ...io.env });
}

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

/** What withApp has open, for a signal to close. */
const openApps = new Set<OpenedApp>();

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

function parseLocale(value: string | undefined): Locale {
  if (value === undefined || value === "en" || value === "ja") return value ?? "en";
  throw new UsageError(`--locale must be en or ja, not "${value}"`);
}

const paperCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      locale: { type: "string" },
      json: { type: "boolean", default: false },
      batch: { type: "boolean", default: false },
      explain: { type: "boolean", default: false },
    },
    true,
  );
  const locale = parseLocale(values.locale);
  if (values.batch && positionals.length > 0) throw new UsageError("--batch reads queries from stdin; give no query arguments");
  // No query at all is a usage error; a blank one ("", "   ") is a query /paper refuses (README: exit 1, `error: empty`).
  if (!values.batch && positionals.length === 0) throw new UsageError("paper needs a query, e.g. paperbot paper lora");
  return withApp(io, async (app) => {
    if (!values.batch) {
      // The same checks and length cap as /paper in Discord.
      const text = positionals.join(" ");
      const query = validateQuery(text);
      if (!query.ok) {
        if (values.json) io.stdout(JSON.stringify(refusalJson(text, query)) + "\n");
        else io.stderr(`paperbot: ${renderMessage(locale, query)}\n`);
        return 1;
      }
      const explain = values.explain ? (line: string) => io.stderr(`explain: ${line}\n`) : undefined;
      const resolution = app.catalog.resolve(text, locale, explain ? { explain } : {});
      io.stdout((values.json ? JSON.stringify(resolutionJson(resolution)) : resolutionText(resolution, locale)) + "\n");
      return values.json || resolution.results.length > 0 ? 0 : 1;
    }
    // Exactly one output line per input line, in order; a blank or refused line says why.
    for await (const line of io.stdin()) {
      io.stdout(batchLine(line, values.json, (query) => app.catalog.resolve(query, locale)) + "\n");
    }
    return 0;
  });
};

const papersCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(args, { topic: { type: "string" }, json: { type: "boolean", default: false } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  const topic = values.topic === undefined ? undefined : topicSchema.safeParse(matchTopic(values.topic) ?? values.topic.trim().toLowerCase());
  if (topic && !topic.success) throw new UsageError(`--topic must be one of: ${topicSchema.options.join(", ")}`);
  return withApp(io, async (app) => {
    const papers = app.catalog.byTopic(topic?.data);
    if (values.json) {
      const json = papers.map((paper) => ({
        id: paper.id,
        arxivId: paper.arxivId,
        title: paper.title,
        url: paper.url,
        year: paper.year,
        topics: paper.topics,
        summary: paper.summary,
      }));
      io.stdout(JSON.stringify({ papers: json }) + "\n");
    } else {
      io.stdout(papers.map((paper, index) => `${String(index + 1).padStart(3)}. ${paper.title} (${paper.year}) [${paper.id}] ${paper.url}`).join("\n") + "\n");
    }
    return 0;
  });
};

const deployCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    { guild: { type: "string" }, dev: { type: "boolean", default: false }, "dry-run": { type: "boolean", default: false } },
    false,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  if (values.guild !== undefined && !/^\d{17,20}$/.test(values.guild)) throw new UsageError("--guild takes a guild id (17-20 digits)");
  const { commands, SHARED_LIST_COMMANDS } = await import("../commands/index.js");
  const { deployCommands, deploySplit, splitForModeration, validateCommandPayload } = await import("./discord/deploy.js");
  const definitions = commands.map((command) => command.definition);
  const oneGuild = values.guild !== undefined || values.dev;
  if (values["dry-run"]) {
    const problems = validateCommandPayload(definitions);
    io.stdout(JSON.stringify(definitions, null, 2) + "\n");
    const moderationGuildIds = oneGuild ? [] : loadConfig(io).moderation.guildIds;
    const plan = splitForModeration(definitions, SHARED_LIST_COMMANDS, moderationGuildIds);
    for (const guild of plan.guilds) io.stderr(`paperbot: MODERATION_GUILD_IDS is set: ${guild.definitions.map((definition) => `/${definition.name}`).join(", ")} would be registered in guild ${guild.guildId} only, the rest globally\n`);
    for (const problem of problems) io.stderr(`paperbot: ${problem}\n`);
    return problems.length === 0 ? 0 : 1;
  }
  const config = loadConfig(io);
  if (!config.discord.token) throw new ConfigError(["DISCORD_TOKEN (unset): needed to register commands (try --dry-run to see the payload)"]);
  if (values.dev && !config.discord.devGuildId) throw new ConfigError(["DISCORD_DEV_GUILD_ID (unset): needed by --dev"]);
  const results = oneGuild
    ? [await deployCommands(config, definitions, values.guild ?? config.discord.devGuildId)]
    : await deploySplit(config, splitForModeration(definitions, SHARED_LIST_COMMANDS, config.moderation.guildIds));
  for (const result of results) {
    const scope = result.scope === "global" ? "globally (may take up to an hour to appear everywhere)" : `in guild ${result.scope.guildId}`;
    io.stdout(`registered ${result.commands.length} commands ${scope} for application ${result.applicationId}: ${result.commands.map((command) => `/${command.name}`).join(", ")}\n`);
  }
  return 0;
};

const bundleCommand: Handler = async (args, io) => {
  const [verb, ...rest] = args;
  if (verb !== "build") throw new UsageError("bundle needs a verb: build");
  const { values, positionals } = parse(rest, { out: { type: "string" } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  if (values.out !== undefined && values.out.trim() === "") throw new UsageError("--out needs a file name");
  return withApp(io, async (app) => {
    const papers = app.catalog.papers;
    const result = buildBundle(papers, { generatedAt: bundleTimestamp(papers, app.catalogUpdated) });
    let target: string;
    if (values.out) {
      target = values.out;
      await writeOutputFile(target, result.zip);
    } else {
      target = new BundleStore(app.config.bundle.dir, { clock: app.clock }).write(result).path;
    }
    const width = Math.max(...result.files.map((file) => file.name.length));
    io.stdout(
      [
        `${target}: ${result.zip.length} bytes, ${t("en", "count.papers", { count: result.paperCount })}`,
        ...result.files.map((file) => `  ${file.name.padEnd(width)}  ${String(file.size).padStart(8)} bytes`),
        `sha256 ${result.sha256}`,
      ].join("\n") + "\n",
    );
    return 0;
  });
};

const exportCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(args, { user: { type: "string" } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  if (!values.user || !/^\d{17,20}$/.test(values.user)) throw new UsageError("export needs --user with a Discord user id (17-20 digits)");
  const userId = values.user;
  return withApp(io, async (app) => {
    io.stdout(JSON.stringify(exportUserData(followStore(app.db), userId, app.clock.now()), null, 2) + "\n");
    return 0;
  });
};

const digestCommand: Handler = async (args, io) => {
  try {
    // `digest run` records what it sends; preview only reads.
    return await digestCli(args, io, (run) => withApp(io, run, { write: args[0] === "run" }));
  } catch (error) {
    throw error instanceof DigestUsageError ? new UsageError(error.message) : error;
  }
};

export const COMMANDS: Record<string, Handler> = {
  bundle: bundleCommand,
  digest: digestCommand,
  export: exportCommand,
  "deploy-commands": deployCommand,
  paper: paperCommand,
  papers: papersCommand,
  db: dbCommand,
  ...moderationCommands,
  poll: pollCommand,
  candidates: candidatesCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    (command === undefined ? io.stderr : io.stdout)(USAGE + "\n");
    return command === undefined ? 2 : 0;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`unknown command "${command}"`);
    return await handler(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(error instanceof InputError ? `paperbot: ${error.message}\n` : `paperbot: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    const explained = explainFailure(error);
    if (explained) {
      io.stderr(`paperbot: ${explained.message}\n`);
      return explained.exitCode;
    }
    throw error;
  }
}

/** What bin/paperbot.js runs: never a raw stack trace for a failure the user can fix. */
export async function cliMain(argv: string[]): Promise<number> {
  const stderr = closablePipe(process.stderr);
  process.on("SIGTERM", exitOnSignal);
  process.on("SIGINT", exitOnSignal);
  try {
    const code = await runCli(argv, processIo());
    // Output that could not be written (a full disk) was said on stderr already; the command did not do its job.
    const lost = closablePipe(process.stdout).failed() || stderr.failed();
    return lost && code === EXIT.ok ? EXIT.failed : code;
  } catch (error) {
    const explained = explainFailure(error);
    if (explained) {
      stderr.write(`paperbot: ${explained.message}\n`);
      return explained.exitCode;
    }
    stderr.write(`paperbot: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failed;
  } finally {
    process.off("SIGTERM", exitOnSignal);
    process.off("SIGINT", exitOnSignal);
  }
}

export function processIo(): CliIo {
  const stdout = closablePipe(process.stdout);
  const stderr = closablePipe(process.stderr);
  return {
    stdout: stdout.write,
    stderr: stderr.write,
    stdin: () => linesWhileRead(process.stdin, stdout),
    env: readEnvironment(),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await cliMain(process.argv.slice(2));
}
