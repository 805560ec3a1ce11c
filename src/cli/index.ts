import { pathToFileURL } from "node:url";
import { readEnvironment } from "../config.js";
import { EXIT, explainFailure } from "../failures.js";
import { ARXIV_USAGE, candidatesCommand, pollCommand } from "./arxiv.js";
import { bundleCommand } from "./bundle.js";
import { dbCommand } from "./db.js";
import { deployCommand } from "./deploy.js";
import { digestCommand, DIGEST_USAGE } from "./digest.js";
import { exportCommand } from "./export.js";
import { handleSignals, InputError, UsageError, type CliIo, type Handler } from "./kit.js";
import { moderationCommands, MODERATION_USAGE } from "./moderation.js";
import { paperCommand, papersCommand } from "./paper.js";
import { closablePipe, linesWhileRead } from "./pipe.js";

/** The verb registry: what `paperbot <verb>` runs, and the usage text that lists it. */

export type { CliIo, Handler } from "./kit.js";
export { InputError, UsageError } from "./kit.js";

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
  const stopHandlingSignals = handleSignals();
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
    stopHandlingSignals();
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
