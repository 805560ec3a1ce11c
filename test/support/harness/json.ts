/** Small JSON helpers, Discord's error answers, and request matching. */
import type { APIUser } from "discord-api-types/v10";
import type { HarnessResponse, JsonRecord, RequestMatcher, RequestPredicate } from "./types.js";

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
export function asRecord(value: unknown): JsonRecord | null {
  return isRecord(value) ? value : null;
}
export function asString(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
export function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
export function asArray(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}
export function charLength(value: string): number {
  return [...value].length;
}
export function clone<T>(value: T): T {
  return structuredClone(value);
}
export function nowIso(): string {
  return new Date().toISOString().replace("Z", "+00:00");
}

export function jsonError(status: number, code: number, message: string): HarnessResponse {
  return { status, body: { message, code } };
}
export const notFound = (): HarnessResponse => jsonError(404, 0, "404: Not Found");
export const unknownChannel = (): HarnessResponse => jsonError(404, 10003, "Unknown Channel");
export const unknownMessage = (): HarnessResponse => jsonError(404, 10008, "Unknown Message");
export const unknownWebhook = (): HarnessResponse => jsonError(404, 10015, "Unknown Webhook");
export const unknownInteraction = (): HarnessResponse => jsonError(404, 10062, "Unknown interaction");
export const missingAccess = (): HarnessResponse => jsonError(403, 50001, "Missing Access");
export const noContent = (): HarnessResponse => ({ status: 204 });
export const ok = (body: unknown): HarnessResponse => ({ status: 200, body });

/** Match "/a/:b/c" against "/a/1/c"; returns params or null. */
export function matchPathPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith(":") && w.length > 1) {
      if (g === "") return null;
      params[w.slice(1)] = g;
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

export function toPredicate(matcher: RequestMatcher): RequestPredicate {
  if (typeof matcher === "function") return matcher;
  const method = matcher.method?.toUpperCase();
  const path = matcher.path;
  return (request) => {
    if (method !== undefined && request.method !== method) return false;
    if (path === undefined) return true;
    if (typeof path === "string") return matchPathPattern(path, request.path) !== null;
    path.lastIndex = 0;
    return path.test(request.path);
  };
}

export function describeMatcher(matcher: RequestMatcher): string {
  if (typeof matcher === "function") return matcher.name ? `predicate ${matcher.name}` : "predicate";
  return `${matcher.method?.toUpperCase() ?? "*"} ${matcher.path === undefined ? "*" : String(matcher.path)}`;
}

/** A user object with Discord's defaults for the fields a test left out. */
export function fullUser(partial: Partial<APIUser> & { id: string }): APIUser {
  return {
    username: `user${partial.id.slice(-4)}`,
    discriminator: "0",
    global_name: null,
    avatar: null,
    ...partial,
  };
}
