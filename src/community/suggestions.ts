import type { ArxivApi } from "../arxiv/api.js";
import { parseArxivReference } from "../catalog/arxiv-id.js";
import type { Paper } from "../catalog/types.js";
import { candidateStore } from "../db/candidates.js";
import type { Db } from "../db/connection.js";
import { suggestionStore, type PendingNotice } from "../db/suggestions.js";
import type { Failure } from "../errors.js";
import { LOCALES, t, type Locale } from "../i18n/index.js";
import type { Clock, Logger } from "../logger.js";
import { lookupListable } from "../moderation/arxiv-lookup.js";
import type { MessageBody } from "../shared/reply.js";
import { inlineText, truncate } from "../shared/safe-text.js";

/** Suggestions a member may make in any 24 hours (a sliding window, not a calendar day). */
export const SUGGESTIONS_PER_WINDOW = 5;
export const SUGGESTION_WINDOW_MS = 24 * 3600_000;
/** The longest `why` note (characters). */
export const MAX_SUGGESTION_NOTE = 300;
/** Decision DMs sent per run (each run is one moderator action or a periodic check). */
const NOTICES_PER_RUN = 50;

export interface SuggestionRequest {
  reference: string;
  note: string;
  userId: string;
  userName: string;
  locale: Locale;
  guildId: string | null;
}

export type SuggestOutcome =
  | { kind: "listed"; paper: Paper }
  | { kind: "refused"; failure: Failure }
  | { kind: "rateLimited"; nextAt: Date }
  | { kind: "alreadyYours"; title: string }
  | { kind: "decidedBefore"; title: string; approved: boolean }
  | { kind: "recorded"; title: string; arxivId: string }
  | { kind: "supported"; title: string; arxivId: string; supporters: number };

/** What a suggestion needs besides the database: the live reading list and the bot's arXiv client (its one gate). */
export interface SuggestionSources {
  papers: readonly Paper[];
  has(id: string): boolean;
  arxiv: ArxivApi;
}

/** Sends one DM; the bot's messenger logs a closed DM (50007) quietly and answers "refused". */
export interface DecisionMessenger {
  send(userId: string, body: MessageBody): Promise<string>;
}

export function createSuggestions(db: Db, clock: Clock) {
  const store = suggestionStore(db);
  const candidates = candidateStore(db);

  /** When the member may suggest again (the oldest suggestion in the window ages out), or null when they may now. */
  function nextAllowed(userId: string, now: Date): Date | null {
    const times = store.recentTimes(userId, new Date(now.getTime() - SUGGESTION_WINDOW_MS).toISOString());
    const oldest = times[times.length - SUGGESTIONS_PER_WINDOW];
    return oldest === undefined ? null : new Date(Date.parse(oldest) + SUGGESTION_WINDOW_MS);
  }

  function recordOn(request: SuggestionRequest, arxivId: string, title: string, paper: Parameters<typeof store.record>[1]): SuggestOutcome {
    const now = clock.now();
    const suggestion = {
      arxivId,
      userId: request.userId,
      userName: request.userName,
      locale: request.locale,
      note: request.note,
      guildId: request.guildId,
    };
    const recorded = store.record(suggestion, paper, now, () => nextAllowed(request.userId, now) === null);
    if (recorded === "refused") return { kind: "rateLimited", nextAt: nextAllowed(request.userId, now) ?? now };
    if (recorded === "duplicate") return { kind: "alreadyYours", title };
    const { supporters } = store.forPaper(arxivId, 0);
    return paper && supporters === 1 ? { kind: "recorded", title, arxivId } : { kind: "supported", title, arxivId, supporters };
  }

  return {
    nextAllowed,

    /**
     * /suggest: /paper-add's lookup and rules (lookupListable), and then the paper joins the review queue with the
     * member as a supporter. A paper the watch holds or others suggested is not looked up again (no arXiv request).
     */
    async suggest(request: SuggestionRequest, sources: SuggestionSources): Promise<SuggestOutcome> {
      const parsed = parseArxivReference(request.reference);
      const listed = parsed === null ? undefined : sources.papers.find((paper) => paper.arxivId === parsed);
      if (listed) return { kind: "listed", paper: listed };
      const held = parsed === null ? undefined : candidates.get(parsed);
      if (parsed !== null && store.mine(parsed, request.userId)) return { kind: "alreadyYours", title: held?.title ?? parsed };
      if (held?.status === "approved" || held?.status === "rejected")
        return { kind: "decidedBefore", title: held.title, approved: held.status === "approved" };
      const wait = nextAllowed(request.userId, clock.now());
      if (wait && parsed !== null) return { kind: "rateLimited", nextAt: wait };
      if (held) return recordOn(request, held.arxivId, held.title, null);
      const looked = await lookupListable(sources, request.reference);
      if (looked.kind !== "found") return looked.kind === "listed" ? looked : { kind: "refused", failure: looked.failure };
      const { record } = looked;
      // Another member's suggestion (or the watch) may have got there while arXiv answered: then it is support.
      const again = candidates.get(record.arxivId);
      if (again?.status === "approved" || again?.status === "rejected")
        return { kind: "decidedBefore", title: again.title, approved: again.status === "approved" };
      return recordOn(request, record.arxivId, again?.title ?? record.title, again ? null : record);
    },

    /** The first suggestions of a candidate and how many support it (for /review and the CLI). */
    forPaper: (arxivId: string, limit = 3) => store.forPaper(arxivId, limit),

    /** Everything the member suggested, for the data export. */
    byUser: (userId: string) => store.byUser(userId),

    /** /unfollow: the member's suggestions stay counted, anonymously; no decision DM follows. */
    anonymise: (userId: string): number => store.anonymise(userId, clock.now()),

    /**
     * Tells members whose suggestions were decided (by /review, /paper-add or the CLI), each once: a notice is claimed
     * before it is sent, so two runs (or processes) never send it twice; a closed DM (50007) or paused DMs are not retried.
     */
    async sendDecisionNotices(dm: DecisionMessenger, logger: Logger): Promise<number> {
      let sent = 0;
      for (const notice of store.pendingNotices(NOTICES_PER_RUN)) {
        if (!store.claimNotice(notice.id, clock.now())) continue;
        const result = await dm.send(notice.userId, { content: decisionText(notice) });
        if (result === "sent") sent += 1;
        // Not tried (the local console has no Discord; a transient fault): a later run sends it.
        else if (result === "unavailable" || result === "failed") store.releaseNotice(notice.id);
        else logger.info("suggestion decision not delivered", { userId: notice.userId, arxivId: notice.arxivId, result });
      }
      return sent;
    },
  };
}

function localeOf(value: string | null): Locale {
  return LOCALES.find((locale) => locale === value) ?? "en";
}

/** The decision DM, in the language the member used when suggesting. */
export function decisionText(notice: PendingNotice): string {
  const locale = localeOf(notice.locale);
  const title = inlineText(truncate(notice.title, 200));
  if (!notice.approved) return t(locale, "suggest.dmDeclined", { title });
  return notice.paperId === null
    ? t(locale, "suggest.dmApprovedListed", { title })
    : t(locale, "suggest.dmApproved", { title, id: notice.paperId });
}

export type Suggestions = ReturnType<typeof createSuggestions>;
