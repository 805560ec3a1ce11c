import type { FollowStore } from "../db/follows.js";

/** Everything paperbot stores about one user, as handed out by `paperbot export` and the Export button. */
export function exportUserData(store: FollowStore, userId: string, now: Date) {
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
  };
}
