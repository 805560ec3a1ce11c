import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { BUNDLE_FILE_NAME, BundleStore } from "../src/bundle/index.js";
import { signBundleUrl, startHttpServer } from "../src/http/index.js";
import { createLogger, createMemoryLogger, REDACTED, type LogLevel } from "../src/logger.js";
import { packageRoot } from "../src/paths.js";
import { startServices } from "../src/services.js";
import { createTestApp } from "./support/app.js";
import { productionInstall } from "./support/other-user.js";

const loggerJs = join(packageRoot(import.meta.dirname), "dist", "src", "logger.js");
const DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123";
const BUNDLE_SECRET = "bundle-secret-0123456789abcdef0123456789";
const SIG = "Xy9_Q-abcdefghijklmnopqrstuvwxyz0123456789A";

/** A logger writing into a string, with a clock the test moves. */
function capture(level: LogLevel = "debug", secrets: string[] = []) {
  let text = "";
  let now = new Date("2026-05-01T08:00:00.000Z");
  const logger = createLogger(level, (chunk) => void (text += chunk), { clock: { now: () => now }, secrets });
  return {
    logger,
    text: () => text,
    records: () =>
      text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    advance: (ms: number) => void (now = new Date(now.getTime() + ms)),
  };
}

describe("pino-backed logger", () => {
  it("writes one JSON object per line with the level as a word and the time from the injected clock", () => {
    const log = capture();
    log.logger.info("started", { papers: 43 });
    log.advance(1500);
    log.logger.child({ component: "http" }).warn("slow", { ms: 12.5 });
    log.logger.error("failed", { error: new Error("boom", { cause: new Error("root cause") }) });
    expect(log.text().endsWith("\n")).toBe(true);
    const [started, slow, failed] = log.records();
    expect(started).toEqual({ level: "info", time: "2026-05-01T08:00:00.000Z", msg: "started", papers: 43 });
    expect(slow).toEqual({ level: "warn", time: "2026-05-01T08:00:01.500Z", component: "http", msg: "slow", ms: 12.5 });
    expect(failed).toMatchObject({
      level: "error",
      msg: "failed",
      error: { name: "Error", message: "boom", cause: { message: "root cause" } },
    });
    expect(String((failed?.["error"] as { stack?: unknown }).stack)).toMatch(/^Error: boom\n\s+at /);
  });

  it("filters by level; silent writes nothing", () => {
    const warn = capture("warn");
    warn.logger.debug("d");
    warn.logger.info("i");
    warn.logger.warn("w");
    warn.logger.error("e");
    expect(warn.records().map((record) => [record["level"], record["msg"]])).toEqual([
      ["warn", "w"],
      ["error", "e"],
    ]);
    const silent = capture("silent");
    silent.logger.error("nothing");
    silent.logger.child({ a: 1 }).error("nothing");
    expect(silent.text()).toBe("");
  });

  it("never writes a token, a secret, an Authorization header or a sig parameter, at any depth", () => {
    const log = capture("debug", [DISCORD_TOKEN, BUNDLE_SECRET]);
    const link = `https://bot.example.com/bundle/${BUNDLE_FILE_NAME}?exp=1767225600&sig=${SIG}`;
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic["self"] = cyclic;
    log.logger.child({ token: DISCORD_TOKEN }).debug(`requested ${link}`, {
      env: { DISCORD_TOKEN, BUNDLE_SECRET, LOG_LEVEL: "debug" },
      request: { url: link, headers: { Authorization: `Bot ${DISCORD_TOKEN}`, "content-type": "application/json" } },
      attempts: [{ url: new URL(link) }, [{ deeper: { secret: BUNDLE_SECRET, note: `key was ${BUNDLE_SECRET}` } }]],
      error: Object.assign(new Error(`401 for token ${DISCORD_TOKEN}`), { requestBody: { authorization: "Bearer abcdefghijkl" } }),
      publicUrl: "https://admin:hunter2@bot.example.com",
      free: `Authorization: Bot ${DISCORD_TOKEN.split(".").reverse().join(".")}`,
      cyclic,
    });
    const text = log.text();
    for (const secret of [DISCORD_TOKEN, BUNDLE_SECRET, SIG, "abcdefghijkl", "hunter2"]) expect(text).not.toContain(secret);
    const [record] = log.records();
    // The record keeps its shape; only the secret parts are replaced.
    expect(record).toMatchObject({
      token: REDACTED,
      msg: `requested https://bot.example.com/bundle/${BUNDLE_FILE_NAME}?exp=1767225600&sig=${REDACTED}`,
      env: { DISCORD_TOKEN: REDACTED, BUNDLE_SECRET: REDACTED, LOG_LEVEL: "debug" },
      request: {
        url: expect.stringContaining(`exp=1767225600&sig=${REDACTED}`),
        headers: { Authorization: REDACTED, "content-type": "application/json" },
      },
      attempts: [{ url: expect.stringContaining(`sig=${REDACTED}`) }, [{ deeper: { secret: REDACTED, note: `key was ${REDACTED}` } }]],
      error: { message: `401 for token ${REDACTED}`, requestBody: { authorization: REDACTED } },
      publicUrl: `https://${REDACTED}@bot.example.com`,
      cyclic: { name: "loop", self: "[circular]" },
    });
  });

  it("bounds the work on huge values", () => {
    const log = capture();
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 1000; i++) deep = { deep };
    log.logger.info("big", { deep, wide: Array.from({ length: 100_000 }, (_, i) => i), bytes: Buffer.alloc(1_000_000) });
    const [record] = log.records();
    expect((record?.["wide"] as unknown[]).length).toBe(100);
    expect(record?.["bytes"]).toBe("[1000000 bytes]");
    expect(log.text().length).toBeLessThan(10_000);
  });

  it("does not log the signature of a download request, even at debug", async () => {
    const logger = createMemoryLogger();
    const dir = mkdtempSync(join(tmpdir(), "paperbot-log-http-"));
    const server = await startHttpServer({
      port: 0,
      bundleStore: new BundleStore(dir),
      secret: BUNDLE_SECRET,
      clock: { now: () => new Date() },
      logger,
      health: () => ({ database: "ok", discord: "ready" }),
    });
    try {
      const url = signBundleUrl({
        baseUrl: server.url,
        fileName: BUNDLE_FILE_NAME,
        secret: BUNDLE_SECRET,
        expiresAt: new Date(Date.now() + 60_000),
      });
      const sig = new URL(url).searchParams.get("sig") ?? "";
      await (await fetch(url)).arrayBuffer();
      await (await fetch(url.replace(sig, sig.slice(1) + "A"))).arrayBuffer();
      await new Promise((resolve) => setImmediate(resolve));
      expect(logger.records.some((record) => record["msg"] === "http request")).toBe(true);
      expect(logger.lines.join("\n")).not.toContain(sig);
      expect(logger.lines.join("\n")).not.toContain(BUNDLE_SECRET);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs "http server listening" once when the services start', async () => {
    const dir = mkdtempSync(join(tmpdir(), "paperbot-log-services-"));
    const app = createTestApp({ BUNDLE_DIR: join(dir, "bundle"), HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", LOG_LEVEL: "debug" });
    try {
      const services = await startServices(app, {
        directMessenger: () => ({ send: async () => "unavailable" }),
        discordStatus: () => "disabled",
      });
      await services.stop();
      const listening = app.logs.records.filter((record) => record["msg"] === "http server listening");
      expect(listening).toEqual([
        expect.objectContaining({ level: "info", url: services.http.url, publicUrl: `http://localhost:${services.http.port}` }),
      ]);
    } finally {
      app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(loggerJs))("logger in a real process", () => {
  const run = (script: string, logger = loggerJs) =>
    spawnSync(
      process.execPath,
      ["--input-type=module", "-e", `import { createLogger } from ${JSON.stringify(pathToFileURL(logger).href)};\n${script}`],
      { encoding: "utf8" },
    );

  it("writes JSON to stderr synchronously, so lines logged just before exit are kept", () => {
    const child = run(`const log = createLogger("info"); for (let i = 0; i < 500; i++) log.info("line", { i }); process.exit(3);`);
    expect(child.status).toBe(3);
    expect(child.stdout).toBe("");
    const lines = child.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: string; i: number });
    expect(lines).toHaveLength(500);
    expect(lines.at(-1)).toMatchObject({ level: "info", i: 499 });
  });

  it("prints pino-pretty lines instead of JSON when asked (the default on a terminal)", () => {
    const child = run(`createLogger("info", undefined, { pretty: true }).warn("careful", { sig: "abc" }); process.exit(0);`);
    expect(child.stderr).toMatch(/WARN.*careful/);
    expect(child.stderr).toContain(REDACTED);
    expect(() => JSON.parse(child.stderr.split("\n")[0] ?? "")).toThrow();
  });

  it("a production install (pino-pretty is a development dependency) logs JSON even when pretty lines are asked for", () => {
    const install = productionInstall();
    onTestFinished(() => install.remove());
    expect(existsSync(join(install.root, "node_modules", "pino-pretty"))).toBe(false);
    const child = run(
      `createLogger("info", undefined, { pretty: true }).warn("careful", { sig: "abc" }); process.exit(0);`,
      install.path(loggerJs),
    );
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stderr.split("\n")[0] ?? "")).toMatchObject({ level: "warn", msg: "careful", sig: REDACTED });
  });
});
