import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { auc, bootstrapAucCi, precisionAt, round3 } from "../src/arxiv/metrics.js";
import { parseArxivFeed } from "../src/arxiv/parse.js";
import type { PaperText } from "../src/arxiv/score.js";
import { normalTitle, parseLandmarks, type LandmarkPaper } from "../src/arxiv/seeds.js";
import type { CatalogEntry } from "../src/catalog/schema.js";
import { keywordBaseline, tfidfBaseline } from "./relevance-baselines.js";

/** A labelled paper of an external evaluation set (a landmark: a paper the watch should show). */
export type EvalPaper = LandmarkPaper;

/** Every labelled paper in `path`: one JSON file, or every `*.json` file of a folder (so a held-out set can be dropped in). */
export function loadEvalSet(path: string): EvalPaper[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => join(path, name))
    : [path];
  return files.flatMap((file) => parseLandmarks(readFileSync(file, "utf8")));
}

/** The papers a feed announces (new and cross-listed: what the watch scores), as the parser gives them. */
export async function dayPapers(xml: string): Promise<PaperText[]> {
  const feed = await parseArxivFeed(xml);
  return feed.items
    .filter((item) => item.announceType === "new" || item.announceType === "cross")
    .map((item) => ({ title: item.title, abstract: item.abstract }));
}

/** Landmarks that are not already in the catalog (by arXiv id or title). */
export function outsideCatalog(landmarks: readonly EvalPaper[], catalog: readonly CatalogEntry[]): EvalPaper[] {
  const ids = new Set(catalog.map((entry) => entry.arxivId).filter((id): id is string => id !== null));
  const titles = new Set(catalog.map((entry) => normalTitle(entry.title)));
  return landmarks.filter((paper) => !(paper.arxivId && ids.has(paper.arxivId)) && !titles.has(normalTitle(paper.title)));
}

export interface MethodFigures {
  auc: number | null;
  auc_ci95: [number, number] | null;
  p20: number;
  threshold: number;
  shown_landmarks: number;
  landmarks: number;
  shown_day_share: number;
  shown_day: number;
  day: number;
}

/** The figures of one method: `scores` cover the landmarks first, then the day's papers. */
export function figures(scores: readonly number[], landmarks: number, threshold: number): MethodFigures {
  const labels = scores.map((_, index) => index < landmarks);
  const value = auc(scores, labels);
  const day = scores.length - landmarks;
  const shownLandmarks = scores.slice(0, landmarks).filter((score) => score >= threshold).length;
  const shownDay = scores.slice(landmarks).filter((score) => score >= threshold).length;
  return {
    auc: value === null ? null : round3(value),
    auc_ci95: bootstrapAucCi(scores, labels),
    p20: round3(precisionAt(scores, labels, 20)),
    threshold: round3(threshold),
    shown_landmarks: shownLandmarks,
    landmarks,
    shown_day_share: day === 0 ? 0 : round3(shownDay / day),
    shown_day: shownDay,
    day,
  };
}

/** The score at which `share` of the day's papers (those scores) would be shown: a baseline's threshold. */
export function thresholdForShare(dayScores: readonly number[], share: number): number {
  const sorted = [...dayScores].sort((a, b) => b - a);
  const allowed = Math.floor(sorted.length * share);
  // The smallest value above the (allowed+1)-th best, so at most `allowed` day papers pass.
  const next = sorted[allowed];
  if (next === undefined) return -Infinity;
  const above = sorted.filter((score) => score > next);
  return above.length === 0 ? Infinity : Math.min(...above);
}

/** The two baselines, each at the threshold that shows 10% of the day (the workload target). */
export function baselineFigures(
  canon: readonly CatalogEntry[],
  landmarks: readonly PaperText[],
  day: readonly PaperText[],
): { tfidf: MethodFigures; keywords: MethodFigures } {
  const papers = [...landmarks, ...day];
  const canonText = canon.map((entry) => [entry.title, entry.summary.en, ...entry.keyResults.en].join(" "));
  const tfidf = tfidfBaseline(canonText, papers);
  const keywords = keywordBaseline(papers);
  return {
    tfidf: figures(tfidf, landmarks.length, thresholdForShare(tfidf.slice(landmarks.length), 0.1)),
    keywords: figures(keywords, landmarks.length, thresholdForShare(keywords.slice(landmarks.length), 0.1)),
  };
}

export interface RelevanceBenchOptions {
  /** A JSON file or a folder of them (every `*.json`): the labelled landmarks. */
  evalPath: string;
  /** The ordinary day: an arXiv RSS capture. */
  dayPath: string;
  catalogPath: string;
}
