import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { replaceFileAtomically } from "../atomic-file.js";
import { systemClock, type Clock } from "../logger.js";
import type { BundleResult } from "./build.js";
import { BUNDLE_FILE_NAME } from "./common.js";

export interface BundleInfo {
  /** Absolute path of the zip. */
  path: string;
  /** Name clients download it as (and the only name the HTTP server serves). */
  fileName: string;
  size: number;
  /** Hex SHA-256 of the zip. */
  sha256: string;
  paperCount: number;
  /** ISO-8601: when this zip was written to the store. */
  builtAt: string;
  /** ISO-8601 `generatedAt` the bundle was built with, when known. */
  generatedAt: string | null;
}

/** The current bundle held in memory: never mutated, replaced as a whole when the bundle changes. */
export interface BundleSnapshot {
  info: BundleInfo;
  /** Exactly the zip described by `info` (its sha256 checked). */
  bytes: Buffer;
  /** Strong HTTP entity tag: the quoted sha256. */
  etag: string;
  /** HTTP date of `info.builtAt`. */
  lastModified: string;
}

const metadataSchema = z
  .object({
    version: z.literal(1),
    fileName: z.literal(BUNDLE_FILE_NAME),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().nonnegative(),
    paperCount: z.number().int().nonnegative(),
    builtAt: z.iso.datetime(),
    generatedAt: z.iso.datetime().nullable(),
    /** Written by earlier versions; readers now check the zip's sha256 instead. */
    ino: z.number().int().nonnegative().optional(),
  })
  .strict();
type Metadata = z.infer<typeof metadataSchema>;

export interface BundleStoreOptions {
  /** Timestamps written into the metadata (`builtAt`). */
  clock?: Clock;
  /** How long snapshot() trusts the bundle it holds before looking at the metadata file again; default 1000 ms. */
  recheckMs?: number;
  /** Monotonic milliseconds for `recheckMs` (default performance.now), injectable for tests. */
  elapsedMs?: () => number;
}

const DEFAULT_RECHECK_MS = 1000;
const METADATA_FILE_NAME = `${BUNDLE_FILE_NAME}.meta.json`;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/**
 * Keeps the current bundle zip in a directory: `<dir>/paperbot-llm-reading-list.zip` plus
 * `<dir>/paperbot-llm-reading-list.zip.meta.json`. Both are replaced atomically (temp file, fsync, rename), zip first,
 * so a reader always sees a complete zip. {@link BundleStore.snapshot} serves the zip from memory, loading it once
 * per change and checking its sha256 against the metadata. A write through this store is served at once; a rebuild
 * by another process (e.g. `paperbot bundle build`) is picked up within `recheckMs`, since snapshot() looks at the
 * metadata file again at most that often (a stat per download cost more than the rest of the request).
 */
export class BundleStore {
  readonly dir: string;
  readonly zipPath: string;
  readonly metadataPath: string;
  private readonly clock: Clock;
  private readonly recheckMs: number;
  private readonly elapsedMs: () => number;
  private cache: { key: string; metadata: Metadata } | null = null;
  /** `checkedAt`: when the metadata last matched `key`, on the `elapsedMs` scale. */
  private loaded: { key: string; snapshot: BundleSnapshot; checkedAt: number } | null = null;

  constructor(dir: string, options: BundleStoreOptions = {}) {
    this.dir = resolve(dir);
    this.zipPath = join(this.dir, BUNDLE_FILE_NAME);
    this.metadataPath = join(this.dir, METADATA_FILE_NAME);
    this.clock = options.clock ?? systemClock;
    this.recheckMs = Math.max(0, options.recheckMs ?? DEFAULT_RECHECK_MS);
    this.elapsedMs = options.elapsedMs ?? (() => performance.now());
  }

