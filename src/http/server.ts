import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import type { BundleInfo, BundleSnapshot } from "../bundle/store.js";
import type { Clock, Logger } from "../logger.js";
import { decideRange, ifNoneMatchHits, notModifiedSince } from "./conditional.js";
import { HttpListenError } from "./listen-error.js";
import { BUNDLE_ROUTE_PREFIX, createSignatureVerifier, parseSignatureQuery } from "../bundle/sign.js";
import { admitResponse, sendPage, type ErrorReason, type PageSource } from "./page-response.js";
import { pageRequest, wantsHtml } from "./negotiate.js";
import { healthSnapshotSchema, type HealthBody, type HealthSnapshot } from "./health.js";
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from "./limits.js";

/** The part of BundleStore the server needs. */
export interface BundleSource {
  current(): BundleInfo | null;
  snapshot(): BundleSnapshot | null;
}

export interface HttpServerOptions {
  /** Interface to bind; default 127.0.0.1 (put a reverse proxy with TLS in front for public links). */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  bundleStore: BundleSource;
  /** HMAC secret the links were signed with. */
  secret: string;
  clock: Clock;
  logger: Logger;
  health: () => HealthSnapshot | Promise<HealthSnapshot>;
  /**
   * Extra pages by path (the home at /, search, the digest archive and feeds); null when the path is not theirs. Its
   * errorPage, when given, answers browsers (Accept: text/html) instead of the JSON errors API clients get.
   */
  pages?: PageSource;
  /** Per-client bounds; defaults in DEFAULT_HTTP_LIMITS. */
  limits?: Partial<HttpLimits>;
  /** How long close() lets in-flight responses finish before cutting every connection. Default 1000 ms. */
  shutdownGraceMs?: number;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ALLOWED_METHODS = "GET, HEAD";
/** Download names: one path segment of safe characters, never "." or "..". */
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "Cross-Origin-Resource-Policy": "same-origin",
});

interface RequestContext {
  note?: string;
}

/** The response headers for one bundle snapshot, built once when it is first served instead of per request. */
interface PreparedBundle {
  snapshot: BundleSnapshot;
  /** The file name as it appears, unencoded, in a request path. */
  fileName: string;
  /** 304 (and the base of 206). */
  validators: Readonly<OutgoingHttpHeaders>;
  /** 200 for the whole body (GET and HEAD). */
  full: Readonly<OutgoingHttpHeaders>;
}

