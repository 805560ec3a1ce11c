// Signed bundle links: the signature, its parsing and verification (the server that checks them is in http.test.ts).
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BUNDLE_FILE_NAME } from "../../src/bundle/index.js";
import {
  computeBundleSignature,
  createSignatureVerifier,
  parseSignatureQuery,
  signBundleUrl,
  verifyBundleSignature,
} from "../../src/http/index.js";

const SECRET = "test-secret-0123456789abcdef0123456789";
const NOW = new Date("2025-01-01T00:00:00.000Z");

describe("signed links", () => {
  it("signs GET\\n/bundle/<file>\\n<exp> with HMAC-SHA256 as base64url", () => {
    const url = signBundleUrl({
      baseUrl: "https://bot.example.com/files/",
      fileName: BUNDLE_FILE_NAME,
      secret: SECRET,
      expiresAt: new Date("2025-01-01T01:00:00.900Z"),
    });
    const exp = 1735693200;
    const sig = createHmac("sha256", SECRET).update(`GET\n/bundle/${BUNDLE_FILE_NAME}\n${exp}`).digest("base64url");
    expect(url).toBe(`https://bot.example.com/files/bundle/${BUNDLE_FILE_NAME}?exp=${exp}&sig=${sig}`);
    expect(sig).toHaveLength(43);
    expect(computeBundleSignature(SECRET, BUNDLE_FILE_NAME, exp)).toBe(sig);
  });

  it("encodes the file name and rejects bad inputs", () => {
    const url = signBundleUrl({ baseUrl: "http://127.0.0.1:1", fileName: "a b/c.zip", secret: SECRET, expiresAt: NOW });
    expect(url.startsWith("http://127.0.0.1:1/bundle/a%20b%2Fc.zip?exp=")).toBe(true);
    expect(() => signBundleUrl({ baseUrl: "ftp://x", fileName: "a", secret: SECRET, expiresAt: NOW })).toThrow();
    expect(() => signBundleUrl({ baseUrl: "https://x/?q=1", fileName: "a", secret: SECRET, expiresAt: NOW })).toThrow();
    expect(() => signBundleUrl({ baseUrl: "https://x", fileName: "a", secret: "", expiresAt: NOW })).toThrow();
    expect(() => signBundleUrl({ baseUrl: "https://x", fileName: "a", secret: SECRET, expiresAt: new Date(Number.NaN) })).toThrow();
  });

  it("verifies, expires and rejects tampering", () => {
    const exp = Math.floor(NOW.getTime() / 1000) + 60;
    const sig = computeBundleSignature(SECRET, BUNDLE_FILE_NAME, exp);
    const base = { fileName: BUNDLE_FILE_NAME, secret: SECRET, now: NOW };
    expect(verifyBundleSignature({ ...base, exp, sig })).toEqual({ ok: true, expiresAt: new Date(exp * 1000) });
    expect(verifyBundleSignature({ ...base, exp: String(exp), sig })).toMatchObject({ ok: true });
    expect(verifyBundleSignature({ ...base, exp, sig, now: new Date(exp * 1000) })).toEqual({ ok: false, reason: "expired" });
    expect(verifyBundleSignature({ ...base, exp: exp + 1, sig })).toEqual({ ok: false, reason: "invalid" });
    expect(verifyBundleSignature({ ...base, exp, sig, fileName: "other.zip" })).toEqual({ ok: false, reason: "invalid" });
    expect(verifyBundleSignature({ ...base, exp, sig, secret: SECRET + "x" })).toEqual({ ok: false, reason: "invalid" });
    expect(verifyBundleSignature({ ...base, exp, sig: sig.slice(1) })).toEqual({ ok: false, reason: "malformed" });
    expect(verifyBundleSignature({ ...base, exp: "12a", sig })).toEqual({ ok: false, reason: "malformed" });
    expect(verifyBundleSignature({ ...base, exp, sig: sig.slice(0, 42) + "=" })).toEqual({ ok: false, reason: "malformed" });
    // A non-canonical encoding of the same 32 bytes (flipping the unused low bits of the last character) is rejected.
    const last = sig.charAt(42);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const twin = sig.slice(0, 42) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    expect(Buffer.from(twin, "base64url").equals(Buffer.from(sig, "base64url"))).toBe(true);
    expect(verifyBundleSignature({ ...base, exp, sig: twin })).toEqual({ ok: false, reason: "invalid" });
  });

  it("parses the query string strictly", () => {
    const sig = "a".repeat(43);
    expect(parseSignatureQuery(`exp=1&sig=${sig}`)).toEqual({ exp: "1", sig });
    expect(parseSignatureQuery(`?exp=1&sig=${sig}&utm=x`)).toEqual({ exp: "1", sig });
    expect(parseSignatureQuery(`exp=1&exp=2&sig=${sig}`)).toBeNull();
    expect(parseSignatureQuery(`exp=1`)).toBeNull();
    expect(parseSignatureQuery(`exp=-1&sig=${sig}`)).toBeNull();
    expect(parseSignatureQuery(`exp=1&sig=${"a".repeat(44)}`)).toBeNull();
    expect(parseSignatureQuery(`exp=1&sig=${"a".repeat(42)}+`)).toBeNull();
  });

  it("reads a raw query string exactly as URLSearchParams would", () => {
    const sig = "A".repeat(42) + "_";
    const queries = [
      `exp=1&sig=${sig}`,
      `?exp=1&sig=${sig}`,
      `sig=${sig}&exp=1`,
      `&&exp=1&&sig=${sig}&`,
      `exp=1&sig=${sig}&utm=a=b&x`,
      `exp=1&sig=${sig}&sig=${sig}`,
      `exp=1&e%78p=1&sig=${sig}`,
      `%65xp=1&sig=${sig}`,
      `exp=%31&sig=${sig.slice(0, 42)}%5F`,
      `exp=1&sig=${sig}&%zz=1&%E0=2`,
      `exp=%zz&sig=${sig}`,
      `exp=1%&sig=${sig}`,
      `exp&sig=${sig}`,
      `exp=&sig=${sig}`,
      `exp=1&sig`,
      `exp+=1&sig=${sig}`,
      `exp=1+&sig=${sig}`,
      `EXP=1&sig=${sig}`,
      `exp=1234567890123&sig=${sig}`,
      `exp=1&sig=${sig}#frag`,
      `exp=1&sig=${sig.slice(1)}`,
      "",
      "?",
    ];
    for (const query of queries) expect(parseSignatureQuery(query), query).toEqual(parseSignatureQuery(new URLSearchParams(query)));
    expect(parseSignatureQuery(`exp=%31&sig=${sig.slice(0, 42)}%5F`)).toEqual({ exp: "1", sig });
    expect(parseSignatureQuery(`%65xp=1&sig=${sig}`)).toEqual({ exp: "1", sig });
    expect(parseSignatureQuery(`exp=1&e%78p=1&sig=${sig}`)).toBeNull();
  });

  it("answers like verifyBundleSignature when verifying through the per-server cache", () => {
    const verify = createSignatureVerifier(SECRET, 2);
    const nowMs = NOW.getTime();
    const exps = [1, 2, 3, 4].map((offset) => String(Math.floor(nowMs / 1000) + offset * 60));
    const check = (exp: string, sig: string, at = nowMs, fileName = BUNDLE_FILE_NAME) => {
      const expected = verifyBundleSignature({ fileName, exp, sig, secret: SECRET, now: new Date(at) });
      expect(verify({ fileName, exp, sig, nowMs: at }), `${fileName} ${exp} ${sig}`).toEqual(expected);
      return expected;
    };
    // Twice each (the second from the cache), past its size, then the first again after it was evicted.
    for (const exp of [...exps, ...exps, ...exps.slice(0, 1)]) {
      const sig = computeBundleSignature(SECRET, BUNDLE_FILE_NAME, exp);
      expect(check(exp, sig)).toMatchObject({ ok: true });
      // A cached exp does not make a wrong signature, another file or a later time pass.
      const last = sig.charAt(42) === "A" ? "B" : "A";
      expect(check(exp, sig.slice(0, 42) + last)).toEqual({ ok: false, reason: "invalid" });
      expect(check(exp, sig, nowMs, "other.zip")).toEqual({ ok: false, reason: "invalid" });
      expect(check(exp, sig, Number(exp) * 1000)).toEqual({ ok: false, reason: "expired" });
      expect(check(exp, sig.slice(1))).toEqual({ ok: false, reason: "malformed" });
    }
    expect(check("12a", computeBundleSignature(SECRET, BUNDLE_FILE_NAME, exps[0] ?? ""))).toEqual({ ok: false, reason: "malformed" });
    expect(() => createSignatureVerifier("")).toThrow(/secret/);
  });
});