  /** Stores a built bundle, replacing the previous one. Synchronous, so in-process readers never see a half-update. */
  write(result: Pick<BundleResult, "zip" | "sha256" | "paperCount"> & { generatedAt?: string | null }): BundleInfo {
    const sha256 = createHash("sha256").update(result.zip).digest("hex");
    if (sha256 !== result.sha256) throw new Error("BundleStore.write: sha256 does not match the zip bytes");
    mkdirSync(this.dir, { recursive: true });

    replaceFileAtomically(this.zipPath, result.zip, { mode: 0o644 });
    const metadata: Metadata = {
      version: 1,
      fileName: BUNDLE_FILE_NAME,
      sha256,
      size: result.zip.length,
      paperCount: result.paperCount,
      builtAt: this.clock.now().toISOString(),
      generatedAt: result.generatedAt ?? null,
    };
    replaceFileAtomically(this.metadataPath, Buffer.from(JSON.stringify(metadata, null, 2) + "\n", "utf8"), { mode: 0o644 });
    this.syncDirectory();
    const key = this.metadataKey();
    this.cache = key === null ? null : { key, metadata };
    // One assignment swaps the served bytes: a download in progress keeps the snapshot it started with.
    this.loaded = key === null ? null : { key, snapshot: this.toSnapshot(metadata, Buffer.from(result.zip)), checkedAt: this.elapsedMs() };
    return this.toInfo(metadata);
  }

  /** The stored bundle, or null if there is none (or its metadata is unreadable, or the zip is missing). */
  current(): BundleInfo | null {
    const metadata = this.readMetadata();
    if (!metadata) return null;
    try {
      if (!statSync(this.zipPath).isFile()) return null;
    } catch {
      return null;
    }
    return this.toInfo(metadata);
  }

  /**
   * The current bundle in memory. The metadata is looked at again at most every `recheckMs`; the zip is loaded from
   * disk only when the metadata changed (another process rebuilt it), and only if its sha256 matches the metadata;
   * retried once in case a concurrent write was caught between its two renames. Null when there is no consistent
   * bundle to serve.
   */
  snapshot(): BundleSnapshot | null {
    const now = this.elapsedMs();
    const held = this.loaded;
    if (held !== null && now >= held.checkedAt && now - held.checkedAt < this.recheckMs) return held.snapshot;
    for (let attempt = 0; attempt < 2; attempt++) {
      const metadata = this.readMetadata();
      const key = this.cache?.key;
      if (!metadata || key === undefined) return null;
      if (this.loaded?.key === key) {
        this.loaded.checkedAt = now;
        return this.loaded.snapshot;
      }
      const bytes = this.readZip();
      if (bytes === null) return null;
      if (bytes.length === metadata.size && createHash("sha256").update(bytes).digest("hex") === metadata.sha256) {
        this.loaded = { key, snapshot: this.toSnapshot(metadata, bytes), checkedAt: now };
        return this.loaded.snapshot;
      }
      this.cache = null;
    }
    return null;
  }

  private readZip(): Buffer | null {
    let fd: number;
    try {
      fd = openSync(this.zipPath, OPEN_FLAGS);
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ELOOP") return null;
      throw error;
    }
    try {
      return fstatSync(fd).isFile() ? readFileSync(fd) : null;
    } finally {
      closeSync(fd);
    }
  }

  private toSnapshot(metadata: Metadata, bytes: Buffer): BundleSnapshot {
    return { info: this.toInfo(metadata), bytes, etag: `"${metadata.sha256}"`, lastModified: new Date(metadata.builtAt).toUTCString() };
  }

  private toInfo(metadata: Metadata): BundleInfo {
    return {
      path: this.zipPath,
      fileName: metadata.fileName,
      size: metadata.size,
      sha256: metadata.sha256,
      paperCount: metadata.paperCount,
      builtAt: metadata.builtAt,
      generatedAt: metadata.generatedAt,
    };
  }

  /** Changes whenever the metadata file is replaced; null when it is missing. */
  private metadataKey(): string | null {
    try {
      const stats = statSync(this.metadataPath);
      return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch {
      return null;
    }
  }

  private readMetadata(): Metadata | null {
    const key = this.metadataKey();
    if (key === null) {
      this.cache = null;
      return null;
    }
    if (this.cache?.key === key) return this.cache.metadata;
    try {
      const parsed = metadataSchema.safeParse(JSON.parse(readFileSync(this.metadataPath, "utf8")));
      if (!parsed.success) return null;
      this.cache = { key, metadata: parsed.data };
      return parsed.data;
    } catch {
      return null;
    }
  }

  /** Makes the renames durable. Not possible on every platform (e.g. Windows), hence best effort. */
  private syncDirectory(): void {
    let fd: number | null = null;
    try {
      fd = openSync(this.dir, "r");
      fsyncSync(fd);
    } catch {
      // best effort
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }
}
