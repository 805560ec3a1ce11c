import { createHash } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ifNoneMatchHits } from "./conditional.js";

/** A page as the features render it. The same object stands for the same content: the server caches on it. */
export interface PageResponse {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

/** A page encoded once: its bytes, its strong ETag (200 only) and its headers. */
interface PreparedPage {
  payload: Buffer;
  etag: string | null;
  headers: Readonly<OutgoingHttpHeaders>;
  /** What a 304 repeats (RFC 9110 §15.4.5). */
  validators: Readonly<OutgoingHttpHeaders>;
}

const prepared = new WeakMap<PageResponse, PreparedPage>();

function prepare(page: PageResponse, baseHeaders: Readonly<OutgoingHttpHeaders>): PreparedPage {
  const payload = Buffer.from(page.body, "utf8");
  const etag = page.status === 200 ? `"${createHash("sha256").update(payload).digest("base64url").slice(0, 32)}"` : null;
  const validators = Object.freeze({ ...baseHeaders, ...page.headers, ...(etag ? { ETag: etag } : {}) });
  const headers = Object.freeze({ ...validators, "Content-Type": page.contentType, "Content-Length": payload.length });
  return { payload, etag, headers, validators };
}

/**
 * Bytes of responses accepted on a socket and not yet handed to the kernel: pipelined requests from a client that
 * does not read pile up here, so it is capped per socket.
 */
const queuedBytes = new WeakMap<Socket, number>();

/**
 * Accounts `bytes` of body against the socket's budget. A socket that already has responses waiting and would go over
 * `limit` is destroyed (false); one response larger than the limit on its own is still sent.
 */
export function admitResponse(req: IncomingMessage, res: ServerResponse, bytes: number, limit: number): boolean {
  // req.socket: a pipelined response waiting its turn has no socket of its own yet.
  const socket = req.socket;
  if (socket.destroyed) return false;
  const queued = (queuedBytes.get(socket) ?? 0) + socket.writableLength;
  if (queued > 0 && queued + bytes > limit) {
    socket.destroy();
    return false;
  }
  queuedBytes.set(socket, (queuedBytes.get(socket) ?? 0) + bytes);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    queuedBytes.set(socket, Math.max(0, (queuedBytes.get(socket) ?? 0) - bytes));
  };
  res.once("finish", release);
  res.once("close", release);
  return true;
}

/** Sends a page from its prepared form, answering 304 when `If-None-Match` names its ETag. */
export function sendPage(
  req: IncomingMessage,
  res: ServerResponse,
  page: PageResponse,
  options: { baseHeaders: Readonly<OutgoingHttpHeaders>; maxQueuedBytes: number },
): void {
  let ready = prepared.get(page);
  if (!ready) {
    ready = prepare(page, options.baseHeaders);
    prepared.set(page, ready);
  }
  if (ready.etag !== null && ifNoneMatchHits(req.headers["if-none-match"], ready.etag)) {
    res.writeHead(304, ready.validators);
    res.end();
    return;
  }
  const head = req.method === "HEAD";
  if (!admitResponse(req, res, head ? 0 : ready.payload.length, options.maxQueuedBytes)) return;
  res.writeHead(page.status, ready.headers);
  res.end(head ? undefined : ready.payload);
}

/** Why a request failed, as a browser is told it. */
export type ErrorReason = "notFound" | "badRequest" | "linkExpired" | "linkInvalid" | "busy";

/** What a page needs to know of a request beyond its path (see negotiate.ts). */
export interface PageQuery {
  query: URLSearchParams;
  accept: string | undefined;
  acceptLanguage: string | undefined;
}

/** Pages by path (null when the path is not one), and the error pages a browser gets instead of JSON. */
export interface PageSource {
  (path: string, request?: PageQuery): PageResponse | null;
  errorPage?: (status: number, reason: ErrorReason, request?: PageQuery) => PageResponse;
}
