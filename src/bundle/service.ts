import type { Paper } from "../catalog/types.js";
import type { Logger } from "../logger.js";
import { buildBundle } from "./build.js";
import type { BundleInfo, BundleStore } from "./store.js";

/** The bundle's timestamp: the catalog file's review date, or the newest moderator addition after it. */
export function bundleTimestamp(papers: readonly Paper[], catalogUpdated: string): Date {
  const moderated = papers.filter((paper) => paper.source === "moderator").map((paper) => paper.addedAt);
  const newest = [`${catalogUpdated}T00:00:00.000Z`, ...moderated].sort().at(-1) ?? `${catalogUpdated}T00:00:00.000Z`;
  return new Date(newest);
}

/** Builds the zip and stores it when its bytes differ from the stored one (the build is deterministic). */
export function refreshBundle(
  store: BundleStore,
  papers: readonly Paper[],
  catalogUpdated: string,
  logger: Logger,
): { info: BundleInfo; changed: boolean } {
  const result = buildBundle(papers, { generatedAt: bundleTimestamp(papers, catalogUpdated) });
  const current = store.current();
  if (current?.sha256 === result.sha256) return { info: current, changed: false };
  const info = store.write(result);
  logger.info("bundle built", { sha256: info.sha256, size: info.size, papers: info.paperCount });
  return { info, changed: true };
}
