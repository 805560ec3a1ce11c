// Issue 7, fault 5: values that used to be accepted (or crashed later) are configuration errors, all listed at once.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseConfig } from "../src/config.js";
import { EXIT, explainFailure } from "../src/failures.js";
import { startHttpServer } from "../src/http/index.js";
import { createMemoryLogger, systemClock } from "../src/logger.js";
import { configProblems, testEnv } from "./support/app.js";
import { TEST_TOKEN } from "./support/bot.js";
import { mainJs, spawnBot } from "./support/child.js";

function problems(env: Record<string, string>): string[] {
  return configProblems(testEnv(env));
}

describe("configuration", () => {
  it.each([
    ["HTTP_PORT", ""],
    ["HTTP_PORT", "0x50"],
    ["HTTP_PORT", "80.5"],
    ["HTTP_PORT", "1e3"],
    ["HTTP_PORT", "65536"],
    ["BUTTON_TTL_MINUTES", "0.0001"],
    ["BUTTON_TTL_MINUTES", "0"],
    ["BUTTON_TTL_MINUTES", "15"],
    ["BUNDLE_LINK_TTL_HOURS", "1e-9"],
    ["BUNDLE_LINK_TTL_HOURS", "0"],
    ["BUNDLE_SECRET", " ".repeat(40)],
    ["BUNDLE_SECRET", ` ${"s".repeat(40)} `],
    ["HTTP_HOST", "not a host!"],
    ["HTTP_HOST", "http://example.com"],
    ["PUBLIC_URL", "https://user:pw@example.com"],
    ["BUNDLE_URL", "https://user:pw@example.com/list.zip"],
  ])("%s=%j is a configuration error", (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name} \\(`));
  });

  it("lists every problem at once and never echoes credentials or secrets", () => {
    const found = problems({
      HTTP_PORT: "0x50",
      BUTTON_TTL_MINUTES: "0.0001",
      PUBLIC_URL: "https://user:hunter2@example.com",
      BUNDLE_SECRET: " ".repeat(40),
    });
    expect(found.map((problem) => problem.split(" ")[0])).toEqual(["BUTTON_TTL_MINUTES", "HTTP_PORT", "PUBLIC_URL", "BUNDLE_SECRET"]);
    expect(found.join("\n")).not.toMatch(/hunter2|user:/);
    expect(found.join("\n")).toContain('PUBLIC_URL ("https://***@example.com"): must not contain a user name or password');
  });

  it("echoes at most the start of a long value, with its length (not a 100 KB paste)", () => {
    const pasted = "x".repeat(100_000);
    const [problem, ...others] = problems({ HTTP_HOST: pasted, DIGEST_TZ: `Asia/${"é".repeat(200)}` });
    expect(others).toHaveLength(1);
    expect(problem).toBe(
      `HTTP_HOST ("${"x".repeat(120)}"… (100000 characters)): expected an IP address (0.0.0.0, 127.0.0.1, ::) or a host name`,
    );
    expect(others[0]).toMatch(/^DIGEST_TZ \("Asia\/é{115}"… \(205 characters\)\): /);
    expect(problems({ HTTP_HOST: "not a host!" })[0]).toMatch(/^HTTP_HOST \("not a host!"\): /);
  });

  it("keeps accepting what is documented", () => {
    const config = parseConfig(
      testEnv({
        HTTP_PORT: " 8081 ",
        BUTTON_TTL_MINUTES: "14",
        BUNDLE_LINK_TTL_HOURS: "720",
        HTTP_HOST: "::",
        PUBLIC_URL: "https://papers.example.com/",
        BUNDLE_SECRET: "",
      }),
    );
    expect(config.http).toEqual({ port: 8081, host: "::", publicUrl: "https://papers.example.com" });
    expect(config.discord.buttonTtlMs).toBe(14 * 60_000);
    expect(config.bundle).toMatchObject({ linkTtlHours: 720, secret: undefined });
    for (const host of ["0.0.0.0", "127.0.0.1", "localhost", "bot.internal", "[::1]", "::1"])
      expect(problems({ HTTP_HOST: host })).toEqual([]);
    expect(problems({ HTTP_PORT: "0" })).toEqual([]);
  });

  it("a port in use is a clear start-up error (exit 5), not a stack trace", async () => {
    const taken = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      bundleStore: { current: () => null, snapshot: () => null },
      secret: "s".repeat(32),
      clock: systemClock,
      logger: createMemoryLogger(),
      health: () => ({ database: "ok", discord: "disabled" }),
    });
    onTestFinished(() => taken.close());
    const error = await startHttpServer({
      host: "127.0.0.1",
      port: taken.port,
      bundleStore: { current: () => null, snapshot: () => null },
      secret: "s".repeat(32),
      clock: systemClock,
      logger: createMemoryLogger(),
      health: () => ({ database: "ok", discord: "disabled" }),
    }).catch((failure: unknown) => failure);
    expect(explainFailure(error)).toEqual({
      exitCode: EXIT.http,
      message: `HTTP_PORT ${taken.port} on 127.0.0.1 is already in use by another program\n  stop that program, or set HTTP_PORT to a free port (0 picks one)`,
    });
  });

  it.skipIf(!existsSync(mainJs))("the bot exits 5 with that message when its port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => void blocker.close());
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const dir = mkdtempSync(join(tmpdir(), "paperbot-port-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bot = spawnBot(dir, { DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: "http://127.0.0.1:9/api", HTTP_PORT: String(port) });
    const code = await bot.exited;
    const stderr = bot.stderr();
    expect(code).toBe(EXIT.http);
    expect(stderr).toContain(`paperbot: HTTP_PORT ${port} on 127.0.0.1 is already in use by another program`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  /** Runs the bot with `env` until it exits; its exit code and stderr. */
  async function runBot(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const dir = mkdtempSync(join(tmpdir(), "paperbot-start-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bot = spawnBot(dir, { DISCORD_TOKEN: TEST_TOKEN, LOG_LEVEL: "error", ...env });
    const code = await bot.exited;
    const stderr = bot.stderr();
    return { code, stderr };
  }

  it.skipIf(!existsSync(mainJs))("a Discord host that does not resolve is a Discord problem (exit 4), not an HTTP_HOST one", async () => {
    const { code, stderr } = await runBot({ DISCORD_API_URL: "http://no-such-host.invalid/api", HTTP_HOST: "127.0.0.1" });
    expect(code).toBe(EXIT.discord);
    expect(stderr).toMatch(/paperbot: could not reach Discord \((ENOTFOUND|EAI_AGAIN)\); check the network and DISCORD_API_URL/);
    expect(stderr).not.toContain("HTTP_HOST");
  });

  it.skipIf(!existsSync(mainJs))("an HTTP_HOST that does not resolve is named (exit 5)", async () => {
    const { code, stderr } = await runBot({ DISCORD_API_URL: "http://127.0.0.1:9/api", HTTP_HOST: "no-such-host.invalid" });
    expect(code).toBe(EXIT.http);
    expect(stderr).toMatch(/paperbot: HTTP_HOST no-such-host\.invalid could not be resolved \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
