import { crc32, deflateRawSync } from "node:zlib";

/**
 * A small, deterministic ZIP writer. Tests read its archives with independent readers (yauzl, unzip).
 *
 * Determinism: entries are written in the order given after sorting by name, every entry carries the same
 * DOS timestamp (derived from the caller's date, in UTC), there are no extra fields, no comments and no
 * data descriptors, and deflate runs with fixed parameters. Same input → same bytes.
 *
 * Limits: no ZIP64, so at most 65,535 entries and 4 GiB per entry / archive; plenty for a reading list.
 */

export interface ZipInputEntry {
  /** Path inside the archive, "/"-separated, no leading slash, no "." or ".." segments. */
  name: string;
  data: Buffer;
  /** Unix permission bits, e.g. 0o644 (default) or 0o755 for scripts. */
  mode?: number;
}

const LOCAL_HEADER_SIG = 0x04034b50;
const CENTRAL_HEADER_SIG = 0x02014b50;
const END_OF_CENTRAL_DIR_SIG = 0x06054b50;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED; // host system 3 = Unix, so external attributes carry st_mode
const FLAG_UTF8 = 0x0800; // general-purpose bit 11: names are UTF-8
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const UINT32_MAX = 0xffffffff;
const S_IFREG = 0o100000;

/** MS-DOS date and time fields (2-second resolution, 1980–2107) from the UTC fields of `date`. */
export function toDosDateTime(date: Date): { time: number; date: number } {
  if (Number.isNaN(date.getTime())) throw new RangeError("zip: invalid date");
  let year = date.getUTCFullYear();
  let month = date.getUTCMonth() + 1;
  let day = date.getUTCDate();
  let hours = date.getUTCHours();
  let minutes = date.getUTCMinutes();
  let seconds = date.getUTCSeconds();
  if (year < 1980) {
    [year, month, day, hours, minutes, seconds] = [1980, 1, 1, 0, 0, 0];
  } else if (year > 2107) {
    [year, month, day, hours, minutes, seconds] = [2107, 12, 31, 23, 59, 58];
  }
  return {
    time: (hours << 11) | (minutes << 5) | (seconds >> 1),
    date: ((year - 1980) << 9) | (month << 5) | day,
  };
}

function assertEntryName(name: string): void {
  if (name.length === 0 || Buffer.byteLength(name, "utf8") > 0xffff) throw new Error(`zip: bad entry name length: ${name}`);
  if (name.startsWith("/") || name.includes("\\") || name.includes("\0")) throw new Error(`zip: unsafe entry name: ${name}`);
  if (name.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new Error(`zip: unsafe entry name: ${name}`);
  }
}

/** Builds a ZIP archive. Entries are sorted by name (code-unit order) so callers' ordering does not matter. */
export function writeZip(entries: readonly ZipInputEntry[], modifiedAt: Date): Buffer {
  if (entries.length > 0xffff) throw new Error("zip: too many entries (ZIP64 is not supported)");
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i];
    if (!entry) continue;
    assertEntryName(entry.name);
    if (i > 0 && sorted[i - 1]?.name === entry.name) throw new Error(`zip: duplicate entry name: ${entry.name}`);
  }
  const dos = toDosDateTime(modifiedAt);

  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;

  for (const entry of sorted) {
    const name = Buffer.from(entry.name, "utf8");
    const crc = crc32(entry.data) >>> 0;
    const deflated = deflateRawSync(entry.data, { level: 6, memLevel: 8, windowBits: 15, strategy: 0 });
    const useDeflate = deflated.length < entry.data.length;
    const payload = useDeflate ? deflated : entry.data;
    const method = useDeflate ? METHOD_DEFLATE : METHOD_STORE;
    if (entry.data.length > UINT32_MAX || payload.length > UINT32_MAX) throw new Error("zip: entry too large (ZIP64 is not supported)");

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER_SIG, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(dos.time, 10);
    local.writeUInt16LE(dos.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(payload.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field

    const mode = ((entry.mode ?? 0o644) & 0o7777) | S_IFREG;
    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER_SIG, 0);
    header.writeUInt16LE(VERSION_MADE_BY, 4);
    header.writeUInt16LE(VERSION_NEEDED, 6);
    header.writeUInt16LE(FLAG_UTF8, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(dos.time, 12);
    header.writeUInt16LE(dos.date, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(payload.length, 20);
    header.writeUInt32LE(entry.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(0, 30); // extra length
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number start
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE((mode << 16) >>> 0, 38); // external attributes: st_mode in the high 16 bits
    header.writeUInt32LE(offset, 42);

    chunks.push(local, name, payload);
    central.push(header, name);
    offset += local.length + name.length + payload.length;
    if (offset > UINT32_MAX) throw new Error("zip: archive too large (ZIP64 is not supported)");
  }

  const centralSize = central.reduce((sum, chunk) => sum + chunk.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIR_SIG, 0);
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // disk with central directory
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // comment length

  return Buffer.concat([...chunks, ...central, end]);
}
