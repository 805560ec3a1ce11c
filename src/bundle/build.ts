import { createHash } from "node:crypto";
import type { Paper } from "../catalog/types.js";
import { renderBibtex } from "./bibtex.js";
import { BUNDLE_FOLDER, orderPapers } from "./common.js";
import { renderHtml } from "./html.js";
import { renderReadme } from "./markdown.js";
import { renderFetchScript } from "./script.js";
import { renderCsv, renderJson } from "./tables.js";
import { writeZip, type ZipInputEntry } from "./zip.js";

export interface BundleOptions {
  /**
   * The date the bundle describes (newest paper `addedAt`, or the catalog version date). It is written into the files
   * and used as every zip entry's timestamp, so the same papers and date always give byte-identical output.
   */
  generatedAt: Date;
}

export interface BundleFile {
  /** Path inside the zip, e.g. "paperbot-llm-reading-list/README.md". */
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
}

export interface BundleResult {
  zip: Buffer;
  /** Hex SHA-256 of `zip`. */
  sha256: string;
  files: BundleFile[];
  paperCount: number;
  /** `options.generatedAt` as ISO-8601. */
  generatedAt: string;
}

/** The file names inside the bundle folder, in zip order. */
export const BUNDLE_ENTRY_NAMES = ["README.md", "fetch-pdfs.sh", "index.html", "papers.bib", "papers.csv", "papers.json"] as const;

/** Newest `addedAt` of the papers (a sensible `generatedAt`), or null for an empty list / unparseable dates. */
export function newestAddedAt(papers: readonly Pick<Paper, "addedAt">[]): Date | null {
  let newest: number | null = null;
  for (const paper of papers) {
    const at = Date.parse(paper.addedAt);
    if (!Number.isNaN(at) && (newest === null || at > newest)) newest = at;
  }
  return newest === null ? null : new Date(newest);
}

export function buildBundle(papers: readonly Paper[], options: BundleOptions): BundleResult {
  const generatedAt = new Date(options.generatedAt.getTime());
  if (Number.isNaN(generatedAt.getTime())) throw new RangeError("buildBundle: generatedAt is not a valid date");
  const ordered = orderPapers(papers);

  const contents: Record<(typeof BUNDLE_ENTRY_NAMES)[number], string> = {
    "README.md": renderReadme(ordered, generatedAt),
    "fetch-pdfs.sh": renderFetchScript(ordered, generatedAt),
    "index.html": renderHtml(ordered, generatedAt),
    "papers.bib": renderBibtex(ordered, generatedAt),
    "papers.csv": renderCsv(ordered),
    "papers.json": renderJson(ordered, generatedAt),
  };
  const entries: ZipInputEntry[] = BUNDLE_ENTRY_NAMES.map((name) => ({
    name: `${BUNDLE_FOLDER}/${name}`,
    data: Buffer.from(contents[name], "utf8"),
    mode: name.endsWith(".sh") ? 0o755 : 0o644,
  }));
  const zip = writeZip(entries, generatedAt);
  return {
    zip,
    sha256: createHash("sha256").update(zip).digest("hex"),
    files: entries.map((entry) => ({ name: entry.name, size: entry.data.length })),
    paperCount: ordered.length,
    generatedAt: generatedAt.toISOString(),
  };
}
