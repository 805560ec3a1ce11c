import type { FollowStore } from "../db/follows.js";
import type { MemberVote } from "../db/votes.js";

/** Everything paperbot stores about one user, as handed out by `paperbot export` and the Export button. */
export function exportUserData(store: FollowStore, userId: string, now: Date, community: { votes?: readonly MemberVote[] } = {}) {
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
    // votes (issue 18): each paper (arXiv id, or catalog id) the user voted for, where and when.
    ...(community.votes ? { votes: community.votes } : {}),
  };
}
