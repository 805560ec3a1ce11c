// Issue 7, fault 3: database, .env and Discord failures give one or two clear lines and a documented exit code.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
  closeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { ConfigError, readEnvironment } from "../../src/config.js";
import { openDatabase } from "../../src/db/connection.js";
import { DatabaseProblem } from "../../src/db/errors.js";
import { followStore } from "../../src/db/follows.js";
import { EXIT } from "../../src/failures.js";
import { catalogPath, createTestApp, repoRoot, testEnv } from "../support/app.js";
import { TEST_TOKEN } from "../support/bot.js";
import { startDiscordHarness } from "../support/harness/index.js";
import { asOtherUser, installForOtherUser } from "../support/other-user.js";
import { catalogSize } from "../support/catalog-size.js";

const binJs = join(repoRoot, "bin", "paperbot.js");
const mainJs = join(repoRoot, "dist", "src", "main.js");
const built = existsSync(join(repoRoot, "dist", "src", "cli", "index.js")) && existsSync(mainJs);
const STACK_LINE = /\n\s+at /;
const USER_ID = "123456789012345678";

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "paperbot-faults-"));
  onTestFinished(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function io(env = testEnv()) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), stdin: async function* () {}, env };
  return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

/** A real paperbot database with one follower, written by the bot's own code. */
function makeDatabase(path: string): void {
  const app = createTestApp({ DATABASE_PATH: path });
  followStore(app.db).follow(USER_ID, "en", "agents", new Date("2026-11-26T00:00:00Z"));
  app.close();
}

function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, "r+");
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

describe("db check reports damage as its result", () => {
  it("a file that is not a database: exit 1, no crash", async () => {
    const path = join(scratchDir(), "junk.db");
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const run = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["db", "check"], run.io)).toBe(EXIT.failed);
    expect(run.stdout()).toContain(`database: ${path}`);
    expect(run.stdout()).toMatch(/integrity: not a SQLite database/);
    expect(run.stderr()).toBe("");
  });

  it("a truncated database (SQLite says 'malformed' on first read): exit 1, reported", async () => {
    const path = join(scratchDir(), "bot.db");
    makeDatabase(path);
    truncateSync(path, 40_960);
    const run = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["db", "check"], run.io)).toBe(EXIT.failed);
    expect(run.stdout()).toMatch(/integrity: .*(damaged|malformed)/);
    expect(run.stdout()).toMatch(/restore a backup/);
  });

  it("damaged pages: lists (a bounded number of) SQLite's findings, exit 1", async () => {
    const path = join(scratchDir(), "bot.db");
    makeDatabase(path);
    const reader = new Database(path, { readonly: true });
    const pageSize = Number(reader.pragma("page_size", { simple: true }));
    // The schema's own pages stay readable (a full one would make SQLite refuse the file instead of listing
    // findings; which pages are full depends on how many tables the migrations create).
    const schemaPages = new Set(
      reader
        .prepare<[], { pageno: number }>("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")
        .all()
        .map((row) => row.pageno),
    );
    reader.close();
    const pages = Math.floor(statSync(path).size / pageSize);
    // Data pages only: the schema (sqlite_master and its overflow pages) is written first, by the migrations.
    for (let page = Math.floor(pages / 2); page < pages; page += 1)
      if (!schemaPages.has(page + 1)) overwrite(path, page * pageSize + 100, Buffer.alloc(256, 0xde));
    const run = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["db", "check"], run.io)).toBe(EXIT.failed);
    expect(run.stdout()).toMatch(/integrity: damaged\n {2}/);
    expect(run.stdout().split("\n").length).toBeLessThan(25);
  });

  it("a missing file is not created: exit 3", async () => {
    const path = join(scratchDir(), "typo.db");
    const run = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["db", "check"], run.io)).toBe(EXIT.database);
    expect(run.stderr()).toMatch(/typo\.db: does not exist/);
    expect(existsSync(path)).toBe(false);
  });
});

