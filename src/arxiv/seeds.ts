import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { packageRoot } from "../paths.js";
import type { PaperText } from "./score.js";

/** A labelled landmark paper: real title and abstract, arXiv id, topics (in its own vocabulary), where it came from. */
export interface LandmarkPaper extends PaperText {
  arxivId: string | null;
  topics: string[];
}

const landmarkSchema = z
  .object({
    title: z.string().trim().min(1).max(1000),
    abstract: z.string().trim().min(1).max(20_000),
    arxiv_id: z.string().max(40).optional(),
    arxivId: z.string().max(40).optional(),
    topics: z.array(z.string().max(60)).max(20).optional(),
  })
  .loose();
const landmarkFileSchema = z.union([z.array(landmarkSchema), z.object({ papers: z.array(landmarkSchema) }).loose()]);

/** Landmarks from one JSON file: an array of papers or `{ papers: [...] }`. */
export function parseLandmarks(json: string): LandmarkPaper[] {
  const parsed = landmarkFileSchema.parse(JSON.parse(json));
  return (Array.isArray(parsed) ? parsed : parsed.papers).map((paper) => ({
    title: paper.title.replace(/\s+/g, " "),
    abstract: paper.abstract.replace(/\s+/g, " "),
    arxivId: (paper.arxiv_id ?? paper.arxivId ?? "").replace(/^arxiv:/i, "").replace(/v\d+$/, "") || null,
    topics: paper.topics ?? [],
  }));
}

/**
 * The relevance model's seed positives besides the canon: landmark LLM papers outside the reading list, with their
 * real abstracts (data/relevance-seeds.json, sources in data/relevance-seeds.SOURCES.md). Abstracts, unlike our
 * summaries, are written as the feed's papers are, so the model learns what a landmark abstract looks like.
 */
export function bundledSeedsPath(): string {
  const inCheckout = join(packageRoot(), "data", "relevance-seeds.json");
  // The Docker image keeps /app/data for the database (a volume) and puts shipped data next to the catalog.
  return existsSync(inCheckout) ? inCheckout : join(packageRoot(), "catalog", "relevance-seeds.json");
}

const loaded = new Map<string, LandmarkPaper[]>();

export function loadSeeds(path = bundledSeedsPath()): LandmarkPaper[] {
  let seeds = loaded.get(path);
  if (!seeds) loaded.set(path, (seeds = existsSync(path) ? parseLandmarks(readFileSync(path, "utf8")) : []));
  return seeds;
}

/** Whether two landmark records are the same paper (arXiv id, else title without case and punctuation). */
export function samePaper(a: LandmarkPaper, b: LandmarkPaper): boolean {
  if (a.arxivId && b.arxivId) return a.arxivId === b.arxivId;
  return normalTitle(a.title) === normalTitle(b.title);
}

export function normalTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}
