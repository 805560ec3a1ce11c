import { closeSync, openSync, readSync } from "node:fs";
import { catalogFileSchema, type CatalogEntry, type CatalogFile } from "./schema.js";
import { compactKey } from "./text.js";

export class CatalogFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Catalog file ${file} is invalid:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "CatalogFileError";
  }
}

/** Reads and validates the catalog; every message names the file, the entry id and the field. */
export function loadCatalogFile(file: string): CatalogEntry[] {
  return loadCatalog(file).papers;
}

/** The largest catalog file read (the bundled one is about 0.2 MB); anything longer is refused unread. */
export const MAX_CATALOG_BYTES = 16 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * The file's text, read in chunks and given up once past `maxBytes`, so a huge file or an endless device
 * (CATALOG_PATH=/dev/zero) costs at most that much memory and time, and SIGTERM is handled right after. A size
 * from stat would not do: a character device or a pipe has none.
 */
function readBounded(file: string, maxBytes: number): string {
  const fd = openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes)
        throw new CatalogFileError(file, [
          `larger than ${Math.round(maxBytes / (1024 * 1024))} MB: not a catalog file (or the wrong path)`,
        ]);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export function loadCatalog(file: string, maxBytes: number = MAX_CATALOG_BYTES): CatalogFile {
  let text: string;
  try {
    text = readBounded(file, maxBytes);
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    throw new CatalogFileError(file, [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogFileError(file, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseCatalog(file, json);
}

export function parseCatalog(file: string, json: unknown): CatalogFile {
  const result = catalogFileSchema.safeParse(json);
  if (!result.success) {
    const papers = isRecord(json) && Array.isArray(json["papers"]) ? json["papers"] : [];
    const problems = result.error.issues.map((issue) => {
      const [first, index, ...field] = issue.path;
      if (first === "papers" && typeof index === "number") {
        const entry: unknown = papers[index];
        const id = isRecord(entry) && typeof entry["id"] === "string" ? entry["id"] : `#${index}`;
        return `entry ${id}, field ${field.map(String).join(".") || "(entry)"}: ${issue.message}`;
      }
      return `${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`;
    });
    throw new CatalogFileError(file, problems);
  }
  const problems = findDuplicates(result.data.papers);
  if (problems.length > 0) throw new CatalogFileError(file, problems);
  return result.data;
}

function findDuplicates(entries: CatalogEntry[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const arxivIds = new Map<string, string>();
  for (const entry of entries) {
    if (ids.has(entry.id)) problems.push(`entry ${entry.id}, field id: duplicate id`);
    ids.set(entry.id, entry.id);
    if (entry.arxivId) {
      const other = arxivIds.get(entry.arxivId);
      if (other) problems.push(`entry ${entry.id}, field arxivId: ${entry.arxivId} is also used by ${other}`);
      arxivIds.set(entry.arxivId, entry.id);
    }
    const keys = new Set<string>();
    for (const alias of entry.aliases) {
      const key = compactKey(alias);
      if (keys.has(key)) problems.push(`entry ${entry.id}, field aliases: "${alias}" repeats another alias`);
      keys.add(key);
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
