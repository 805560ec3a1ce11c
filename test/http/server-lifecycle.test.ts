import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE_FILE_NAME, BundleStore } from "../../src/bundle/index.js";
import { signBundleUrl, startHttpServer, type RunningHttpServer } from "../../src/http/index.js";
import { createLogger, createMemoryLogger, type Logger } from "../../src/logger.js";

const SECRET = "test-secret-0123456789abcdef0123456789";
const NOW = new Date("2025-01-01T00:00:00.000Z");

describe("HTTP server lifecycle", () => {
  /** A server over an empty bundle directory. */
  async function startEmpty(discord: "ready" | "disconnected", logger: Logger = createMemoryLogger()) {
    const dir = mkdtempSync(join(tmpdir(), "paperbot-http-empty-"));
    const server = await startHttpServer({
      port: 0,
      bundleStore: new BundleStore(dir),
      secret: SECRET,
      clock: { now: () => NOW },
      logger,
      health: () => ({ database: "ok", discord }),
    });
    return { dir, server };
  }

  /** A valid signed link to the bundle, which an empty server does not have. */
  const bundleLink = (server: RunningHttpServer) =>
    signBundleUrl({ baseUrl: server.url, fileName: BUNDLE_FILE_NAME, secret: SECRET, expiresAt: new Date(NOW.getTime() + 60_000) });

  it("404s the bundle and reports bundle: null when nothing was built", async () => {
    const { dir, server } = await startEmpty("disconnected");
    try {
      expect((await fetch(bundleLink(server))).status).toBe(404);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({
        status: "degraded",
        database: "ok",
        discord: "disconnected",
        bundle: null,
      });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("close() resolves with keep-alive connections open and stops accepting", async () => {
    const { dir, server } = await startEmpty("ready");
    // A second client holds an idle socket open.
    const socket = connect(server.port, "127.0.0.1");
    const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    try {
      // fetch keeps its connection alive after this request.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      await connected;
      const socketClosed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      await server.close();
      await server.close(); // idempotent
      socket.destroy();
      await socketClosed;
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      socket.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes no per-request record when debug is off (server.test.ts covers the debug record); Logger.isLevelEnabled follows the level", async () => {
    const lines: string[] = [];
    const { dir, server } = await startEmpty(
      "ready",
      createLogger("info", (text) => lines.push(text)),
    );
    try {
      expect((await fetch(bundleLink(server))).status).toBe(404);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(lines.join("")).not.toContain("http request");
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const logger = createLogger("debug", () => undefined);
    expect([
      logger.isLevelEnabled("debug"),
      createLogger("info", () => undefined)
        .child({ a: 1 })
        .isLevelEnabled("debug"),
    ]).toEqual([true, false]);
  });

  it("rejects a missing secret and a port in use", async () => {
    const base = {
      port: 0,
      bundleStore: new BundleStore(tmpdir()),
      clock: { now: () => NOW },
      logger: createMemoryLogger(),
      health: () => ({ database: "ok", discord: "ready" }) as const,
    };
    await expect(startHttpServer({ ...base, secret: "" })).rejects.toThrow(/secret/);
    const first = await startHttpServer({ ...base, secret: SECRET });
    try {
      await expect(startHttpServer({ ...base, port: first.port, secret: SECRET })).rejects.toThrow();
    } finally {
      await first.close();
    }
  });
});
