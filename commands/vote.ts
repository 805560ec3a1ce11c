import { isPaperKey, VOTE_PREFIX } from "../src/community/buttons.js";
import type { ComponentModule, Reply } from "../src/discord/command.js";
import { notice } from "../src/shared/embeds.js";
import { message } from "../src/i18n/index.js";

/**
 * 👍 under a public post of a paper: one vote per member per paper, pressing again takes it back. The vote is
 * committed before the answer, which relabels the pressed message's own button; other posts of the paper follow
 * through the refresher (batched edits).
 */
export const voteButtonHandler: ComponentModule = {
  prefix: VOTE_PREFIX,
  handle(ctx, [paperKey], requester): Reply {
    const { locale } = requester;
    if (!paperKey || !isPaperKey(paperKey)) return notice(locale, "errors.expiredButton");
    if (requester.isBot) return notice(locale, "votes.botsDoNotCount");
    const outcome = ctx.votes.press({
      paperKey,
      voterId: requester.userId,
      guildId: requester.guildId,
      message: requester.message ?? null,
    });
    if (outcome.components) return { kind: "update", buttonsOnly: true, components: outcome.components };
    return notice(locale, message(outcome.voted ? "votes.recorded" : "votes.withdrawn", { total: outcome.total }));
  },
};
