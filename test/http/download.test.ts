import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE_FILE_NAME, BundleStore } from "../../src/bundle/index.js";
import { decideRange } from "../../src/http/conditional.js";
import { signBundleUrl, startHttpServer, type RunningHttpServer } from "../../src/http/index.js";
import { createMemoryLogger } from "../../src/logger.js";

const SECRET = "download-test-secret-0123456789abcdef";
const NOW = new Date("2026-03-01T10:00:00.000Z");
const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** A stand-in bundle: the store and the server only care about bytes, their sha256 and the paper count. */
function fakeBundle(size: number): { zip: Buffer; sha256: string; paperCount: number } {
  const zip = randomBytes(size);
  return { zip, sha256: sha256(zip), paperCount: 1 };
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** A server over its own store and clock; always closed and cleaned up, even when an assertion fails. */
async function withServer(
  run: (t: { server: RunningHttpServer; store: BundleStore; dir: string; link: string; advance: (ms: number) => void }) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "paperbot-download-"));
  // The store's monotonic time, which decides when it looks for another process's rebuild (every 1 s).
  let elapsed = 0;
  const store = new BundleStore(dir, { clock: { now: () => NOW }, elapsedMs: () => elapsed });
  let server: RunningHttpServer | undefined;
  try {
    server = await startHttpServer({
      port: 0,
      bundleStore: store,
      secret: SECRET,
      clock: { now: () => NOW },
      logger: createMemoryLogger(),
      health: () => ({ database: "ok", discord: "ready" }),
    });
    const link = signBundleUrl({
      baseUrl: server.url,
      fileName: BUNDLE_FILE_NAME,
      secret: SECRET,
      expiresAt: new Date(NOW.getTime() + 3_600_000),
    });
    await run({ server, store, dir, link, advance: (ms) => (elapsed += ms) });
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("bundle download from memory", () => {
  it("serves 200 with validators and Accept-Ranges, and 304 for a matching If-None-Match or If-Modified-Since", async () => {
    await withServer(async ({ store, link }) => {
      const bundle = fakeBundle(100_000);
      store.write(bundle);
      const full = await get(link);
      expect(full.status).toBe(200);
      expect(sha256(full.body)).toBe(bundle.sha256);
      expect(full.headers["etag"]).toBe(`"${bundle.sha256}"`);
      expect(full.headers["last-modified"]).toBe("Sun, 01 Mar 2026 10:00:00 GMT");
      expect(full.headers["accept-ranges"]).toBe("bytes");
      expect(full.headers["content-length"]).toBe("100000");

      const etag = `"${bundle.sha256}"`;
      for (const ifNoneMatch of [etag, `"other", ${etag}`, `W/${etag}`, "*"]) {
        const cached = await get(link, { "If-None-Match": ifNoneMatch });
        expect(cached.status, ifNoneMatch).toBe(304);
        expect(cached.body.length).toBe(0);
        expect(cached.headers["etag"]).toBe(etag);
      }
      expect((await get(link, { "If-None-Match": '"other"' })).status).toBe(200);
      expect((await get(link, { "If-Modified-Since": "Sun, 01 Mar 2026 10:00:00 GMT" })).status).toBe(304);
      expect((await get(link, { "If-Modified-Since": "Sun, 01 Mar 2026 09:59:59 GMT" })).status).toBe(200);
      // If-None-Match wins over If-Modified-Since.
      expect((await get(link, { "If-None-Match": '"other"', "If-Modified-Since": "Sun, 01 Mar 2026 10:00:00 GMT" })).status).toBe(200);

      const head = await get(link, {}, "HEAD");
      expect(head.status).toBe(200);
      expect(head.headers["content-length"]).toBe("100000");
      expect(head.body.length).toBe(0);
    });
  });

  it("answers a single Range with 206 and the exact bytes, and 416 when it cannot be satisfied", async () => {
    await withServer(async ({ store, link }) => {
      const bundle = fakeBundle(1000);
      store.write(bundle);
      const cases: Array<[string, number, number]> = [
        ["bytes=0-99", 0, 99],
        ["bytes=900-", 900, 999],
        ["bytes=-50", 950, 999],
        ["bytes=990-5000", 990, 999],
        ["bytes=-5000", 0, 999],
        ["bytes=999-999", 999, 999],
      ];
      for (const [range, start, end] of cases) {
        const part = await get(link, { Range: range });
        expect(part.status, range).toBe(206);
        expect(part.headers["content-range"], range).toBe(`bytes ${start}-${end}/1000`);
        expect(part.headers["content-length"], range).toBe(String(end - start + 1));
        expect(part.body.equals(bundle.zip.subarray(start, end + 1)), range).toBe(true);
      }
      const head = await get(link, { Range: "bytes=0-9" }, "HEAD");
      expect(head.status).toBe(206);
      expect(head.headers["content-length"]).toBe("10");
      expect(head.body.length).toBe(0);

      for (const range of ["bytes=1000-", "bytes=5000-6000", "bytes=-0", "bytes=99999999999999999999-"]) {
        const refused = await get(link, { Range: range });
        expect(refused.status, range).toBe(416);
        expect(refused.headers["content-range"], range).toBe("bytes */1000");
      }

      // Ignored (the whole body, 200): several ranges, other units, bad syntax, a stale If-Range.
      for (const headers of <Array<Record<string, string>>>[
        { Range: "bytes=0-9,20-29" },
        { Range: "items=0-9" },
        { Range: "bytes=abc" },
        { Range: "bytes=50-10" },
        { Range: "bytes=0-9", "If-Range": '"an-older-bundle"' },
      ]) {
        const whole = await get(link, headers);
        expect(whole.status, JSON.stringify(headers)).toBe(200);
        expect(whole.body.equals(bundle.zip)).toBe(true);
      }
      const resumed = await get(link, { Range: "bytes=500-", "If-Range": `"${bundle.sha256}"` });
      expect(resumed.status).toBe(206);
      expect(resumed.body.equals(bundle.zip.subarray(500))).toBe(true);
    });
  });

  it("checks the signature before any range or cache logic", async () => {
    await withServer(async ({ store, link }) => {
      store.write(fakeBundle(1000));
      const unsigned = link.slice(0, link.indexOf("?"));
      expect((await get(unsigned, { Range: "bytes=0-9" })).status).toBe(403);
      expect((await get(unsigned, { "If-None-Match": "*" })).status).toBe(403);
    });
  });

  it("finishes a download with the bytes it started with when the bundle is rebuilt mid-way; the old link then gets the new bundle", async () => {
    await withServer(async ({ store, dir, link, advance }) => {
      const first = fakeBundle(8_000_000);
      const second = fakeBundle(7_000_000);
      store.write(first);
      // Start a download and stop reading after the headers: 8 MB do not fit in the socket buffers.
      const paused = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(link, { agent: false }, (res) => {
          res.pause();
          resolve(res);
        });
        req.on("error", reject);
        req.end();
      });
      expect(paused.headers["etag"]).toBe(`"${first.sha256}"`);
      store.write(second);
      const during = await get(link);
      expect(sha256(during.body)).toBe(second.sha256);
      expect(during.headers["etag"]).toBe(`"${second.sha256}"`);

      const rest = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        paused.on("data", (chunk: Buffer) => chunks.push(chunk));
        paused.on("end", () => resolve(Buffer.concat(chunks)));
        paused.on("error", reject);
        paused.resume();
      });
      expect(rest.length).toBe(first.zip.length);
      expect(sha256(rest)).toBe(first.sha256);

      // A rebuild by another process (e.g. `paperbot bundle build`) is picked up too, within a second.
      const third = fakeBundle(50_000);
      new BundleStore(dir).write(third);
      advance(999);
      expect((await get(link)).headers["etag"]).toBe(`"${second.sha256}"`);
      advance(1);
      const after = await get(link);
      expect(sha256(after.body)).toBe(third.sha256);
      // A resumed range against the old ETag gets the whole new bundle instead of a mix.
      const resumed = await get(link, { Range: "bytes=100-", "If-Range": `"${second.sha256}"` });
      expect(resumed.status).toBe(200);
      expect(sha256(resumed.body)).toBe(third.sha256);
    });
  });

  it("serves concurrent downloads while rebuilding: each body matches the ETag it came with", async () => {
    await withServer(async ({ store, link }) => {
      const versions = [fakeBundle(400_000), fakeBundle(300_000), fakeBundle(500_000)];
      store.write(versions[0] ?? fakeBundle(1));
      const known = new Set(versions.map((version) => `"${version.sha256}"`));
      const downloads = Array.from({ length: 30 }, () => get(link));
      for (const version of versions.slice(1)) store.write(version);
      const results = await Promise.all(downloads);
      for (const result of results) {
        expect(result.status).toBe(200);
        expect(known.has(String(result.headers["etag"]))).toBe(true);
        expect(`"${sha256(result.body)}"`).toBe(result.headers["etag"]);
      }
    });
  });
});

describe("Range decisions", () => {
  const validators = { ifRange: undefined, etag: '"a"', lastModified: "Sun, 01 Mar 2026 10:00:00 GMT" };
  it("handles edge cases without a server", () => {
    expect(decideRange(undefined, 10, validators)).toEqual({ kind: "full" });
    expect(decideRange("bytes=-", 10, validators)).toEqual({ kind: "full" });
    expect(decideRange("bytes=0-0", 0, validators)).toEqual({ kind: "unsatisfiable" });
    expect(decideRange("bytes=-3", 0, validators)).toEqual({ kind: "unsatisfiable" });
    expect(decideRange("BYTES = 2 - 4", 10, validators)).toEqual({ kind: "partial", range: { start: 2, end: 4 } });
    expect(decideRange("bytes=2-99999999999999999999", 10, validators)).toEqual({ kind: "partial", range: { start: 2, end: 9 } });
    expect(decideRange("bytes=2-4", 10, { ...validators, ifRange: validators.lastModified })).toEqual({
      kind: "partial",
      range: { start: 2, end: 4 },
    });
  });
});
