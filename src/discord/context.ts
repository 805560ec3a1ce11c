import type { AppContext } from "../app.js";
import { watchStatus, type WatchStatus } from "../arxiv/status.js";
import type { BundleLinks } from "../bundle/links.js";
import type { Catalog } from "../catalog/catalog.js";
import type { FollowStore } from "../db/follows.js";
import type { Moderation } from "../moderation/index.js";
import type { DigestService } from "../digest/service.js";
import { createSuggestions, type Suggestions } from "../community/suggestions.js";
import type { Clock, Logger } from "../logger.js";
import type { MessageBody } from "../shared/reply.js";
import type { HandlerSettings } from "../shared/settings.js";
import type { DiscussionPort } from "../community/discussion.js";
import { threadStore, type ThreadStore } from "../db/threads.js";
import { communityVotes, type CommunityVotes } from "../community/votes.js";
import { voteStore } from "../db/votes.js";
import { topPapers, type TopEntry, type TopQuery } from "../community/top.js";

export type DmResult = "sent" | "refused" | "paused" | "failed" | "unavailable";

export interface DirectMessenger {
  /** Sends a DM, recording refusals (error 50007) and pausing delivery after too many. */
  send(userId: string, body: MessageBody): Promise<DmResult>;
}

export type { HandlerSettings } from "../shared/settings.js";

/**
 * What slash-command, button and DM handlers get: the stores and services they use, and nothing else
 * (no raw database handle, no config).
 */
export interface BotContext {
  /** The reading list as loaded now (the router refreshes it once per interaction, before the handler runs). */
  readonly catalog: Catalog;
  readonly follows: FollowStore;
  readonly bundle: BundleLinks;
  readonly dm: DirectMessenger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: HandlerSettings;
  readonly moderation: Moderation;
  /** The arXiv watch as moderators see it (/watch status). */
  readonly watch: { status(now: Date): WatchStatus };
  readonly digest: DigestService;
  /** Members' paper suggestions (/suggest), shown in /review. */
  readonly suggestions: Suggestions;
  /** A thread per paper (issue 18): discussion settings, and Discord's view of a channel (null in the console). */
  readonly threads: ThreadStore;
  readonly discussion: DiscussionPort | null;
  /** Members' votes (vote buttons) and the most voted papers (/top). */
  readonly votes: CommunityVotes;
  top(query: TopQuery): TopEntry[];
}

export function createBotContext(
  app: AppContext,
  services: {
    follows: FollowStore;
    bundle: BundleLinks;
    dm: DirectMessenger;
    moderation: Moderation;
    digest: DigestService;
    threads?: ThreadStore;
    discussion?: DiscussionPort | null;
    /** Default: votes on the app's database with no refresher (counts queue until the bot edits them). */
    votes?: CommunityVotes;
  },
): BotContext {
  return {
    get catalog() {
      return app.catalog;
    },
    follows: services.follows,
    bundle: services.bundle,
    dm: services.dm,
    moderation: services.moderation,
    digest: services.digest,
    suggestions: createSuggestions(app.db, app.clock),
    threads: services.threads ?? threadStore(app.db),
    discussion: services.discussion ?? null,
    clock: app.clock,
    logger: app.logger,
    settings: {
      bundleRequiresFollow: app.config.bundle.requiresFollow,
      buttonTtlMs: app.config.discord.buttonTtlMs,
      moderatorRoleIds: app.config.moderation.roleIds,
      moderationGuildIds: app.config.moderation.guildIds,
    },
    watch: { status: (now) => watchStatus(app.db, app.config.arxiv, now) },
    votes: services.votes ?? communityVotes(voteStore(app.db), app.clock),
    top: (query) => topPapers(app.db, app.catalog.papers, query),
  };
}
