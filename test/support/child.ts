import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { repoRoot, testEnv } from "./app.js";

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ARGS…`, collecting its output; killed (SIGKILL) when the current test ends if still running. Call it inside a test. */
export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const done = new Promise<Finished>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/** The built bot (`npm run build`); tests that spawn it skip without it. */
export const mainJs = join(repoRoot, "dist", "src", "main.js");

/**
 * Starts the built bot in `dir` with `env` over the test defaults (loopback HTTP on a free port, the bundle in `dir`),
 * collecting stderr; killed (SIGKILL) when the current test ends if still running. Call it inside a test.
 */
export function spawnBot(
  dir: string,
  env: Record<string, string>,
): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [mainJs], {
    env: {
      PATH: process.env["PATH"] ?? "",
      ...testEnv({ HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", BUNDLE_DIR: join(dir, "bundle"), ...env }),
    },
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  onTestFinished(() => void child.kill("SIGKILL"));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}
