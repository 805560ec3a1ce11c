import type { FollowStore } from "../db/follows.js";
import type { SuggestionStore } from "../db/suggestions.js";
import type { MemberVote } from "../db/votes.js";

/**
 * Everything paperbot stores about one user, as handed out by `paperbot export` and the Export button. `suggestions`:
 * the papers they suggested (/suggest), with their notes and what became of each; `votes`: the papers they voted for.
 */
export function exportUserData(
  store: FollowStore,
  userId: string,
  now: Date,
  community: { votes?: readonly MemberVote[]; suggestions?: ReturnType<SuggestionStore["byUser"]> } = {},
) {
  const follow = store.get(userId);
  return {
    exportedAt: now.toISOString(),
    userId,
    following: follow !== undefined,
    ...(follow
      ? {
          followedAt: follow.createdAt,
          locale: follow.locale,
          topics: follow.topics,
          directMessages: {
            paused: follow.dmPausedAt !== null,
            pausedAt: follow.dmPausedAt,
            consecutiveFailures: follow.dmFailures,
            lastError: follow.lastDmError,
          },
        }
      : {}),
    ...store.history(userId),
    suggestions: community.suggestions ?? [],
    // votes (issue 18): each paper (arXiv id, or catalog id) the user voted for, where and when.
    ...(community.votes ? { votes: community.votes } : {}),
  };
}
