import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fstatSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Replaces `target` with `data` so readers see the old file or the new one, never part of either: a temp file in the
 * same folder, written in full, synced, then renamed over it. `mode` is the new file's mode (less the umask); with
 * `exactMode` it is set exactly (to keep the mode of the file being replaced).
 */
export function replaceFileAtomically(target: string, data: Uint8Array, options: { mode?: number; exactMode?: number } = {}): void {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | null = openSync(temp, "wx", options.mode ?? 0o666);
  try {
    if (options.exactMode !== undefined) fchmodSync(fd, options.exactMode);
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
    if (fstatSync(fd).size !== data.length) throw new Error(`short write to ${temp}`);
    closeSync(fd);
    fd = null;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
}
