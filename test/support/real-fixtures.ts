/**
 * Real captures (arXiv feeds and API answers, Discord interaction payloads). Those under a licence that lets us copy
 * them (Apache-2.0, MIT) are committed in test/fixtures/real/ with their attribution (SOURCES.md there). The others
 * have no licence we may redistribute under; they stay in ../shared/fixtures/real/ (a developer's or CI's copy) and
 * the tests that read them carry the `unlicensed-capture` tag: the only skip test/support/summary-reporter.ts allows.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, sharedDir } from "./app.js";

export type CaptureKind = "arxiv-rss" | "arxiv-api" | "discord";

import { UNLICENSED_CAPTURE } from "./tags.js";

export { UNLICENSED_CAPTURE };

export const committedCapturesDir = join(repoRoot, "test", "fixtures", "real");
export const unlicensedCapturesDir = join(sharedDir, "fixtures", "real");
export const unlicensedCapturesAvailable = existsSync(unlicensedCapturesDir);

/**
 * Options for a test or suite reading an unlicensed capture: tagged, and skipped when ../shared is absent.
 * Use as `it(name, readsUnlicensedCapture, fn)` or `describe(name, readsUnlicensedCapture, fn)`.
 */
export const readsUnlicensedCapture = { tags: [UNLICENSED_CAPTURE], skip: !unlicensedCapturesAvailable };

/** A capture's path: the committed copy, else the one in ../shared (an unlicensed capture). */
export function capturePath(kind: CaptureKind, file: string): string {
  const committed = join(committedCapturesDir, kind, file);
  return existsSync(committed) ? committed : join(unlicensedCapturesDir, kind, file);
}

/** Every capture of a kind: the committed ones, plus the unlicensed ones when ../shared is present. */
export function captureFiles(kind: CaptureKind, extension: string): string[] {
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(extension)) : []);
  return [...new Set([...list(join(committedCapturesDir, kind)), ...list(join(unlicensedCapturesDir, kind))])].sort();
}
