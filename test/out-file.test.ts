// QA re-test of issue 8, bug D: `--out` (catalog export, bundle build) wrote a temp file and renamed it over the
// name given. A symlink became a regular file (its target kept the old content), a FIFO was replaced (its reader got
// nothing), and /dev/stdout failed with "database …: permission denied". Now a link's target is replaced (atomically,
// in the target's folder), a special file is written directly, and an error names the output file.
import { spawn, spawnSync } from "node:child_process";
import { lstatSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { catalogFileSchema } from "../src/catalog/schema.js";
import { runCli, type CliIo } from "../src/cli/index.js";
import { BUNDLE_FOLDER } from "../src/bundle/index.js";
import { repoRoot, tempDir, testEnv } from "./support/app.js";
import { spawnNode } from "./support/child.js";
import { within } from "./support/wait.js";
import { unzipEntries } from "./support/zip.js";

const mkfifoInstalled = spawnSync("mkfifo", ["--version"], { stdio: "ignore" }).error === undefined;

function cliIo(dir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdin: async function* () {},
    env: testEnv({ DATABASE_PATH: join(dir, "paperbot.db") }),
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

/** Papers in a catalog file, read with JSON.parse and the catalog's schema. */
function catalogPapers(path: string): number {
  return catalogFileSchema.parse(JSON.parse(readFileSync(path, "utf8"))).papers.length;
}

describe("--out through a symlink", () => {
  it("catalog export replaces the link's target and leaves the link a link", async () => {
    const dir = tempDir("paperbot-out-");
    const target = join(dir, "target.json");
    writeFileSync(target, "old\n");
    symlinkSync("target.json", join(dir, "link.json"));
    const run = cliIo(dir);
    expect(await runCli(["catalog", "export", "--out", join(dir, "link.json")], run.io), run.stderr()).toBe(0);
    expect(lstatSync(join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, "link.json"))).toBe("target.json");
    expect(catalogPapers(target)).toBeGreaterThan(0);
    // Nothing left beside it (the temp file was renamed in the target's folder).
    expect(readdirSync(dir).sort()).toEqual(["link.json", "target.json"]);
  });

  it("catalog export through a dangling link creates the link's target", async () => {
    const dir = tempDir("paperbot-out-");
    symlinkSync("made.json", join(dir, "dangling.json"));
    const run = cliIo(dir);
    expect(await runCli(["catalog", "export", "--out", join(dir, "dangling.json")], run.io), run.stderr()).toBe(0);
    expect(lstatSync(join(dir, "dangling.json")).isSymbolicLink()).toBe(true);
    expect(catalogPapers(join(dir, "made.json"))).toBeGreaterThan(0);
  });

  it("bundle build replaces the link's target with the zip", async () => {
    const dir = tempDir("paperbot-out-");
    const target = join(dir, "target.zip");
    writeFileSync(target, "old\n");
    symlinkSync(target, join(dir, "l.zip"));
    const run = cliIo(dir);
    expect(await runCli(["bundle", "build", "--out", join(dir, "l.zip")], run.io), run.stderr()).toBe(0);
    expect(lstatSync(join(dir, "l.zip")).isSymbolicLink()).toBe(true);
    const names = (await unzipEntries(readFileSync(target))).map((entry) => entry.name);
    expect(names).toContain(`${BUNDLE_FOLDER}/papers.json`);
  });
});

describe("--out to a special file", () => {
  it.skipIf(!mkfifoInstalled)("catalog export into a FIFO: the reader gets the catalog and the FIFO stays a FIFO", async () => {
    const dir = tempDir("paperbot-out-");
    const fifo = join(dir, "catalog.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
    onTestFinished(() => {
      if (reader.exitCode === null && reader.signalCode === null) reader.kill("SIGKILL");
    });
    let read = "";
    reader.stdout.on("data", (chunk: Buffer) => void (read += chunk.toString()));
    const readerDone = new Promise<void>((resolve) => reader.once("close", () => resolve()));
    const env = { ...process.env, ...testEnv({ DATABASE_PATH: join(dir, "paperbot.db") }) };
    const exported = await within(
      spawnNode([join(repoRoot, "bin", "paperbot.js"), "catalog", "export", "--out", fifo], env).done,
      20_000,
      "catalog export",
    );
    expect(exported.code, exported.stderr).toBe(0);
    await within(readerDone, 5_000, "the FIFO's reader to see the end");
    expect(catalogFileSchema.parse(JSON.parse(read)).papers.length).toBeGreaterThan(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("catalog export --out /dev/fd/1 (like /dev/stdout) writes the catalog to stdout", async () => {
    const dir = tempDir("paperbot-out-");
    const env = { ...process.env, ...testEnv({ DATABASE_PATH: join(dir, "paperbot.db") }) };
    const exported = await within(
      spawnNode([join(repoRoot, "bin", "paperbot.js"), "catalog", "export", "--out", "/dev/fd/1"], env).done,
      20_000,
      "catalog export",
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(catalogFileSchema.parse(JSON.parse(exported.stdout)).papers.length).toBeGreaterThan(0);
  });

  it("an --out that cannot be written is named in the error, not the database", async () => {
    const dir = tempDir("paperbot-out-");
    const out = join(dir, "missing-folder", "catalog.json");
    const run = cliIo(dir);
    expect(await runCli(["catalog", "export", "--out", out], run.io)).toBe(1);
    expect(run.stderr()).toBe(
      `paperbot: cannot write ${out}: no such file or directory (ENOENT)\n  choose a file in a folder this user may write\n`,
    );
    const bundle = cliIo(dir);
    expect(await runCli(["bundle", "build", "--out", out], bundle.io)).toBe(1);
    expect(bundle.stderr()).toContain(`cannot write ${out}:`);
    expect(bundle.stderr()).not.toContain("database");
  });
});
