import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** Length of an unpadded base64url HMAC-SHA256 (32 bytes). */
export const SIGNATURE_LENGTH = 43;
export const BUNDLE_ROUTE_PREFIX = "/bundle/";

/** The query string of a signed link. `exp` is unix seconds; `sig` is unpadded base64url of the 32-byte MAC. */
export const signatureQuerySchema = z
  .object({
    exp: z.string().regex(/^\d{1,12}$/, "exp must be unix seconds"),
    sig: z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${SIGNATURE_LENGTH}}$`), "sig must be base64url HMAC-SHA256"),
  })
  .strict();
export type SignatureQuery = z.infer<typeof signatureQuerySchema>;

export type SignatureCheck =
  | { ok: true; expiresAt: Date }
  | { ok: false; reason: "malformed" | "invalid" | "expired" };

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
  return createHmac("sha256", secret).update(`GET\n${bundlePath(fileName)}\n${String(exp)}`, "utf8").digest("base64url");
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
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.search !== "" || parsed.hash !== "" || parsed.username !== "" || parsed.password !== "") {
    throw new Error(`signBundleUrl: baseUrl must be a plain http(s) URL without query, fragment or credentials: ${options.baseUrl}`);
  }
  const exp = Math.floor(expMs / 1000);
  const sig = computeBundleSignature(secret, fileName, exp);
  return `${base}${bundlePath(fileName)}?exp=${exp}&sig=${sig}`;
}

/**
 * Pulls `exp` and `sig` out of a query string. Each must appear exactly once and be well formed; other parameters are
 * ignored. Returns null when the link is malformed.
 */
export function parseSignatureQuery(search: URLSearchParams | string): SignatureQuery | null {
  const params = typeof search === "string" ? new URLSearchParams(search.startsWith("?") ? search.slice(1) : search) : search;
  const exp = params.getAll("exp");
  const sig = params.getAll("sig");
  if (exp.length !== 1 || sig.length !== 1) return null;
  const parsed = signatureQuerySchema.safeParse({ exp: exp[0], sig: sig[0] });
  return parsed.success ? parsed.data : null;
}

/**
 * Checks a signed link in constant time (crypto.timingSafeEqual over the canonical base64url strings, so a
 * non-canonical encoding of the right MAC is rejected too), then its expiry: valid while now < exp.
 */
export function verifyBundleSignature(options: { fileName: string; exp: string | number; sig: string; secret: string; now: Date }): SignatureCheck {
  const parsed = signatureQuerySchema.safeParse({ exp: String(options.exp), sig: options.sig });
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(computeBundleSignature(options.secret, options.fileName, parsed.data.exp), "ascii");
  const given = Buffer.from(parsed.data.sig, "ascii");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "invalid" };
  const expSeconds = Number(parsed.data.exp);
  if (expSeconds * 1000 <= options.now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, expiresAt: new Date(expSeconds * 1000) };
}
