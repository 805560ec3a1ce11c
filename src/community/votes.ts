import type { Clock } from "../logger.js";
import type { MemberVote, VoteStore } from "../db/votes.js";
import type { MessageRow } from "../shared/reply.js";
import { relabel, shownCounts } from "./buttons.js";

/** The message a vote button was pressed on, as the interaction carries it. */
export interface PressedMessage {
  id: string;
  channelId: string;
  components: readonly MessageRow[];
  /** Seen only by one person (a moderator's /review card): answered, never refreshed. */
  ephemeral?: boolean;
}

export interface VoteOutcome {
  voted: boolean;
  total: number;
  /** The pressed message's rows with the new count, for the interaction's answer. */
  components: MessageRow[] | null;
}

/** Votes as handlers use them: a press is committed (and other posts queued) before the answer goes out. */
export interface CommunityVotes {
  press(input: { paperKey: string; voterId: string; guildId: string | null; message: PressedMessage | null }): VoteOutcome;
  /** A message with vote buttons was posted: its counts are kept current from now on. */
  posted(channelId: string, messageId: string, components: readonly MessageRow[]): void;
  totals(keys: readonly string[]): Map<string, number>;
  /** The member's own votes (data export). */
  votesOf(userId: string): MemberVote[];
  /** /unfollow without a topic: the member's votes stay counted, no longer theirs. Returns how many. */
  anonymize(userId: string): number;
}

export function communityVotes(store: VoteStore, clock: Clock, onQueued: () => void = () => undefined): CommunityVotes {
  const posted = (channelId: string, messageId: string, components: readonly MessageRow[]) => {
    store.posted({ messageId, channelId, componentsJson: JSON.stringify(components), shown: shownCounts(components) }, clock.now());
  };
  return {
    press({ paperKey, voterId, guildId, message }) {
      const at = clock.now();
      const result = store.press({ paperKey, voterId, guildId, at, messageId: message?.id ?? null });
      let components: MessageRow[] | null = null;
      if (message) {
        components = relabel(message.components, new Map([[paperKey, result.total]]));
        // A message we did not see posted (an alert or digest sent by another process) joins on its first press.
        if (!message.ephemeral && !store.isPosted(message.id)) posted(message.channelId, message.id, components);
      }
      onQueued();
      return { ...result, components };
    },
    posted(channelId, messageId, components) {
      posted(channelId, messageId, components);
      onQueued();
    },
    totals: (keys) => store.totals(keys),
    votesOf: (userId) => store.votesOf(userId),
    anonymize: (userId) => store.anonymize(userId),
  };
}
