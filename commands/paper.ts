import { ApplicationCommandOptionType } from "discord.js";
import { paperTitle, truncate } from "../src/catalog/format.js";
import { tiedResults } from "../src/catalog/resolve.js";
import type { Paper } from "../src/catalog/types.js";
import { echoUserText } from "../src/discord/echo.js";
import type { Locale } from "../src/i18n/locale.js";
import { MAX_QUERY_LENGTH, validateQuery } from "../src/catalog/query.js";
import { commandHeader, defineCommand, describedBy, type MessageRow, type Reply } from "../src/discord/command.js";
import { actionButton, notice, row } from "../src/shared/embeds.js";
import { paperButtons, paperEmbed } from "../src/catalog/card.js";
import { message, t } from "../src/i18n/index.js";
import { paperKeyOf, withVote } from "../src/community/buttons.js";

export const AUTOCOMPLETE_LIMIT = 25;

export default defineCommand({
  definition: {
    ...commandHeader("paper", "command.paper.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "query",
        ...describedBy("command.paper.query"),
        required: true,
        autocomplete: true,
        min_length: 1,
        max_length: MAX_QUERY_LENGTH,
      },
    ],
  } as const,

  execute(ctx, options, requester): Reply {
    const { locale } = requester;
    const query = validateQuery(options.query);
    if (!query.ok) return notice(locale, query);
    const resolution = ctx.catalog.resolve(query.value, locale, { limit: 5 });
    const [best] = resolution.results;
    // Several papers fit equally well: none is published as the answer; the asker picks one, privately.
    if (resolution.ambiguous) {
      const choices = tiedResults(resolution)
        .slice(0, MAX_CHOICE_BUTTONS)
        .map((match) => match.paper);
      return {
        kind: "reply",
        private: true,
        content: resolution.severalNamed
          ? t(locale, "paper.severalNamed")
          : t(locale, "paper.ambiguous", { query: echoUserText(query.value) }),
        components: [choiceButtons(choices, locale)],
      };
    }
    if (best) {
      const key = paperKeyOf(best.paper);
      const votes = ctx.votes.totals([key]).get(key) ?? 0;
      return {
        kind: "reply",
        private: false,
        embeds: [paperEmbed(best.paper, locale)],
        components: [withVote(paperButtons(best.paper, locale), key, votes)],
      };
    }
    if (resolution.unlistedArxivId) return notice(locale, message("errors.unlistedArxiv", { arxivId: resolution.unlistedArxivId }));
    const suggestions = resolution.suggestions;
    const unknown = t(locale, "errors.unknownPaper", { query: echoUserText(query.value) });
    if (suggestions.length === 0) return { kind: "reply", private: true, content: unknown };
    return {
      kind: "reply",
      private: true,
      content: `${unknown}\n${t(locale, "errors.didYouMean")}`,
      components: [choiceButtons(suggestions.slice(0, MAX_CHOICE_BUTTONS), locale)],
    };
  },

  autocomplete(ctx, focused, requester) {
    const value = focused.value.trim();
    if (value.length === 0) {
      return ctx.catalog.papers
        .slice(0, AUTOCOMPLETE_LIMIT)
        .map((paper) => ({ name: truncate(`${paperTitle(paper, requester.locale)} (${paper.year})`, 100), value: paper.id }));
    }
    if ([...value].length > MAX_QUERY_LENGTH) return [];
    const resolution = ctx.catalog.resolve(value, requester.locale, { limit: AUTOCOMPLETE_LIMIT, prefix: true });
    const found = resolution.results.length > 0 ? resolution.results.map((match) => match.paper) : resolution.suggestions;
    // A name that starts with what was typed is what is being typed ("lo" → LoRA, "scaling l" → Scaling Laws).
    const named = ctx.catalog.namesStartingWith(value, AUTOCOMPLETE_LIMIT);
    const papers = [...new Map([...named, ...found].map((paper) => [paper.id, paper])).values()];
    return papers.slice(0, AUTOCOMPLETE_LIMIT).map((paper) => ({
      name: truncate(`${paperTitle(paper, requester.locale)} (${paper.year})`, 100),
      value: paper.id,
    }));
  },
});

/** Buttons in one action row. */
const MAX_CHOICE_BUTTONS = 5;

/** "Did you mean" and "which one" choices: each shows that paper to whoever pressed it, titled in their language. */
function choiceButtons(papers: readonly Paper[], locale: Locale): MessageRow {
  return row(...papers.map((paper) => actionButton(truncate(paperTitle(paper, locale), 80), `show:${paper.id}`)));
}
