/**
 * Reads zip archives with independent tools, never with our own writer's code: yauzl (a maintained
 * reader) in process, and Info-ZIP `unzip` where it is installed.
 */
import { spawnSync } from "node:child_process";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";

export interface UnzippedEntry {
  name: string;
  data: Buffer;
  compressionMethod: number;
  generalPurposeBitFlag: number;
  lastModFileDate: number;
  lastModFileTime: number;
  /** Unix permission bits from the external attributes (host system Unix). */
  mode: number;
  versionMadeBy: number;
}

/**
 * Every entry of `zip`, in archive order, read by yauzl. Rejects on a malformed archive, a CRC-32 mismatch,
 * or a local header that disagrees with the central directory (yauzl itself trusts only the latter).
 */
export async function unzipEntries(zip: Buffer): Promise<UnzippedEntry[]> {
  const archive = await yauzl.fromBufferPromise(zip, {
    lazyEntries: true,
    strictFileNames: true,
    validateEntrySizes: true,
    decodeStrings: true,
  });
  const entries: UnzippedEntry[] = [];
  return new Promise<UnzippedEntry[]>((resolve, reject) => {
    archive.on("error", reject);
    archive.on("end", () => resolve(entries));
    archive.on("entry", (entry: yauzl.Entry) => {
      archive.readLocalFileHeader(entry, (headerError, local) => {
        if (headerError) return reject(headerError);
        const agrees =
          local.fileName.toString("utf8") === entry.fileName &&
          local.compressionMethod === entry.compressionMethod &&
          local.generalPurposeBitFlag === entry.generalPurposeBitFlag &&
          local.lastModFileDate === entry.lastModFileDate &&
          local.lastModFileTime === entry.lastModFileTime &&
          local.crc32 === entry.crc32 &&
          local.compressedSize === entry.compressedSize &&
          local.uncompressedSize === entry.uncompressedSize;
        if (!agrees) return reject(new Error(`local header of ${entry.fileName} disagrees with the central directory`));
        readEntryData(entry);
      });
    });
    const readEntryData = (entry: yauzl.Entry) =>
      archive.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("end", () => {
          const data = Buffer.concat(chunks);
          // yauzl leaves the CRC-32 to its caller.
          if (crc32(data) >>> 0 !== entry.crc32 >>> 0) return reject(new Error(`CRC-32 mismatch in ${entry.fileName}`));
          entries.push({
            name: entry.fileName,
            data,
            compressionMethod: entry.compressionMethod,
            generalPurposeBitFlag: entry.generalPurposeBitFlag,
            lastModFileDate: entry.lastModFileDate,
            lastModFileTime: entry.lastModFileTime,
            mode: (entry.externalFileAttributes >>> 16) & 0o7777,
            versionMadeBy: entry.versionMadeBy,
          });
          archive.readEntry();
        });
      });
    archive.readEntry();
  });
}

/** name (without `folder/`) → UTF-8 text of each entry. */
export async function unzipTexts(zip: Buffer, folder: string): Promise<Map<string, string>> {
  const entries = await unzipEntries(zip);
  return new Map(
    entries.map((entry) => [
      entry.name.startsWith(`${folder}/`) ? entry.name.slice(folder.length + 1) : entry.name,
      entry.data.toString("utf8"),
    ]),
  );
}

/** Whether Info-ZIP `unzip` is installed (tests that use it skip otherwise). */
export const unzipInstalled = spawnSync("unzip", ["-v"], { stdio: "ignore" }).error === undefined;
