// QA on issue 8: `candidates --limit 1e2`, `0x5`, `' 3'` were accepted (read with Number()).
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { testEnv } from "../support/app.js";

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdin: async function* () {},
    env: testEnv(),
  };
  const code = await runCli(args, io);
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("whole-number flags", () => {
  it("refuse anything but plain decimal digits, with exit 2 and the reason", async () => {
    for (const verb of [["candidates"], ["audit"]]) {
      for (const value of ["1e2", "0x5", " 3", "3 ", "3.5", "+3", "-1", "0", "", "٣", "1_000", "99999999999"]) {
        const run = await cli(...verb, `--limit=${value}`);
        expect(run.code, `${verb.join(" ")} --limit ${JSON.stringify(value)}`).toBe(2);
        expect(run.stderr).toContain(`paperbot: --limit takes a whole number from 1 to `);
        expect(run.stderr).toContain(`(digits only), not ${JSON.stringify(value)}`);
      }
    }
  });

  it("accept digits, leading zeros included (05 is 5, as in the settings)", async () => {
    for (const value of ["5", "05", "1000"]) {
      const run = await cli("candidates", "--limit", value, "--json");
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ candidates: [] });
    }
    expect((await cli("candidates", "--limit", "1001")).code).toBe(2);
    expect((await cli("audit", "--limit", "010000", "--json")).code).toBe(0);
    expect((await cli("audit", "--limit", "10001")).code).toBe(2);
  });
});
