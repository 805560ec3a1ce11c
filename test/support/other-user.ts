/**
 * Running the built bot as another user ("nobody", uid 65534), for tests that need file permissions to bind: they do not
 * bind root. That user must be able to reach node, the built files, their production dependencies and the catalog; a
 * checkout inside a 0700 folder (a clone in /root or in `mktemp -d`) is out of its reach. Then the installed files are
 * copied to a world-readable folder under the system temp dir, as an install on a server would hold them.
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { z } from "zod";
import { repoRoot } from "./app.js";

export const OTHER_USER = { uid: 65534, gid: 65534 } as const;

/** True when file permissions bind this process; otherwise children must run as OTHER_USER to meet them. */
export const permissionsBindUs = process.getuid?.() !== 0;

/** Whether OTHER_USER can run node and read `paths`; the reason when not (e.g. a 0700 folder above them). */
export function otherUserCanRead(paths: readonly string[]): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(
    process.execPath,
    ["-e", "for (const p of process.argv.slice(1)) require('node:fs').accessSync(p, require('node:fs').constants.R_OK)", ...paths],
    {
      ...OTHER_USER,
      encoding: "utf8",
      timeout: 20_000,
    },
  );
  if (probe.error) return { ok: false, reason: `uid ${OTHER_USER.uid} cannot run ${process.execPath}: ${probe.error.message}` };
  if (probe.status === 0) return { ok: true };
  return { ok: false, reason: (/Error: (.+)/.exec(probe.stderr)?.[1] ?? probe.stderr.trim()) || `exit ${String(probe.status)}` };
}

const lockSchema = z.object({ packages: z.record(z.string(), z.object({ dev: z.boolean().optional() }).loose()) });

/** The top-level production packages of the lock file (what `npm ci --omit=dev` installs), as node_modules/… paths. */
function productionPackages(): string[] {
  const lock = lockSchema.parse(JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")));
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith("node_modules/") && path.lastIndexOf("node_modules/") === 0 && entry.dev !== true)
    .map(([path]) => path);
}

/** What a running install never reads: types, maps, docs, and better-sqlite3's sources and build leftovers. */
function unused(path: string): boolean {
  if (/\.(d\.[cm]?ts|map|md)$/.test(path)) return true;
  const inSqlite = /^node_modules\/better-sqlite3\/(.*)$/.exec(path)?.[1];
  return (
    inSqlite !== undefined &&
    (/^(deps|src)(\/|$)/.test(inSqlite) ||
      (inSqlite.startsWith("build/") && !/^build(\/Release(\/better_sqlite3\.node)?)?$/.test(inSqlite)))
  );
}

/**
 * Hard links where the temp dir shares the checkout's file system (copying some 70 MB takes tens of seconds on a busy
 * disk), a copy otherwise. Linked files keep their modes; the folders made here are 0755.
 */
function linkTree(from: string, to: string, path: string): void {
  const entries = readdirSync(join(from, path), { withFileTypes: true });
  mkdirSync(join(to, path), { recursive: true, mode: 0o755 });
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (unused(child)) continue;
    if (entry.isDirectory()) linkTree(from, to, child);
    else linkOrCopy(join(from, child), join(to, child));
  }
}

function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

export interface Install {
  /** The same file in the install OTHER_USER runs (the checkout itself when it can reach it). */
  path(fileInCheckout: string): string;
  /** A copy's reason, for failure messages; undefined when the checkout is used. */
  copiedBecause?: string;
  remove(): void;
}

/**
 * A production install of the checkout's build, as `npm ci --omit=dev` would lay it out: package.json, bin/, dist/,
 * data/catalog.json and the production node_modules (no dev dependencies), in a 0755 temp folder. Needs `npm run build`.
 */
export function productionInstall(): Install & { root: string } {
  const root = mkdtempSync(join(tmpdir(), "paperbot-install-"));
  try {
    chmodSync(root, 0o755);
    mkdirSync(join(root, "data"), { mode: 0o755 });
    for (const file of ["package.json", join("data", "catalog.json")]) linkOrCopy(join(repoRoot, file), join(root, file));
    for (const folder of ["bin", "dist", ...productionPackages()]) linkTree(repoRoot, root, folder);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return { root, path: (file) => join(root, relative(repoRoot, file)), remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The built bot as OTHER_USER can run it: the checkout when that user reaches it (or permissions bind us anyway), else
 * a production install in a temp folder every user can enter.
 */
export function installForOtherUser(): Install {
  const needed = [
    join(repoRoot, "bin", "paperbot.js"),
    join(repoRoot, "dist"),
    join(repoRoot, "data", "catalog.json"),
    join(repoRoot, "node_modules", "better-sqlite3", "package.json"),
  ];
  const access = permissionsBindUs ? ({ ok: true } as const) : otherUserCanRead(needed);
  if (access.ok) return { path: (file) => file, remove: () => undefined };
  const install = productionInstall();
  const copied = otherUserCanRead([install.path(join(repoRoot, "bin", "paperbot.js"))]);
  if (!copied.ok) {
    install.remove();
    throw new Error(
      `uid ${OTHER_USER.uid} cannot reach the checkout (${access.reason}) nor a copy under ${tmpdir()} (${copied.reason}); point TMPDIR at a folder every user can enter`,
    );
  }
  return { ...install, copiedBecause: access.reason };
}

/** Spawn options that run a child as OTHER_USER when we are root (nothing changes otherwise). */
export function asOtherUser(): Pick<SpawnSyncOptions, "uid" | "gid"> {
  return permissionsBindUs ? {} : { ...OTHER_USER };
}
