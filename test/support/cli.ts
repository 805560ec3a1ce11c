import { runCli, type CliIo } from "../../src/cli/index.js";
import { testEnv } from "./app.js";

/** Runs `paperbot ARGS…` in this process with `env` (over the test defaults); its exit code, stdout and stderr. */
export function cliRunner(env: Record<string, string>) {
  return async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      stdin: async function* () {},
      env: testEnv(env),
    };
    const code = await runCli(args, io);
    return { code, stdout: out.join(""), stderr: err.join("") };
  };
}
