import type { ArxivRecord } from "../arxiv/api.js";
import type { Topic } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { candidateStore, type Candidate } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { fail, succeed, type Outcome } from "../errors.js";
import { arxivAbsUrl, arxivIdMonth, arxivPdfUrl } from "../catalog/arxiv-id.js";
import { withoutControls } from "../arxiv/parse.js";
import { texToText } from "../arxiv/tex.js";

const submitted = (candidate: Candidate): string => {
  const month = arxivIdMonth(candidate.arxivId);
  return month ? `${month}-01T00:00:00Z` : candidate.firstSeen;
};

/**
 * A candidate from the arXiv watch, as the metadata a catalog entry is made from. Its text passes the same filter as
 * feed text again (withoutControls, texToText): a candidate stored before that filter knew bidi overrides (or before
 * TeX was rendered where arXiv text enters) is made safe and readable here, on its way into the catalog, so no output has to.
 */
export function candidateRecord(candidate: Candidate): ArxivRecord {
  return {
    arxivId: candidate.arxivId,
    version: candidate.version,
    title: texToText(withoutControls(candidate.title)),
    abstract: texToText(withoutControls(candidate.abstract)),
    authors: candidate.authors.map(withoutControls),
    categories: candidate.categories.map(withoutControls),
    primaryCategory: candidate.categories[0] ?? null,
    // When it was submitted (what arXiv's API calls published, and what /paper-add's year comes from), not when
    // the watch first saw it: the two differ at year boundaries.
    published: submitted(candidate),
    updated: candidate.updatedAt,
    comment: null,
    absUrl: arxivAbsUrl(candidate.arxivId),
    pdfUrl: arxivPdfUrl(candidate.arxivId),
  };
}

/** The review queue: pending candidates best first, and decisions taken exactly once. */
export function reviewQueue(db: Db, minScore: () => number) {
  const store = candidateStore(db);
  return {
    /** The `offset`-th best pending candidate (Skip moves the offset on), with how many are pending. */
    at(offset: number): { candidate: Candidate | undefined; pending: number } {
      const pending = store.pendingCount(minScore());
      return { candidate: store.pending(minScore(), offset + 1)[offset], pending };
    },
    get: (arxivId: string): Candidate | undefined => store.get(arxivId),
    /**
     * Records the decision unless someone decided first; call inside the audit transaction so the decision,
     * the new paper and the audit row commit together.
     */
    decide(arxivId: string, approved: boolean, by: string, now: Date): Outcome<Candidate> {
      const result = store.decide(arxivId, approved, by, now);
      if (result.outcome === "unknown") return fail("review.unknown", { arxivId });
      if (result.outcome === "already") return alreadyDecided(result.candidate);
      return succeed(result.candidate);
    },
  };
}

/** "was already approved by mina": the second of two moderators hears who was first. */
export function alreadyDecided(candidate: Candidate) {
  const by = candidate.decidedBy ?? "?";
  return candidate.status === "rejected"
    ? fail("review.alreadyRejected", { arxivId: candidate.arxivId, by })
    : fail("review.alreadyApproved", { arxivId: candidate.arxivId, by });
}

export type ReviewQueue = ReturnType<typeof reviewQueue>;

export interface Approval {
  topics: Topic[];
  note: string;
}

export type ApprovalResult = Outcome<{ candidate: Candidate; paper: Paper | null }>;