describe("commands on a damaged database", () => {
  it.each([[["paper", "lora"]], [["papers"]], [["export", "--user", USER_ID]], [["bundle", "build", "--out", "x.zip"]]])(
    "%j: two lines naming the file, exit 3",
    async (argv) => {
      const dir = scratchDir();
      const path = join(dir, "junk.db");
      writeFileSync(path, Buffer.alloc(8192, 0x5a));
      const run = io(testEnv({ DATABASE_PATH: path, BUNDLE_DIR: join(dir, "bundle") }));
      expect(
        await runCli(
          argv.map((arg) => (arg === "x.zip" ? join(dir, arg) : arg)),
          run.io,
        ),
      ).toBe(EXIT.database);
      expect(run.stderr()).toBe(
        `paperbot: database ${path}: not a SQLite database\n  point DATABASE_PATH at paperbot's database, or move this file away to start with a new one\n`,
      );
    },
  );

  it("a file where the database folder should be is named as such (not EEXIST)", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "data"), "not a folder");
    expect(() => openDatabase(join(dir, "data", "bot.db"))).toThrow(DatabaseProblem);
    expect(() => openDatabase(join(dir, "data", "bot.db"))).toThrow(`${join(dir, "data")} is a file, not a folder`);
  });
});

describe("read-only commands open the database read-only", () => {
  it("they read a database that another process holds the write lock on, and write nothing", async () => {
    const dir = scratchDir();
    const path = join(dir, "bot.db");
    makeDatabase(path);
    const locker = new Database(path);
    locker.pragma("busy_timeout = 0");
    locker.exec("BEGIN IMMEDIATE");
    onTestFinished(() => void locker.close());
    const papers = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["papers", "--json"], papers.io)).toBe(0);
    expect((JSON.parse(papers.stdout()) as { papers: unknown[] }).papers).toHaveLength(catalogSize);
    const exported = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["export", "--user", USER_ID], exported.io)).toBe(0);
    expect(JSON.parse(exported.stdout())).toMatchObject({ following: true, topics: [{ topic: "agents" }] });
    const check = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["db", "check"], check.io)).toBe(0);
  });

  it("a catalog newer than the database is read from an in-memory copy; the file keeps its old papers", async () => {
    const dir = scratchDir();
    const path = join(dir, "bot.db");
    makeDatabase(path);
    const writer = new Database(path);
    writer.prepare("DELETE FROM papers WHERE id = 'lora'").run();
    writer.close();
    const run = io(testEnv({ DATABASE_PATH: path }));
    expect(await runCli(["paper", "lora", "--json"], run.io)).toBe(0);
    expect((JSON.parse(run.stdout()) as { results: { id: string }[] }).results[0]?.id).toBe("lora");
    const reader = new Database(path, { readonly: true });
    onTestFinished(() => void reader.close());
    expect(reader.prepare("SELECT count(*) AS n FROM papers WHERE id = 'lora'").get()).toEqual({ n: 0 });
  });

  // File permissions do not bind root, so as root the commands run as "nobody", from an install that user can reach.
  it.skipIf(!built || process.platform === "win32")(
    "a read-only file in a read-only folder: read-only commands work, the bot explains (exit 3)",
    () => {
      const install = installForOtherUser();
      onTestFinished(() => install.remove());
      const dir = scratchDir();
      chmodSync(dir, 0o755);
      const folder = join(dir, "ro");
      mkdirSync(folder);
      const writable = join(dir, "out");
      mkdirSync(writable);
      chmodSync(writable, 0o777);
      const path = join(folder, "bot.db");
      makeDatabase(path);
      chmodSync(path, 0o444);
      chmodSync(folder, 0o555);
      onTestFinished(() => chmodSync(folder, 0o755));
      const env = {
        PATH: process.env["PATH"] ?? "",
        ...testEnv({ DATABASE_PATH: path, LOG_LEVEL: "warn", CATALOG_PATH: install.path(catalogPath) }),
      };
      const run = (args: string[], extra: Record<string, string> = {}) =>
        spawnSync(process.execPath, args, { env: { ...env, ...extra }, cwd: dir, encoding: "utf8", timeout: 20_000, ...asOtherUser() });
      for (const argv of [["db", "check"], ["papers"], ["export", "--user", USER_ID], ["db", "backup", join(writable, "copy.db")]]) {
        const result = run([install.path(binJs), ...argv]);
        expect({ argv, status: result.status, stderr: result.stderr }).toEqual({ argv, status: 0, stderr: "" });
      }
      const bot = run([install.path(mainJs)], {
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: "http://127.0.0.1:9/api",
        HTTP_PORT: "0",
        BUNDLE_DIR: join(dir, "bundle"),
      });
      expect(bot.status).toBe(EXIT.database);
      expect(bot.stderr).toMatch(new RegExp(`database ${path}: read-only`));
      expect(bot.stderr).not.toMatch(STACK_LINE);
    },
    60_000,
  );
});

