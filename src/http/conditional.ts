/** HTTP conditional and range requests (RFC 9110 §13, §14) for one representation with a strong ETag. */

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/** What to answer a `Range` header with: the whole body, one part, or 416. */
export type RangeDecision = { kind: "full" } | { kind: "partial"; range: ByteRange } | { kind: "unsatisfiable" };

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;
/** Longer numbers cannot be byte offsets we hold in memory; treat them as "past the end". */
const MAX_DIGITS = 15;

/** True when an `If-None-Match` list names `etag` (weak comparison, as the RFC requires for this header) or is `*`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** True when an `If-Modified-Since` date is at or after `lastModified` (both HTTP dates, second precision). */
export function notModifiedSince(header: string | undefined, lastModified: string): boolean {
  if (header === undefined) return false;
  const since = Date.parse(header);
  const modified = Date.parse(lastModified);
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}

/**
 * Decides on a `Range` header for a body of `size` bytes. One `bytes=` range is honoured; anything else (other units,
 * several ranges, bad syntax) is ignored and the whole body served, which the RFC allows. `If-Range` must carry the
 * current strong ETag (or the exact Last-Modified date) for the range to apply.
 */
export function decideRange(
  header: string | undefined,
  size: number,
  validators: { ifRange: string | undefined; etag: string; lastModified: string },
): RangeDecision {
  if (header === undefined) return { kind: "full" };
  const { ifRange, etag, lastModified } = validators;
  if (ifRange !== undefined && ifRange.trim() !== etag && ifRange.trim() !== lastModified) return { kind: "full" };
  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return { kind: "full" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "full" };
  if (first.length > MAX_DIGITS) return { kind: "unsatisfiable" };
  if (first === "") {
    // Suffix range: the last N bytes.
    const length = last.length > MAX_DIGITS ? size : Number(last);
    if (length === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", range: { start: Math.max(0, size - length), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === "" || last.length > MAX_DIGITS ? Number.POSITIVE_INFINITY : Number(last);
  if (end < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", range: { start, end: Math.min(end, size - 1) } };
}
