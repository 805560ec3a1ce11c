import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** Length of an unpadded base64url HMAC-SHA256 (32 bytes). */
export const SIGNATURE_LENGTH = 43;
export const BUNDLE_ROUTE_PREFIX = "/bundle/";

const EXP_PATTERN = /^\d{1,12}$/;
const SIG_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${SIGNATURE_LENGTH}}$`);

/** The query string of a signed link. `exp` is unix seconds; `sig` is unpadded base64url of the 32-byte MAC. */
export const signatureQuerySchema = z
  .object({
    exp: z.string().regex(EXP_PATTERN, "exp must be unix seconds"),
    sig: z.string().regex(SIG_PATTERN, "sig must be base64url HMAC-SHA256"),
  })
  .strict();
export type SignatureQuery = z.infer<typeof signatureQuerySchema>;

export type SignatureCheck = { ok: true; expiresAt: Date } | { ok: false; reason: "malformed" | "invalid" | "expired" };

/** Path a signed link points at: `/bundle/<encodeURIComponent(fileName)>`. */
export function bundlePath(fileName: string): string {
  return `${BUNDLE_ROUTE_PREFIX}${encodeURIComponent(fileName)}`;
}

function assertSecret(secret: string): void {
  if (typeof secret !== "string" || secret.length === 0) throw new Error("bundle link secret must be a non-empty string");
}

/** base64url HMAC-SHA256 of "GET\n/bundle/<file>\n<exp>" (HEAD requests use the same GET signature). */
export function computeBundleSignature(secret: string, fileName: string, exp: string | number): string {
  assertSecret(secret);
  return createHmac("sha256", secret)
    .update(`GET\n${bundlePath(fileName)}\n${String(exp)}`, "utf8")
    .digest("base64url");
}

export function signBundleUrl(options: { baseUrl: string; fileName: string; secret: string; expiresAt: Date }): string {
  const { fileName, secret, expiresAt } = options;
  if (fileName.length === 0) throw new Error("signBundleUrl: fileName is empty");
  const expMs = expiresAt.getTime();
  if (!Number.isFinite(expMs) || expMs < 0) throw new RangeError("signBundleUrl: expiresAt is not a valid date");
  const base = options.baseUrl.replace(/\/+$/, "");
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new Error(`signBundleUrl: baseUrl is not a URL: ${options.baseUrl}`);
  }
  if (
    (parsed.protocol !== "http:" && parsed.protocol !== "https:") ||
    parsed.search !== "" ||
    parsed.hash !== "" ||
    parsed.username !== "" ||
    parsed.password !== ""
  ) {
    throw new Error(`signBundleUrl: baseUrl must be a plain http(s) URL without query, fragment or credentials: ${options.baseUrl}`);
  }
  const exp = Math.floor(expMs / 1000);
  const sig = computeBundleSignature(secret, fileName, exp);
  return `${base}${bundlePath(fileName)}?exp=${exp}&sig=${sig}`;
}

/** A query component decoded as URLSearchParams would (`+` is a space); null when its escapes are malformed. */
function decodeComponent(raw: string): string | null {
  if (!raw.includes("%") && !raw.includes("+")) return raw;
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return null;
  }
}

/** `exp` and `sig` from a raw query string in one pass, without building a URLSearchParams (the download hot path). */
function scanSignatureQuery(query: string): SignatureQuery | null {
  let exp: string | undefined;
  let sig: string | undefined;
  // Bounded by the query's length, which node's header size limit bounds in turn.
  for (let start = query.startsWith("?") ? 1 : 0; start < query.length;) {
    const ampersand = query.indexOf("&", start);
    const end = ampersand < 0 ? query.length : ampersand;
    const equals = query.indexOf("=", start);
    const keyEnd = equals < 0 || equals > end ? end : equals;
    // A key with malformed escapes is some other parameter, as it is for URLSearchParams.
    const key = decodeComponent(query.slice(start, keyEnd));
    if (key === "exp" || key === "sig") {
      const value = decodeComponent(keyEnd === end ? "" : query.slice(keyEnd + 1, end));
      if (value === null) return null;
      if (key === "exp") {
        if (exp !== undefined) return null;
        exp = value;
      } else {
        if (sig !== undefined) return null;
        sig = value;
      }
    }
    start = end + 1;
  }
  if (exp === undefined || sig === undefined || !EXP_PATTERN.test(exp) || !SIG_PATTERN.test(sig)) return null;
  return { exp, sig };
}

/**
 * Pulls `exp` and `sig` out of a query string. Each must appear exactly once and be well formed; other parameters are
 * ignored. Returns null when the link is malformed.
 */
export function parseSignatureQuery(search: URLSearchParams | string): SignatureQuery | null {
  if (typeof search === "string") return scanSignatureQuery(search);
  const exp = search.getAll("exp");
  const sig = search.getAll("sig");
  if (exp.length !== 1 || sig.length !== 1) return null;
  const parsed = signatureQuerySchema.safeParse({ exp: exp[0], sig: sig[0] });
  return parsed.success ? parsed.data : null;
}

/**
 * Checks a signed link in constant time (crypto.timingSafeEqual over the canonical base64url strings, so a
 * non-canonical encoding of the right MAC is rejected too), then its expiry: valid while now < exp.
 */
export function verifyBundleSignature(options: {
  fileName: string;
  exp: string | number;
  sig: string;
  secret: string;
  now: Date;
}): SignatureCheck {
  const parsed = signatureQuerySchema.safeParse({ exp: String(options.exp), sig: options.sig });
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(computeBundleSignature(options.secret, options.fileName, parsed.data.exp), "ascii");
  const given = Buffer.from(parsed.data.sig, "ascii");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "invalid" };
  const expSeconds = Number(parsed.data.exp);
  if (expSeconds * 1000 <= options.now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, expiresAt: new Date(expSeconds * 1000) };
}

/** Verified MACs kept per signature verifier: links are reused, so a handful covers the links in circulation. */
const VERIFIED_CACHE_SIZE = 64;

/**
 * {@link verifyBundleSignature} for a server's hot path, with the same answers: computes the HMAC once per
 * (file name, exp) and keeps the last {@link VERIFIED_CACHE_SIZE} that matched a request in a small LRU. The given
 * signature is still compared with the expected one in constant time on every request; the cache is keyed by the
 * public part of the link only, and a wrong signature never enters it.
 */
export function createSignatureVerifier(
  secret: string,
  cacheSize = VERIFIED_CACHE_SIZE,
): (request: { fileName: string; exp: string; sig: string; nowMs: number }) => SignatureCheck {
  assertSecret(secret);
  const verified = new Map<string, Buffer>();
  const given = Buffer.alloc(SIGNATURE_LENGTH);
  return ({ fileName, exp, sig, nowMs }) => {
    if (!EXP_PATTERN.test(exp) || !SIG_PATTERN.test(sig)) return { ok: false, reason: "malformed" };
    const key = `${fileName}\n${exp}`;
    let expected = verified.get(key);
    const cached = expected !== undefined;
    expected ??= Buffer.from(computeBundleSignature(secret, fileName, exp), "ascii");
    given.write(sig, 0, "ascii");
    if (!timingSafeEqual(expected, given)) return { ok: false, reason: "invalid" };
    // Most recently used last; the oldest goes first when full.
    if (cached) verified.delete(key);
    else if (verified.size >= cacheSize) verified.delete(verified.keys().next().value ?? "");
    verified.set(key, expected);
    const expSeconds = Number(exp);
    if (expSeconds * 1000 <= nowMs) return { ok: false, reason: "expired" };
    return { ok: true, expiresAt: new Date(expSeconds * 1000) };
  };
}
