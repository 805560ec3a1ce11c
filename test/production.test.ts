import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BundleStore } from "../src/bundle/store.js";
import { startHttpServer } from "../src/http/index.js";
import { createMemoryLogger } from "../src/logger.js";
import { packageRoot } from "../src/paths.js";

const repoRoot = packageRoot(import.meta.dirname);
const healthcheckJs = join(repoRoot, "dist", "src", "healthcheck.js");
const built = existsSync(join(repoRoot, "dist", "src", "main.js"));

function runHealthcheck(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), "paperbot-healthcheck-"));
  const child = spawn(process.execPath, [healthcheckJs], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

describe("production build carries no test or bench code", () => {
  it("builds only src/ and commands/; the bench has its own config and output folder", () => {
    const build = JSON.parse(readFileSync(join(repoRoot, "tsconfig.build.json"), "utf8")) as { include: string[] };
    expect(build.include.sort()).toEqual(["commands", "src"]);
    const bench = JSON.parse(readFileSync(join(repoRoot, "tsconfig.bench.json"), "utf8")) as { compilerOptions: { outDir: string } };
    expect(bench.compilerOptions.outDir).toBe("dist-bench");
    const scripts = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["bench"]).toMatch(/tsc -p tsconfig\.bench\.json && node dist-bench\/bench\/run\.js$/);
    for (const ignoreFile of [".gitignore", ".dockerignore"])
      expect(readFileSync(join(repoRoot, ignoreFile), "utf8")).toMatch(/^dist-bench\/?$/m);
  });

  it("runs a supported Node LTS, states the minimum the code needs, and ships no pretty-printer", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      engines: { node: string };
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    // zlib.crc32 (the bundle's zip) arrived in Node 20.15; the image runs Node 22 LTS.
    expect(pkg.engines.node).toBe(">=20.15");
    const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    expect(dockerfile.split("\n").filter((line) => line.startsWith("FROM "))).toEqual([
      "FROM node:22-bookworm AS build",
      "FROM node:22-bookworm-slim AS runtime",
    ]);
    // pino-pretty is loaded only for a terminal, when installed: a development dependency, pruned from the image.
    expect(Object.keys(pkg.dependencies)).not.toContain("pino-pretty");
    expect(Object.keys(pkg.devDependencies)).toContain("pino-pretty");
  });

  it("the Docker image copies no bench or test code and checks /healthz", () => {
    const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    const copies = dockerfile.split("\n").filter((line) => /^\s*COPY\b/.test(line));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) expect(line, line).not.toMatch(/\b(bench|test)\b/);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node", "dist\/src\/healthcheck\.js"\]$/m);
  });

  it.skipIf(!built)("npm pack lists the build, the CLI and the catalog, and nothing from test/ or bench/", () => {
    const run = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const [pack] = JSON.parse(run.stdout) as Array<{ files: Array<{ path: string }> }>;
    const paths = (pack?.files ?? []).map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "bin/paperbot.js",
        "dist/src/main.js",
        "dist/src/healthcheck.js",
        "dist/commands/index.js",
        "data/catalog.json",
        "data/relevance-seeds.json",
      ]),
    );
    expect(paths.filter((path) => /(^|\/)(test|bench|dist-bench)\//.test(path))).toEqual([]);
    expect(
      paths.filter(
        (path) =>
          !/^(bin|dist\/src|dist\/commands)\/|^(data\/catalog\.json|data\/relevance-seeds\.json|package\.json|README\.md)$/.test(path),
      ),
    ).toEqual([]);
  });
});

describe("Docker HEALTHCHECK script", () => {
  it.skipIf(!built)("exits 0 when /healthz answers 200 and 1 when nothing listens or the database fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "paperbot-healthz-"));
    let database: "ok" | "error" = "ok";
    const server = await startHttpServer({
      host: "127.0.0.1",
      port: 0,
      bundleStore: new BundleStore(dir),
      secret: "healthcheck-test-secret",
      clock: { now: () => new Date("2026-01-01T00:00:00Z") },
      logger: createMemoryLogger(),
      health: () => ({ database, discord: "ready" }),
    });
    try {
      // HTTP_HOST 0.0.0.0 (the image's default) is reached through the loopback address.
      const ok = await runHealthcheck({ HTTP_PORT: String(server.port), HTTP_HOST: "0.0.0.0" });
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toContain(`http://127.0.0.1:${server.port}/healthz 200`);
      database = "error";
      expect((await runHealthcheck({ HTTP_PORT: String(server.port) })).code).toBe(1);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await runHealthcheck({ HTTP_PORT: String(server.port) })).code).toBe(1);
    expect((await runHealthcheck({ HTTP_PORT: "not-a-port" })).code).toBe(1);
  });
});
