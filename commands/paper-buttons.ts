import { paperTitle, truncate } from "../src/catalog/format.js";
import type { ComponentModule, Reply } from "../src/discord/command.js";
import { BRAND_COLOUR, fitEmbed, notice } from "../src/shared/embeds.js";
import { paperButtons, paperEmbed } from "../src/catalog/card.js";
import { message, t } from "../src/i18n/index.js";
import { inlineText } from "../src/shared/safe-text.js";

/** "Related papers" under a /paper answer: a private list for whoever pressed it. */
export const relatedButton: ComponentModule = {
  prefix: "related",
  handle(ctx, [paperId], requester): Reply {
    const { locale } = requester;
    const paper = paperId ? ctx.catalog.get(paperId) : undefined;
    if (!paper) return notice(locale, "errors.expiredButton");
    const related = ctx.catalog.related(paper, 8);
    if (related.length === 0)
      return notice(locale, message("paper.relatedNone", { title: inlineText(truncate(paperTitle(paper, locale), 120)) }));
    const lines = related.map(
      (other) => `• [${inlineText(truncate(paperTitle(other, locale), 150))}](${other.url}) · ${other.year} · \`${other.id}\``,
    );
    return {
      kind: "reply",
      private: true,
      embeds: [
        fitEmbed({
          title: t(locale, "paper.relatedTitle", { title: paperTitle(paper, locale) }),
          description: lines.join("\n"),
          color: BRAND_COLOUR,
        }),
      ],
    };
  },
};

/** A "did you mean" choice: shows that paper to whoever pressed it. */
export const showButton: ComponentModule = {
  prefix: "show",
  handle(ctx, [paperId], requester): Reply {
    const paper = paperId ? ctx.catalog.get(paperId) : undefined;
    if (!paper) return notice(requester.locale, "errors.expiredButton");
    return {
      kind: "reply",
      private: true,
      embeds: [paperEmbed(paper, requester.locale)],
      components: [paperButtons(paper, requester.locale)],
    };
  },
};
