import type { FollowStore } from "../db/follows.js";
import type { SuggestionStore } from "../db/suggestions.js";

/**
 * Everything paperbot stores about one user, as handed out by `paperbot export` and the Export button. `suggestions`:
 * the papers they suggested (/suggest), with their notes and what became of each.
 */
export function exportUserData(store: FollowStore, userId: string, now: Date, suggestions: ReturnType<SuggestionStore["byUser"]> = []) {
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
    suggestions,
  };
}
