import { ApplicationCommandOptionType } from "discord.js";
import type { EmbedField } from "../src/shared/reply.js";
import { MAX_SUGGESTION_NOTE, SUGGESTIONS_PER_WINDOW, type SuggestOutcome } from "../src/community/suggestions.js";
import { commandHeader, defineCommand, describedBy, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { notice } from "../src/shared/embeds.js";
import { message, t, type Locale } from "../src/i18n/index.js";
import { refuseControlCharacters } from "../src/moderation/form-text.js";
import { inlineText, truncate } from "../src/shared/safe-text.js";

/** A Discord timestamp: each reader's client shows it in their own time zone and language ("in 3 hours"). */
const relativeTime = (at: Date) => `<t:${Math.ceil(at.getTime() / 1000)}:R>`;
const titleOf = (title: string) => inlineText(truncate(title, 200));

function answer(outcome: SuggestOutcome, note: string, locale: Locale): Reply {
  const yourNote = note ? `\n${t(locale, "suggest.yourNote", { note: inlineText(note) })}` : "";
  switch (outcome.kind) {
    case "listed":
      return notice(locale, message("suggest.listed", { title: titleOf(outcome.paper.title), id: outcome.paper.id }));
    case "refused":
      return notice(locale, outcome.failure);
    case "rateLimited":
      return notice(locale, message("suggest.rateLimited", { count: SUGGESTIONS_PER_WINDOW, when: relativeTime(outcome.nextAt) }));
    case "alreadyYours":
      return notice(locale, message("suggest.alreadyYours", { title: titleOf(outcome.title) }));
    case "decidedBefore":
      return notice(
        locale,
        message(outcome.approved ? "suggest.approvedBefore" : "suggest.declinedBefore", { title: titleOf(outcome.title) }),
      );
    case "recorded":
      return { kind: "reply", private: true, content: t(locale, "suggest.recorded", { title: titleOf(outcome.title) }) + yourNote };
    case "supported":
      return {
        kind: "reply",
        private: true,
        content: t(locale, "suggest.supported", { title: titleOf(outcome.title), count: outcome.supporters }) + yourNote,
      };
  }
}

export const suggestCommand = defineCommand({
  definition: {
    ...commandHeader("suggest", "command.suggest.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "arxiv",
        ...describedBy("command.suggest.arxiv"),
        required: true,
        max_length: 200,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "why",
        ...describedBy("command.suggest.why"),
        required: false,
        max_length: MAX_SUGGESTION_NOTE,
      },
    ],
  } as const,
  privateReplies: true,
  async execute(ctx, options, requester: Requester) {
    const { locale } = requester;
    const note = (options.why ?? "").trim();
    // The note reaches moderators' screens and the operator's terminal: /paper-add's rules for free text.
    const unsafe = refuseControlCharacters(locale, [{ label: t(locale, "suggest.whyLabel"), value: note, max: MAX_SUGGESTION_NOTE }]);
    if (unsafe) return unsafe;
    const outcome = await ctx.suggestions.suggest(
      {
        reference: options.arxiv,
        note,
        userId: requester.userId,
        userName: requester.username.slice(0, 100),
        locale,
        guildId: requester.guildId,
      },
      { papers: ctx.catalog.papers, has: (id) => ctx.catalog.get(id) !== undefined, arxiv: ctx.moderation.arxiv },
    );
    return answer(outcome, note, locale);
  },
});

/** The /review card's "Suggested by members" field: the first suggesters with their notes, and how many support it. */
export function suggestionFields(ctx: BotContext, arxivId: string, locale: Locale): EmbedField[] {
  const { first, supporters } = ctx.suggestions.forPaper(arxivId, 3);
  if (supporters === 0) return [];
  const lines = first.map((suggestion) => {
    // A mention in an embed shows the member without notifying them; the name is kept for the CLI and old clients.
    const who = suggestion.userId
      ? `<@${suggestion.userId}>${suggestion.userName ? ` (${inlineText(suggestion.userName)})` : ""}`
      : t(locale, "review.anonymousMember");
    return suggestion.note ? `${who}: ${inlineText(truncate(suggestion.note, 150))}` : who;
  });
  return [{ name: t(locale, "review.suggestedBy"), value: [...lines, t(locale, "review.supporters", { count: supporters })].join("\n") }];
}

/** After a decision: members whose suggestion it was hear it by DM (in the background; the moderator is not kept waiting). */
export function notifySuggesters(ctx: BotContext): void {
  void ctx.suggestions.sendDecisionNotices(ctx.dm, ctx.logger).catch((error: unknown) => {
    ctx.logger.error("suggestion decision notices failed", { error });
  });
}
