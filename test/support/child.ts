import { spawn, type ChildProcess } from "node:child_process";
import { onTestFinished } from "vitest";

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
