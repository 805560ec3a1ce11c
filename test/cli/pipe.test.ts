// QA on issue 8: `paperbot candidates approve X | head -1` died on an unhandled EPIPE. A reader that closes the
// pipe early is normal: the command finishes quietly with its own exit code.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { candidateStore } from "../../src/db/candidates.js";
import { openDatabase } from "../../src/db/connection.js";
import { createTestApp, repoRoot, tempDir, testEnv } from "../support/app.js";

const CANDIDATE = "2611.12345";

function databaseWithCandidate(): string {
  const path = join(tempDir("paperbot-cli-pipes-"), "paperbot.db");
  const app = createTestApp({ DATABASE_PATH: path });
  try {
    candidateStore(app.db).insert(
      {
        arxivId: CANDIDATE,
        version: 1,
        title: "Low-rank adapters, revisited",
        authors: ["A. Author"],
        categories: ["cs.CL"],
        abstract: "We revisit LoRA. It still works.",
        license: null,
        canonScore: 0.5,
        bonus: 0,
        score: 0.8,
        reasons: { papers: ["lora"], topics: ["fine-tuning"] },
      },
      new Date(),
    );
  } finally {
    app.close();
  }
  return path;
}

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the process wrote on the stream left open. */
  output: string;
}

/**
 * `paperbot ARGS` with its stdout (or stderr) closed by the reader before it writes anything, as `| head -c 0`
 * would; stdin stays open unless `input` is null. Killed when the test ends if still running.
 */
function runWithClosed(stream: "stdout" | "stderr", args: string[], databasePath: string, input: string | null = null): Promise<Closed> {
  const env = { ...process.env, ...testEnv({ DATABASE_PATH: databasePath }) };
  const child = spawn(process.execPath, [join(repoRoot, "bin", "paperbot.js"), ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  child[stream].destroy();
  let output = "";
  (stream === "stdout" ? child.stderr : child.stdout).on("data", (chunk: Buffer) => void (output += chunk.toString()));
  child.stdin.on("error", () => undefined);
  if (input === null) child.stdin.end();
  else child.stdin.write(input);
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal, output })));
}

describe("CLI output into a closed pipe", () => {
  it("finishes every verb quietly with its own exit code when stdout is closed", async () => {
    const databasePath = databaseWithCandidate();
    const [approve, candidates, json, papers, help] = await Promise.all([
      runWithClosed("stdout", ["candidates", "approve", CANDIDATE, "--by", "qa"], databasePath),
      runWithClosed("stdout", ["candidates"], databasePath),
      runWithClosed("stdout", ["candidates", "--json"], databasePath),
      runWithClosed("stdout", ["papers", "--json"], databasePath),
      runWithClosed("stdout", ["help"], databasePath),
    ]);
    for (const run of [approve, candidates, json, papers, help]) {
      expect(run.output).toBe("");
      expect(run).toEqual({ code: 0, signal: null, output: "" });
    }
    // The decision was recorded even though nobody read the confirmation.
    const db = openDatabase(databasePath, { readonly: true });
    try {
      expect(candidateStore(db).get(CANDIDATE)?.status).toBe("approved");
    } finally {
      db.close();
    }
  });

  it("stops reading a batch from stdin once nobody reads the answers", async () => {
    // stdin is never closed: without the stop, the process would wait for more lines for ever.
    const run = await runWithClosed("stdout", ["paper", "--batch"], databaseWithCandidate(), "lora\n".repeat(5000));
    expect(run).toEqual({ code: 0, signal: null, output: "" });
  });

  it("keeps the exit code of a usage error when stderr is closed", async () => {
    const databasePath = databaseWithCandidate();
    const runs = await Promise.all([
      runWithClosed("stderr", [], databasePath),
      runWithClosed("stderr", ["no-such-verb"], databasePath),
      runWithClosed("stderr", ["candidates", "--limit", "0"], databasePath),
    ]);
    expect(runs).toEqual(runs.map(() => ({ code: 2, signal: null, output: "" })));
  });
});

/** `paperbot ARGS` with stdout (or stderr) on /dev/full, where every write fails with ENOSPC. */
function runIntoFullDevice(stream: "stdout" | "stderr", args: string[], databasePath: string): Promise<Closed & { other: string }> {
  const env = { ...process.env, ...testEnv({ DATABASE_PATH: databasePath }) };
  const full = openSync("/dev/full", "w");
  const stdio: ["ignore", number | "pipe", number | "pipe"] = stream === "stdout" ? ["ignore", full, "pipe"] : ["ignore", "pipe", full];
  const child = spawn(process.execPath, [join(repoRoot, "bin", "paperbot.js"), ...args], { env, stdio });
  closeSync(full);
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let other = "";
  (stream === "stdout" ? child.stderr : child.stdout)?.on("data", (chunk: Buffer) => void (other += chunk.toString()));
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal, output: "", other })));
}

// QA re-test, bug G: `paperbot candidates --json > /dev/full` printed a raw ENOSPC stack trace.
describe.skipIf(!existsSync("/dev/full"))("CLI output that cannot be written (a full disk)", () => {
  it("says so in one line on stderr and exits 1, for every verb that prints", async () => {
    const databasePath = databaseWithCandidate();
    const runs = await Promise.all([
      runIntoFullDevice("stdout", ["candidates", "--json"], databasePath),
      runIntoFullDevice("stdout", ["papers"], databasePath),
      runIntoFullDevice("stdout", ["catalog", "export"], databasePath),
    ]);
    for (const run of runs) {
      expect(run).toEqual({
        code: 1,
        signal: null,
        output: "",
        other: "paperbot: cannot write the output: no space left on device (ENOSPC)\n",
      });
    }
  });

  it("keeps the command's own exit code when only stderr cannot be written", async () => {
    const run = await runIntoFullDevice("stderr", ["no-such-verb"], databaseWithCandidate());
    expect(run).toEqual({ code: 2, signal: null, output: "", other: "" });
  });
});
