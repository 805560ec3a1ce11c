import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
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

export interface OpenedBundle {
  info: BundleInfo;
  /** Open read-only handle on exactly the bytes described by `info`; the caller closes it (or hands it to a stream). */
  handle: FileHandle;
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
    /** Inode of the zip as renamed into place; lets readers notice a zip/metadata pair caught mid-update. */
    ino: z.number().int().nonnegative().optional(),
  })
  .strict();
type Metadata = z.infer<typeof metadataSchema>;

const METADATA_FILE_NAME = `${BUNDLE_FILE_NAME}.meta.json`;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/**
 * Keeps the current bundle zip in a directory: `<dir>/paperbot-llm-reading-list.zip` plus
 * `<dir>/paperbot-llm-reading-list.zip.meta.json`. Both are replaced atomically (temp file, fsync, rename), zip first,
 * so a reader always sees a complete zip; {@link BundleStore.open} also checks that the zip it opened is the one
 * the metadata describes. Other processes (e.g. a CLI rebuild) are picked up, since metadata is re-read when it changes.
 */
export class BundleStore {
  readonly dir: string;
  readonly zipPath: string;
  readonly metadataPath: string;
  private readonly clock: Clock;
  private cache: { key: string; metadata: Metadata } | null = null;

  constructor(dir: string, options: { clock?: Clock } = {}) {
    this.dir = resolve(dir);
    this.zipPath = join(this.dir, BUNDLE_FILE_NAME);
    this.metadataPath = join(this.dir, METADATA_FILE_NAME);
    this.clock = options.clock ?? systemClock;
  }

  /** Stores a built bundle, replacing the previous one. Synchronous, so in-process readers never see a half-update. */
  write(result: Pick<BundleResult, "zip" | "sha256" | "paperCount"> & { generatedAt?: string | null }): BundleInfo {
    const sha256 = createHash("sha256").update(result.zip).digest("hex");
    if (sha256 !== result.sha256) throw new Error("BundleStore.write: sha256 does not match the zip bytes");
    mkdirSync(this.dir, { recursive: true });

    this.replaceFile(this.zipPath, result.zip, 0o644);
    const ino = statSync(this.zipPath).ino;
    const metadata: Metadata = {
      version: 1,
      fileName: BUNDLE_FILE_NAME,
      sha256,
      size: result.zip.length,
      paperCount: result.paperCount,
      builtAt: this.clock.now().toISOString(),
      generatedAt: result.generatedAt ?? null,
      ...(Number.isSafeInteger(ino) && ino > 0 ? { ino } : {}),
    };
    this.replaceFile(this.metadataPath, Buffer.from(JSON.stringify(metadata, null, 2) + "\n", "utf8"), 0o644);
    this.syncDirectory();
    this.cache = null;
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
   * Opens the current zip for reading and checks it matches the metadata (size and inode), retrying once if a
   * concurrent write was caught between its two renames. Null when there is no consistent bundle to serve.
   */
  async open(): Promise<OpenedBundle | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const metadata = this.readMetadata();
      if (!metadata) return null;
      let handle: FileHandle;
      try {
        handle = await open(this.zipPath, OPEN_FLAGS);
      } catch (error) {
        if (errorCode(error) === "ENOENT" || errorCode(error) === "ELOOP") return null;
        throw error;
      }
      try {
        const stats = await handle.stat();
        if (stats.isFile() && stats.size === metadata.size && (metadata.ino === undefined || stats.ino === metadata.ino)) {
          return { info: this.toInfo(metadata), handle };
        }
      } catch (error) {
        await handle.close();
        throw error;
      }
      await handle.close();
      this.cache = null;
    }
    return null;
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

  private readMetadata(): Metadata | null {
    let key: string;
    try {
      const stats = statSync(this.metadataPath);
      key = `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch {
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

  private replaceFile(target: string, data: Buffer, mode: number): void {
    const temp = join(this.dir, `.${BUNDLE_FILE_NAME}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    let fd: number | null = openSync(temp, "wx", mode);
    try {
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
      if (fstatSync(fd).size !== data.length) throw new Error(`BundleStore: short write to ${temp}`);
      closeSync(fd);
      fd = null;
      renameSync(temp, target);
    } catch (error) {
      if (fd !== null) closeSync(fd);
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
      throw error;
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
