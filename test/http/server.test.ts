import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BUNDLE_FILE_NAME, BundleStore, buildBundle, type BundleResult } from "../../src/bundle/index.js";
import { signBundleUrl, startHttpServer, type HealthSnapshot, type RunningHttpServer } from "../../src/http/index.js";
import { createMemoryLogger } from "../../src/logger.js";
import { samplePaper, sampleReport } from "../support/papers.js";

const SECRET = "test-secret-0123456789abcdef0123456789";
const NOW = new Date("2025-01-01T00:00:00.000Z");

const paper = samplePaper({ title: 'Attention Is All You Need, "again" {x} & more' });
const report = sampleReport();

const sha256 = (data: Buffer | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Sends a request with the target exactly as given (fetch would normalise "../" and friends away). */
function rawRequest(
  port: number,
  target: string,
  method = "GET",
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: target, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Writes bytes straight to the socket, for request lines node's client refuses to send. Returns the status code. */
function rawSocket(port: number, requestLine: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("end", () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.on("error", reject);
    socket.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, "latin1");
  });
}

describe("HTTP server", () => {
  let dir: string;
  let store: BundleStore;
  let bundle: BundleResult;
  let server: RunningHttpServer;
  let now = NOW;
  let healthState: HealthSnapshot = { database: "ok", discord: "ready" };
  let healthThrows = false;
  const logger = createMemoryLogger();

  const signed = (options: { fileName?: string; expiresAt?: Date; secret?: string } = {}): string =>
    signBundleUrl({
      baseUrl: server.url,
      fileName: options.fileName ?? BUNDLE_FILE_NAME,
      secret: options.secret ?? SECRET,
      expiresAt: options.expiresAt ?? new Date(now.getTime() + 3600_000),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "paperbot-http-"));
    store = new BundleStore(join(dir, "store"), { clock: { now: () => now } });
    writeFileSync(join(dir, "secret.txt"), "TOP-SECRET-CONTENT");
    bundle = buildBundle([paper, report], { generatedAt: new Date(paper.addedAt) });
    store.write(bundle);
    server = await startHttpServer({
      port: 0,
      bundleStore: store,
      secret: SECRET,
      clock: { now: () => now },
      logger,
      health: () => {
        if (healthThrows) throw new Error("boom");
        return healthState;
      },
    });
  });

  beforeEach(() => {
    now = NOW;
    healthState = { database: "ok", discord: "ready" };
    healthThrows = false;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 and reports its URL and port", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it("serves the zip for a signed link", async () => {
    const response = await fetch(signed());
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(sha256(bytes)).toBe(bundle.sha256);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-length")).toBe(String(bundle.zip.length));
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${BUNDLE_FILE_NAME}"`);
    expect(response.headers.get("etag")).toBe(`"${bundle.sha256}"`);
    expect(response.headers.get("cache-control")).toMatch(/^private/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers HEAD with headers only and honours If-None-Match", async () => {
    const head = await fetch(signed(), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bundle.zip.length));
    expect(head.headers.get("etag")).toBe(`"${bundle.sha256}"`);
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const cached = await fetch(signed(), { headers: { "If-None-Match": `"${bundle.sha256}"` } });
    expect(cached.status).toBe(304);
  });

  it("refuses missing, malformed, tampered, wrongly keyed and expired signatures with 403 JSON", async () => {
    const good = new URL(signed());
    const exp = good.searchParams.get("exp") ?? "";
    const sig = good.searchParams.get("sig") ?? "";
    const flipped = sig.slice(0, 10) + (sig.charAt(10) === "A" ? "B" : "A") + sig.slice(11);
    const path = `/bundle/${BUNDLE_FILE_NAME}`;
    const cases = [
      path,
      `${path}?exp=${exp}`,
      `${path}?sig=${sig}`,
      `${path}?exp=${exp}&sig=${flipped}`,
      `${path}?exp=${Number(exp) + 1}&sig=${sig}`,
      `${path}?exp=${exp}&sig=${sig}&sig=${sig}`,
      `${path}?exp=${exp}&sig=${sig.slice(0, 40)}`,
      `${path}?exp=abc&sig=${sig}`,
    ];
    for (const target of cases) {
      const response = await fetch(server.url + target);
      expect(response.status, target).toBe(403);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await response.json()) as { error?: unknown };
      expect(typeof body.error).toBe("string");
    }
    expect((await fetch(signed({ secret: "another-secret-value-xxxxxxxx" }))).status).toBe(403);

    const expiredUrl = signed({ expiresAt: new Date(NOW.getTime() - 1000) });
    const expired = await fetch(expiredUrl);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: "link expired" });

    const later = signed({ expiresAt: new Date(NOW.getTime() + 60_000) });
    expect((await fetch(later)).status).toBe(200);
    now = new Date(NOW.getTime() + 61_000);
    expect((await fetch(later)).status).toBe(403);
  });

  it("404s a file name other than the current bundle, even when signed", async () => {
    for (const fileName of ["other.zip", "paperbot-llm-reading-list.zip.meta.json", "secret.txt"]) {
      const response = await fetch(signed({ fileName }));
      expect(response.status, fileName).toBe(404);
    }
    expect((await fetch(`${server.url}/bundle/other.zip`)).status).toBe(404);
  });

  it("never serves anything for traversal attempts", async () => {
    const targets = [
      "/bundle/../secret.txt",
      "/bundle/../../secret.txt",
      "/bundle/..%2fsecret.txt",
      "/bundle/..%2Fsecret.txt",
      "/bundle/%2e%2e%2fsecret.txt",
      "/bundle/%2E%2E/secret.txt",
      "/bundle/%2e%2e",
      "/bundle/..",
      "/bundle/.",
      "/bundle/.%2e/secret.txt",
      "/bundle/..\\secret.txt",
      "/bundle/%5c..%5csecret.txt",
      "/bundle/..%5csecret.txt",
      "/bundle//etc/passwd",
      "/bundle/%2fetc%2fpasswd",
      "/bundle/%2Fetc%2Fpasswd",
      "/bundle/C:%5cwindows%5cwin.ini",
      "/bundle/paperbot-llm-reading-list.zip%00",
      "/bundle/paperbot-llm-reading-list.zip%00.txt",
      "/bundle/%252e%252e%252fsecret.txt",
      "/bundle/%c0%ae%c0%ae%c0%afsecret.txt",
      "/bundle/%",
      "/../secret.txt",
      "/bundle/../bundle/paperbot-llm-reading-list.zip",
      "//etc/passwd",
      "/..%2f..%2fetc%2fpasswd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/store/paperbot-llm-reading-list.zip",
    ];
    for (const target of targets) {
      const response = await rawRequest(server.port, target);
      expect([400, 404], target).toContain(response.status);
      expect(response.body).not.toContain("TOP-SECRET");
      expect(response.body).not.toContain("root:");
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
    }
    // Signed links for traversal names fare no better.
    for (const fileName of ["../secret.txt", "..", "/etc/passwd", "..\\secret.txt", "a\0b"]) {
      const response = await rawRequest(server.port, new URL(signed({ fileName })).pathname + new URL(signed({ fileName })).search);
      expect([400, 404], fileName).toContain(response.status);
      expect(response.body).not.toContain("TOP-SECRET");
    }
    // Raw bytes node's client refuses to send: the parser or the router rejects them.
    for (const line of [
      "GET /bundle/\0 HTTP/1.1",
      "GET /bundle/..\\..\\secret.txt HTTP/1.1",
      "GET http://127.0.0.1/bundle/../secret.txt HTTP/1.1",
      "GET * HTTP/1.1",
    ]) {
      const response = await rawSocket(server.port, line);
      expect([400, 404], JSON.stringify(line)).toContain(response.status);
      expect(response.text).not.toContain("TOP-SECRET");
    }
  });

  it("404s unknown paths and 405s other methods with Allow", async () => {
    for (const target of [
      "/",
      "/bundle",
      "/bundle/",
      "/favicon.ico",
      "/healthz/x",
      "/BUNDLE/paperbot-llm-reading-list.zip",
      "/healthz.json",
    ]) {
      const response = await rawRequest(server.port, target);
      expect(response.status, target).toBe(404);
    }
    for (const [method, target] of [
      ["POST", new URL(signed()).pathname],
      ["PUT", "/bundle/x.zip"],
      ["DELETE", "/healthz"],
      ["OPTIONS", "/healthz"],
    ] as const) {
      const response = await rawRequest(server.port, target, method);
      expect(response.status, `${method} ${target}`).toBe(405);
      expect(response.headers["allow"]).toBe("GET, HEAD");
    }
  });

  it("serves 50 concurrent downloads with the right bytes", async () => {
    const url = signed();
    const results = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const response = await fetch(url);
        return { status: response.status, hash: sha256(Buffer.from(await response.arrayBuffer())) };
      }),
    );
    expect(results.every((result) => result.status === 200 && result.hash === bundle.sha256)).toBe(true);
  });

  it("reports health", async () => {
    const ok = await fetch(`${server.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const body: unknown = await ok.json();
    expect(body).toEqual({
      status: "ok",
      database: "ok",
      discord: "ready",
      bundle: { sha256: bundle.sha256, paperCount: 2, builtAt: NOW.toISOString() },
    });

    healthState = { database: "ok", discord: "connecting", uptimeSeconds: 12 };
    const degraded = await fetch(`${server.url}/healthz`);
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toMatchObject({ status: "degraded", discord: "connecting", uptimeSeconds: 12 });

    healthState = { database: "ok", discord: "disabled" };
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: "ok", discord: "disabled" });

    healthState = { database: "error", discord: "ready" };
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: "degraded", database: "error" });

    healthThrows = true;
    const threw = await fetch(`${server.url}/healthz`);
    expect(threw.status).toBe(503);
    expect(await threw.json()).toMatchObject({ status: "degraded", database: "error" });

    healthThrows = false;
    healthState = { database: "ok", discord: "ready" };
    const head = await fetch(`${server.url}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("logs each request at debug without the signature", async () => {
    await fetch(signed());
    const requests = logger.records.filter((record) => record["msg"] === "http request");
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((record) => record["level"] === "debug")).toBe(true);
    expect(requests.some((record) => record["path"] === `/bundle/${BUNDLE_FILE_NAME}` && record["status"] === 200)).toBe(true);
    expect(JSON.stringify(logger.records)).not.toContain("sig=");
  });

  it("serves a rebuilt bundle through the same link", async () => {
    const url = signed();
    const next = buildBundle([paper], { generatedAt: new Date(paper.addedAt) });
    store.write(next);
    try {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(next.sha256);
      expect(response.headers.get("etag")).toBe(`"${next.sha256}"`);
    } finally {
      store.write(bundle);
    }
  });
});
