/** The REST side: reads and records every request, applies test overrides, routes, and writes Discord-like answers. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { asNumber, asRecord, clone, jsonError, matchPathPattern, notFound, toPredicate } from "./json.js";
import { RecordLog } from "./record-log.js";
import type {
  HarnessResponse,
  OverrideHandle,
  Override,
  RecordedRequest,
  RequestDraft,
  RequestMatcher,
  RespondWithOptions,
  Route,
} from "./types.js";

export class HttpFront {
  readonly requestLog = new RecordLog<RecordedRequest>(
    (r) => `#${r.index} ${r.method} ${r.path}${r.query.size ? `?${r.query}` : ""} → ${r.response.status}`,
  );
  private readonly overrides: Override[] = [];

  constructor(
    private readonly routes: readonly Route[],
    private readonly token: string | undefined,
  ) {}

  /**
   * Answer matching REST requests with `response` instead of the default behaviour (first registered
   * matching override wins). For 429s without a Retry-After header, one is derived from body.retry_after
   * (discord.js reads the header, not the body).
   */
  respondWith(
    matcher: RequestMatcher,
    response: HarnessResponse | ((request: RecordedRequest) => HarnessResponse),
    options: RespondWithOptions = {},
  ): OverrideHandle {
    const override: Override = {
      predicate: toPredicate(matcher),
      response,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      until: options.until,
      hits: 0,
    };
    this.overrides.push(override);
    const overrides = this.overrides;
    return {
      get hits() {
        return override.hits;
      },
      remove() {
        const at = overrides.indexOf(override);
        if (at >= 0) overrides.splice(at, 1);
      },
    };
  }

  async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let draft: RequestDraft;
    try {
      draft = await this.readRequest(req);
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `harness could not read the request: ${String(error)}`, code: 0 }));
      return;
    }
    const request: RecordedRequest = {
      index: this.requestLog.items.length,
      method: draft.method,
      path: draft.path,
      rawPath: draft.rawPath,
      route: null,
      params: {},
      query: draft.query,
      headers: draft.headers,
      contentType: draft.contentType,
      body: draft.body,
      formFields: draft.formFields,
      files: draft.files,
      receivedAt: draft.receivedAt,
      response: { status: 0 },
      overridden: false,
    };
    const isApi = (req.url ?? "").startsWith("/api/v10/");
    const route = isApi
      ? this.routes.find((r) => r.method === request.method && matchPathPattern(r.pattern, request.path) !== null)
      : undefined;
    if (route) {
      request.route = `${route.method} ${route.pattern}`;
      request.params = matchPathPattern(route.pattern, request.path) ?? {};
    }
    const override = this.overrides.find((o) => o.remaining > 0 && o.predicate(request));
    let response: HarnessResponse;
    let until: PromiseLike<unknown> | undefined;
    if (override) {
      override.remaining--;
      override.hits++;
      if (override.remaining <= 0) this.overrides.splice(this.overrides.indexOf(override), 1);
      request.overridden = true;
      response = typeof override.response === "function" ? override.response(request) : clone(override.response);
      until = override.until;
    } else if (draft.parseError) {
      response = draft.parseError;
    } else if (!route) {
      response = notFound();
    } else if (route.auth && !this.authorised(request)) {
      response = jsonError(401, 0, "401: Unauthorized");
    } else {
      try {
        response = route.handle({ request, params: request.params, body: asRecord(request.body) });
      } catch (error) {
        response = {
          status: 500,
          body: { message: `harness error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, code: 0 },
        };
      }
    }
    request.response = response;
    this.requestLog.push(request);
    if (until) await Promise.resolve(until).catch(() => undefined);
    this.writeResponse(res, response);
  }

  private async readRequest(req: IncomingMessage): Promise<RequestDraft> {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const contentType = headers["content-type"] ?? null;
    const unversioned = url.pathname.startsWith("/api/v10/") ? url.pathname.slice("/api/v10".length) : url.pathname;
    const path = unversioned
      .split("/")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      })
      .join("/");
    const draft: RequestDraft = {
      method: (req.method ?? "GET").toUpperCase(),
      path,
      rawPath: url.pathname,
      query: url.searchParams,
      headers,
      contentType,
      body: null,
      formFields: {},
      files: [],
      receivedAt,
      parseError: null,
    };
    if (raw.length === 0) return draft;
    if (contentType?.startsWith("multipart/form-data")) {
      const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
      for (const [field, value] of form.entries()) {
        if (typeof value === "string") {
          if (field === "payload_json") {
            try {
              draft.body = JSON.parse(value);
            } catch {
              draft.parseError = jsonError(400, 50109, "The request body contains invalid JSON.");
            }
          } else {
            draft.formFields[field] = value;
          }
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          draft.files.push({ field, name: value.name, size: data.length, contentType: value.type || "application/octet-stream", data });
        }
      }
      return draft;
    }
    const text = raw.toString("utf8");
    if (contentType?.includes("json")) {
      try {
        draft.body = JSON.parse(text);
      } catch {
        draft.body = text;
        draft.parseError = jsonError(400, 50109, "The request body contains invalid JSON.");
      }
    } else {
      draft.body = text;
    }
    return draft;
  }

  /** Routes that need a token get "Bot <token>": any token, or the one the harness was started with. */
  private authorised(request: RecordedRequest): boolean {
    const header = request.headers["authorization"] ?? "";
    return this.token === undefined ? /^Bot \S+/.test(header) : header === `Bot ${this.token}`;
  }

  private writeResponse(res: ServerResponse, response: HarnessResponse): void {
    const headers: Record<string, string> = { ...response.headers };
    const lower = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
    const body = asRecord(response.body);
    if (response.status === 429 && !lower.has("retry-after")) {
      const retryAfter = asNumber(body?.["retry_after"]) ?? 0.05;
      headers["Retry-After"] = String(retryAfter);
      if (body?.["global"] === true && !lower.has("x-ratelimit-global")) headers["X-RateLimit-Global"] = "true";
      if (!lower.has("x-ratelimit-scope")) headers["X-RateLimit-Scope"] = body?.["global"] === true ? "global" : "user";
    }
    if (response.body === undefined || response.status === 204) {
      res.writeHead(response.status, headers);
      res.end();
      return;
    }
    if (!lower.has("content-type")) headers["Content-Type"] = "application/json";
    res.writeHead(response.status, headers);
    res.end(
      typeof response.body === "string" && !headers["Content-Type"]?.includes("json") ? response.body : JSON.stringify(response.body),
    );
  }
}