describe("start-up faults", () => {
  it(".env being a folder is a configuration error naming it", () => {
    const dir = scratchDir();
    mkdirSync(join(dir, ".env"));
    expect(() => readEnvironment(join(dir, ".env"))).toThrow(ConfigError);
    expect(() => readEnvironment(join(dir, ".env"))).toThrow(/\.env: is a folder, not a file/);
  });

  it.skipIf(!built)(
    "the installed binary and the bot: .env folder exits 2, damaged database and folder-is-a-file exit 3, each without a stack",
    () => {
      const dir = scratchDir();
      mkdirSync(join(dir, ".env"));
      writeFileSync(join(dir, "junk.db"), Buffer.alloc(8192, 0x5a));
      writeFileSync(join(dir, "data"), "not a folder");
      const run = (args: string[], env: Record<string, string>) =>
        spawnSync(process.execPath, args, {
          env: { PATH: process.env["PATH"] ?? "", ...env },
          cwd: dir,
          encoding: "utf8",
          timeout: 20_000,
        });
      const envFolder = run([binJs, "papers"], {});
      expect([envFolder.status, envFolder.stderr]).toEqual([
        EXIT.config,
        expect.stringMatching(/^paperbot: Invalid configuration:\n {2}- \.env: is a folder/),
      ]);
      const botEnv = {
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: "http://127.0.0.1:9/api",
        HTTP_PORT: "0",
        HTTP_HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
      };
      const botEnvFolder = run([mainJs], botEnv);
      expect(botEnvFolder.status).toBe(EXIT.config);
      for (const [path, message] of [
        [join(dir, "junk.db"), /not a SQLite database/],
        [join(dir, "data", "bot.db"), /data is a file, not a folder/],
      ] as const) {
        // Run from a folder without the .env folder.
        const bot = spawnSync(process.execPath, [mainJs], {
          env: { PATH: process.env["PATH"] ?? "", ...botEnv, DATABASE_PATH: path },
          cwd: tmpdir(),
          encoding: "utf8",
          timeout: 20_000,
        });
        expect(bot.status).toBe(EXIT.database);
        expect(bot.stderr).toMatch(message);
        expect(bot.stderr).not.toMatch(STACK_LINE);
      }
    },
    60_000,
  );

  it("deploy-commands: a rejected token exits 2 with what to do; another refusal exits 4", async () => {
    const harness = await startDiscordHarness({ token: "MTMwMDAwMDAwMDAwMDAwMDAwMg.another.token" });
    onTestFinished(() => harness.close());
    const rejected = io(testEnv({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: harness.apiUrl }));
    expect(await runCli(["deploy-commands"], rejected.io)).toBe(EXIT.config);
    expect(rejected.stderr()).toBe(
      "paperbot: Discord rejected DISCORD_TOKEN (401); copy the bot token again from the Developer Portal (Bot tab)\n",
    );

    const other = await startDiscordHarness();
    onTestFinished(() => other.close());
    other.respondWith({ method: "PUT" }, { status: 403, body: { message: "Missing Access", code: 50001 } });
    const refused = io(testEnv({ DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: other.apiUrl }));
    expect(await runCli(["deploy-commands", "--guild", "1200000000000000001"], refused.io)).toBe(EXIT.discord);
    expect(refused.stderr()).toMatch(
      /^paperbot: Discord refused the request with 403: Missing Access \(PUT .*\/guilds\/1200000000000000001\/commands\)\n$/,
    );
  });
});
