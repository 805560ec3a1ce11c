import { paperShortName } from "../catalog/format.js";
import type { Paper } from "../catalog/types.js";
import type { Db } from "../db/connection.js";
import { t, type Locale } from "../i18n/index.js";
import type { MessageRow } from "../shared/reply.js";
import { row } from "../shared/embeds.js";
import { paperKeyOf, voteButton } from "./buttons.js";
import { topPapers } from "./top.js";

/** Papers in the digest's "Top this week by the community". */
export const COMMUNITY_TOP_IN_DIGEST = 5;
/** Vote buttons under a digest: four rows of five (the fifth row is the digest's own buttons). */
export const DIGEST_VOTE_BUTTONS = 20;

/** One paper of "Top this week by the community", as the edition stores it (frozen with the edition). */
export interface CommunityPick {
  paperKey: string;
  title: string;
  titleJa: string;
  url: string;
  votes: number;
}

/** The most voted papers of the week [start, end): the data of the digest's community section. */
export function communityTopOfWeek(db: Db, papers: readonly Paper[], start: Date, end: Date): CommunityPick[] {
  return topPapers(db, papers, { period: "all", now: end, limit: COMMUNITY_TOP_IN_DIGEST, window: { start, end } }).map((entry) => ({
    paperKey: entry.paperKey,
    title: entry.title,
    titleJa: entry.paper?.titleJa ?? entry.title,
    url: entry.url,
    votes: entry.votes,
  }));
}

/** The section's lines: "**[LoRA…](url)** · 👍 12 votes". `escape` is the digest's Markdown escaping. */
export function communityTopEntries(picks: readonly CommunityPick[], locale: Locale, escape: (text: string) => string): string[] {
  return picks.map(
    (pick) =>
      `**[${escape(locale === "ja" ? pick.titleJa : pick.title)}](${pick.url})** · 👍 ${t(locale, "top.votes", { count: pick.votes })}`,
  );
}

/** A paper in a digest message that gets a vote button: its key and a short name to tell the buttons apart. */
export interface VotablePaper {
  paperKey: string;
  name: string;
}

/** The arXiv id in an arXiv abstract URL (edition papers keep their URL, not their id). */
function arxivIdOf(url: string): string | null {
  return /^https:\/\/arxiv\.org\/abs\/([^?#\s]+?)(?:v\d+)?$/.exec(url)?.[1] ?? null;
}

export function votableEditionPaper(paper: { id: string; title: string; url: string }): VotablePaper {
  return { paperKey: arxivIdOf(paper.url) ?? paper.id, name: paper.title };
}

export function votablePaper(paper: Paper): VotablePaper {
  return { paperKey: paperKeyOf(paper), name: paperShortName(paper) };
}

/** Live vote totals by paper key (the web pages show them). */
export type VoteCounts = ReadonlyMap<string, number>;

/** The keys of every paper an edition shows (its papers, candidates and picks). */
export function editionVoteKeys(edition: {
  papers: readonly { id: string; title: string; url: string }[];
  candidates: readonly { arxivId: string }[];
  picks: readonly { id: string; title: string; url: string }[];
}): string[] {
  return [
    ...new Set([
      ...edition.papers.map((paper) => votableEditionPaper(paper).paperKey),
      ...edition.candidates.map((candidate) => candidate.arxivId),
      ...edition.picks.map((paper) => votableEditionPaper(paper).paperKey),
    ]),
  ];
}

/** Rows of vote buttons for a digest's papers (at most DIGEST_VOTE_BUTTONS, each named), counts set once posted. */
export function digestVoteRows(papers: readonly VotablePaper[]): MessageRow[] {
  const unique = [...new Map(papers.map((paper) => [paper.paperKey, paper])).values()].slice(0, DIGEST_VOTE_BUTTONS);
  const rows: MessageRow[] = [];
  for (let at = 0; at < unique.length; at += 5)
    rows.push(row(...unique.slice(at, at + 5).map((paper) => voteButton(paper.paperKey, 0, paper.name))));
  return rows;
}
