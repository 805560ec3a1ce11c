import type { Paper } from "../catalog/types.js";
import type { DigestStore } from "../db/digest.js";
import type { DigestCandidate, DigestReader, DigestSources } from "./content.js";

/** Pending arXiv candidates, best first (the arXiv watch's candidate store). */
export interface CandidateSource {
  pending(limit: number): DigestCandidate[];
}

/** Until the arXiv watch stores candidates, there are none. */
export const noCandidates: CandidateSource = { pending: () => [] };

/** The real sources: moderator-added papers from the papers table, candidates, and the catalog for the pick. */
export function databaseSources(
  store: DigestStore,
  readingList: () => readonly Paper[],
  candidates: CandidateSource = noCandidates,
  communityTop?: DigestSources["communityTop"],
): DigestSources {
  return {
    ...(communityTop ? { communityTop } : {}),
    addedPapers: (start, end) => store.addedPapers(start, end),
    pendingCandidates: (limit) => candidates.pending(limit),
    readingList,
    readers: (): DigestReader[] =>
      store.readers().map((reader) => ({
        userId: reader.userId,
        locale: reader.locale === "ja" ? "ja" : "en",
        since: reader.createdAt,
        topics: reader.topics,
      })),
  };
}
