import { readFileSync } from "node:fs";
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

export function loadCatalog(file: string): CatalogFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
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
