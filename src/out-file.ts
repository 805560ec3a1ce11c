import { lstatSync, readlinkSync, realpathSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { getSystemErrorMap } from "node:util";
import { replaceFileAtomically } from "./atomic-file.js";

/** The file named by --out could not be written; the message names that file (not the database). */
export class OutputFileError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${describeSystemError(cause)}\n  choose a file in a folder this user may write`, { cause });
    this.name = "OutputFileError";
  }
}

/** "no space left on device (ENOSPC)": the system's wording for the error's code, then the code. */
export function describeSystemError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const errno = "errno" in error && typeof error.errno === "number" ? error.errno : undefined;
  const known = errno === undefined ? undefined : getSystemErrorMap().get(errno);
  if (known) return `${known[1]} (${known[0]})`;
  return "code" in error && typeof error.code === "string" ? `${error.message} (${error.code})` : error.message;
}

/** Symlinks followed before giving up, as the kernel's own limit (ELOOP). */
const MAX_LINKS = 40;

/** What stat() says `path` is, or null when nothing is there. */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return null;
    throw error;
  }
}

/** Where --out leads: an open descriptor of this process (/dev/stdout, /dev/fd/N), or the file at the end of its links. */
type Destination = { fd: number } | { path: string };

/** /proc/self/fd, /proc/<pid>/fd (what /dev/fd resolves to): its entries are this process's open descriptors. */
const DESCRIPTOR_FOLDER = /^\/proc\/(?:self|thread-self|\d+)(?:\/task\/\d+)?\/fd$/;

/**
 * Follows `path` through every symlink, so a link stays a link and its target gets the content. A dangling link (its
 * target not there yet) is followed by hand, as realpath cannot. A name inside /proc/…/fd is an open descriptor:
 * opening it again fails for a socket (ENXIO) and would truncate a file the shell appends to, so it is written as is.
 */
function destination(path: string): Destination {
  let current = resolve(path);
  for (let hop = 0; hop < MAX_LINKS; hop += 1) {
    let folder: string;
    try {
      folder = realpathSync(dirname(current));
    } catch {
      // The folder is missing: let the write say so.
      return { path: current };
    }
    if (DESCRIPTOR_FOLDER.test(folder) && /^\d+$/.test(basename(current))) return { fd: Number(basename(current)) };
    current = join(folder, basename(current));
    let link: Stats;
    try {
      link = lstatSync(current);
    } catch {
      return { path: current };
    }
    if (!link.isSymbolicLink()) return { path: current };
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw Object.assign(new Error("too many symbolic links"), { code: "ELOOP", errno: -40 });
}

/** Through our own stdout/stderr stream (which knows how to write to a pipe, socket or terminal), or the descriptor itself. */
async function writeDescriptor(fd: number, data: string | Uint8Array): Promise<void> {
  const stream = fd === 1 ? process.stdout : fd === 2 ? process.stderr : undefined;
  if (!stream) {
    writeFileSync(fd, data);
    return;
  }
  await new Promise<void>((done, fail) => stream.write(data, (error) => (error ? fail(error) : done())));
}

/**
 * Writes `data` to the file a user named with --out (catalog export, bundle build):
 * - a regular file, or a new name: atomically (temp file in the same folder, then rename), so a reader never sees
 *   half of it; through symlinks, the link's target is replaced and the link stays a link;
 * - anything else (a FIFO, a terminal, /dev/null): written directly, since a rename would put a regular file in
 *   the special file's place; /dev/stdout and /dev/fd/N: written to that open descriptor.
 * Failures are OutputFileError, naming `path`.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  try {
    const to = destination(path);
    if ("fd" in to) return await writeDescriptor(to.fd, data);
    const existing = statOrNull(to.path);
    if (existing && !existing.isFile()) writeFileSync(to.path, data);
    else
      replaceFileAtomically(
        to.path,
        typeof data === "string" ? Buffer.from(data) : data,
        existing ? { exactMode: existing.mode & 0o7777 } : {},
      );
  } catch (error) {
    throw new OutputFileError(path, error);
  }
}