function prepareBundle(snapshot: BundleSnapshot): PreparedBundle {
  const validators = Object.freeze({
    ...SECURITY_HEADERS,
    "Cache-Control": "private, no-transform",
    ETag: snapshot.etag,
    "Last-Modified": snapshot.lastModified,
    "Accept-Ranges": "bytes",
  });
  const full = Object.freeze({
    ...validators,
    "Content-Type": "application/zip",
    "Content-Length": snapshot.bytes.length,
    "Content-Disposition": `attachment; filename="${snapshot.info.fileName}"`,
  });
  return { snapshot, fileName: snapshot.info.fileName, validators, full };
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const payload = Buffer.from(JSON.stringify(body), "utf8");
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Cache-Control": "no-store",
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": payload.length,
    ...headers,
  });
  if (req.method === "HEAD") res.end();
  else res.end(payload);
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The host part of a URL that reaches a server bound to `host` from this machine. */
export function urlHost(host: string): string {
  if (host === "" || host === "0.0.0.0" || host === "::" || host === "[::]") return "127.0.0.1";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { bundleStore, secret, clock, health } = options;
  if (typeof secret !== "string" || secret.length === 0) throw new Error("startHttpServer: secret must be a non-empty string");
  const logger = options.logger.child({ component: "http" });
  const host = options.host ?? "127.0.0.1";
  const graceMs = Math.max(0, options.shutdownGraceMs ?? 1000);
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const pageOptions = { baseHeaders: SECURITY_HEADERS, maxQueuedBytes: limits.maxQueuedBytesPerSocket };
  let closing = false;

  /** JSON for API clients; an HTML page with a way back for a browser, when the pages provide one. */
  function sendError(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    reason: ErrorReason,
    body: { error: string },
    headers: Record<string, string> = {},
  ): void {
    const errorPage = options.pages?.errorPage;
    if (!errorPage || !wantsHtml(req.headers.accept)) return sendJson(req, res, status, body, headers);
    const page = errorPage(status, reason, pageRequest("", req.headers));
    sendPage(req, res, Object.keys(headers).length === 0 ? page : { ...page, headers: { ...page.headers, ...headers } }, pageOptions);
  }

  async function handleHealth(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let snapshot: z.infer<typeof healthSnapshotSchema>;
    let failed = false;
    try {
      const parsed = healthSnapshotSchema.safeParse(await health());
      if (parsed.success) snapshot = parsed.data;
      else {
        failed = true;
        snapshot = { database: "error", discord: "disconnected" };
      }
    } catch (error) {
      logger.warn("health check threw", { error });
      failed = true;
      snapshot = { database: "error", discord: "disconnected" };
    }
    let bundle: HealthBody["bundle"] = null;
    try {
      const info = bundleStore.current();
      if (info) bundle = { sha256: info.sha256, paperCount: info.paperCount, builtAt: info.builtAt };
    } catch (error) {
      logger.warn("could not read bundle metadata", { error });
    }
    const { database, discord, ...extra } = snapshot;
    delete extra["status"];
    delete extra["bundle"];
    const status: HealthBody["status"] = database === "ok" && (discord === "ready" || discord === "disabled") ? "ok" : "degraded";
    const body: HealthBody = { status, database, discord, bundle, ...extra, ...(failed ? { error: "health check failed" } : {}) };
    sendJson(req, res, database === "ok" ? 200 : 503, body);
  }

  const verifySignature = createSignatureVerifier(secret);
  let prepared: PreparedBundle | null = null;

  function handleBundle(req: IncomingMessage, res: ServerResponse, rawName: string, rawQuery: string, context: RequestContext): void {
    // Fast path: the exact name of the bundle being served needs no decoding or checking.
    if (prepared === null || rawName !== prepared.fileName) {
      if (rawName.length === 0 || rawName.includes("/")) return sendError(req, res, 404, "notFound", { error: "not found" });
      let name: string;
      try {
        name = decodeURIComponent(rawName);
      } catch {
        return sendError(req, res, 400, "linkInvalid", { error: "bad file name" });
      }
      if (!SAFE_FILE_NAME.test(name) || name.includes("..")) return sendError(req, res, 400, "linkInvalid", { error: "bad file name" });
      rawName = name;
    }
    const name = rawName;

    const snapshot = bundleStore.snapshot();
    if (!snapshot) {
      // A bundle that exists but could not be loaded consistently was caught mid-rebuild by another process.
      const info = bundleStore.current();
      if (info && info.fileName === name)
        return sendError(req, res, 503, "busy", { error: "bundle is being updated, try again" }, { "Retry-After": "1" });
      return sendError(req, res, 404, "notFound", { error: "not found" });
    }
    if (snapshot.info.fileName !== name) return sendError(req, res, 404, "notFound", { error: "not found" });

    const query = parseSignatureQuery(rawQuery);
    if (!query) {
      context.note = "signature missing or malformed";
      return sendError(req, res, 403, "linkInvalid", { error: "missing or malformed signature" });
    }
    const check = verifySignature({ fileName: name, exp: query.exp, sig: query.sig, nowMs: clock.now().getTime() });
    if (!check.ok) {
      context.note = `signature ${check.reason}`;
      return check.reason === "expired"
        ? sendError(req, res, 403, "linkExpired", { error: "link expired" })
        : sendError(req, res, 403, "linkInvalid", { error: "invalid signature" });
    }
    if (prepared?.snapshot !== snapshot) prepared = prepareBundle(snapshot);
    sendBundle(req, res, prepared);
  }

  /** Answers from the in-memory snapshot taken when the request arrived, so a rebuild never mixes two bundles. */
  function sendBundle(req: IncomingMessage, res: ServerResponse, bundle: PreparedBundle): void {
    const { bytes, etag, lastModified } = bundle.snapshot;
    const { headers } = req;
    const ifNoneMatch = headers["if-none-match"];
    if (ifNoneMatch !== undefined ? ifNoneMatchHits(ifNoneMatch, etag) : notModifiedSince(headers["if-modified-since"], lastModified)) {
      res.writeHead(304, bundle.validators);
      res.end();
      return;
    }
    if (req.method !== "HEAD" && !admitResponse(req, res, bytes.length, limits.maxQueuedBytesPerSocket)) return;
    if (headers.range === undefined) {
      res.writeHead(200, bundle.full);
      if (req.method === "HEAD") res.end();
      else res.end(bytes);
      return;
    }
    const decision = decideRange(headers.range, bytes.length, { ifRange: headerValue(headers["if-range"]), etag, lastModified });
    if (decision.kind === "unsatisfiable") {
      return sendJson(
        req,
        res,
        416,
        { error: "range not satisfiable" },
        { "Content-Range": `bytes */${bytes.length}`, "Accept-Ranges": "bytes" },
      );
    }
    if (decision.kind === "full") {
      res.writeHead(200, bundle.full);
      if (req.method === "HEAD") res.end();
      else res.end(bytes);
      return;
    }
    const { start, end } = decision.range;
    const body = bytes.subarray(start, end + 1);
    res.writeHead(206, {
      ...bundle.full,
      "Content-Length": body.length,
      "Content-Range": `bytes ${start}-${end}/${bytes.length}`,
    });
    if (req.method === "HEAD") res.end();
    else res.end(body);
  }

  function route(req: IncomingMessage, res: ServerResponse, context: RequestContext): void | Promise<void> {
    const rawUrl = req.url ?? "";
    const method = req.method ?? "";
    if (closing) res.setHeader("Connection", "close");
    if (!rawUrl.startsWith("/") || rawUrl.startsWith("//")) return sendError(req, res, 400, "badRequest", { error: "bad request target" });
    const queryAt = rawUrl.indexOf("?");
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? "" : rawUrl.slice(queryAt + 1);
    // Backslashes and NULs (raw or encoded) have no business in any of our paths.
    if (/[\\\0]|%5c|%00/i.test(rawPath)) return sendError(req, res, 400, "badRequest", { error: "bad path" });

    const isBundle = rawPath.startsWith(BUNDLE_ROUTE_PREFIX);
    const page = isBundle || rawPath === "/healthz" ? null : (options.pages?.(rawPath, pageRequest(rawQuery, req.headers)) ?? null);
    if (page && method !== "GET" && method !== "HEAD")
      return sendJson(req, res, 405, { error: "method not allowed" }, { Allow: ALLOWED_METHODS });
    if (page) return sendPage(req, res, page, pageOptions);
    if (rawPath !== "/healthz" && !isBundle) return sendError(req, res, 404, "notFound", { error: "not found" });
    if (method !== "GET" && method !== "HEAD") return sendJson(req, res, 405, { error: "method not allowed" }, { Allow: ALLOWED_METHODS });
    if (isBundle) return handleBundle(req, res, rawPath.slice(BUNDLE_ROUTE_PREFIX.length), rawQuery, context);
    return handleHealth(req, res);
  }

  function logRequest(req: IncomingMessage, res: ServerResponse, context: RequestContext): void {
    const started = performance.now();
    res.on("close", () => {
      const rawUrl = req.url ?? "";
      const path = (rawUrl.includes("?") ? rawUrl.slice(0, rawUrl.indexOf("?")) : rawUrl).slice(0, 200);
      logger.debug("http request", {
        method: req.method,
        path, // the query (with the signature) is deliberately not logged
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(context.note ? { note: context.note } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
  }

  const failed = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    logger.error("http handler failed", { error, method: req.method });
    if (!res.headersSent) sendJson(req, res, 500, { error: "internal error" });
    else res.destroy();
  };

  const server = createServer({ connectionsCheckingInterval: limits.connectionsCheckingIntervalMs }, (req, res) => {
    // Pipelined requests parsed from the same chunk still arrive after their connection was cut: no work for them.
    if (req.socket.destroyed) return;
    const context: RequestContext = {};
    // The per-request record is only built (and its listener only added) when debug records are written.
    if (logger.isLevelEnabled("debug")) logRequest(req, res, context);
    try {
      route(req, res, context)?.catch((error: unknown) => failed(req, res, error));
    } catch (error) {
      failed(req, res, error);
    }
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.maxConnections = limits.maxConnections;

  await new Promise<void>((resolve, reject) => {
    // Wrapped, so a start-up failure is told apart from other errors with the same system code (a Discord host that does not resolve).
    const onError = (error: Error): void => reject(new HttpListenError(host, options.port, { cause: error }));
    server.once("error", onError);
    server.listen({ host, port: options.port }, () => {
      server.off("error", onError);
      resolve();
    });
  });
  server.on("error", (error) => logger.error("http server error", { error }));

  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${address.port}`;
  // "http server listening" is logged once, by the caller, which also knows the public URL.

  let closed: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    close(): Promise<void> {
      if (closed) return closed;
      closing = true;
      closed = new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else {
            logger.info("http server closed");
            resolve();
          }
        });
        server.closeIdleConnections();
        if (graceMs === 0) server.closeAllConnections();
      });
      return closed;
    },
  };
}
