import type { Paper } from "../catalog/types.js";
import { candidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { voteStore, type VoteStore } from "../db/votes.js";
import { paperKeyOf } from "./buttons.js";

export const TOP_PERIODS = ["week", "month", "all"] as const;
export type TopPeriod = (typeof TOP_PERIODS)[number];

const DAY_MS = 86_400_000;
/** Days each period looks back (rolling windows). */
export const PERIOD_DAYS: Record<Exclude<TopPeriod, "all">, number> = { week: 7, month: 30 };
export const TOP_LIMIT = 10;
/** Ranked papers read when a topic filters them (bounded, whatever the votes). */
const TOPIC_SCAN = 500;

export interface TopEntry {
  paperKey: string;
  votes: number;
  /** The listed paper, or null for a candidate of the arXiv watch. */
  paper: Paper | null;
  title: string;
  url: string;
  topics: readonly string[];
}

export interface TopQuery {
  period: TopPeriod;
  topic?: string | undefined;
  now: Date;
  limit?: number;
  /** Votes cast in [start, end) instead of the period's (a digest's week). */
  window?: { start: Date; end: Date };
}

export function periodStart(period: TopPeriod, now: Date): Date | null {
  return period === "all" ? null : new Date(now.getTime() - PERIOD_DAYS[period] * DAY_MS);
}

/** The most voted papers (listed papers and candidates), most votes first; papers neither listed nor held are left out. */
export function topPapers(db: Db, papers: readonly Paper[], query: TopQuery, store: VoteStore = voteStore(db)): TopEntry[] {
  const limit = query.limit ?? TOP_LIMIT;
  const candidates = candidateStore(db);
  const byKey = new Map(papers.map((paper) => [paperKeyOf(paper), paper]));
  const scan = query.topic ? TOPIC_SCAN : limit * 2;
  const ranked = query.window
    ? store.rankedBetween(query.window.start, query.window.end, scan)
    : store.ranked(periodStart(query.period, query.now), scan);
  const entries: TopEntry[] = [];
  for (const { paperKey, votes } of ranked) {
    if (entries.length >= limit) break;
    const paper = byKey.get(paperKey);
    let entry: TopEntry | null = null;
    if (paper) entry = { paperKey, votes, paper, title: paper.title, url: paper.url, topics: paper.topics };
    else {
      const candidate = candidates.get(paperKey);
      if (candidate && candidate.status !== "rejected")
        entry = {
          paperKey,
          votes,
          paper: null,
          title: candidate.title,
          url: `https://arxiv.org/abs/${candidate.arxivId}`,
          topics: candidate.reasons.topics,
        };
    }
    if (entry && (!query.topic || entry.topics.includes(query.topic))) entries.push(entry);
  }
  return entries;
}
