import { paperTitle, truncate } from "../src/catalog/format.js";
import type { ComponentModule, Reply } from "../src/discord/command.js";
import { BRAND_COLOUR, actionButton, fitEmbed, notice } from "../src/shared/embeds.js";
import { ButtonStyle } from "../src/shared/reply.js";
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

/**
 * A "did you mean" or "which one" choice: shows that paper privately to whoever pressed it and, where they may post
 * in the channel, offers to post it there for everyone.
 */
export const showButton: ComponentModule = {
  prefix: "show",
  handle(ctx, [paperId], requester): Reply {
    const paper = paperId ? ctx.catalog.get(paperId) : undefined;
    if (!paper) return notice(requester.locale, "errors.expiredButton");
    const buttons = paperButtons(paper, requester.locale);
    const post = actionButton(t(requester.locale, "paper.postButton"), `post:${paper.id}:${requester.userId}`, {
      style: ButtonStyle.Success,
    });
    return {
      kind: "reply",
      private: true,
      embeds: [paperEmbed(paper, requester.locale)],
      components: [requester.canPostInChannel ? { ...buttons, components: [...buttons.components, post] } : buttons],
    };
  },
};

/**
 * "Post it to the channel" under a privately shown paper (`post:<paperId>:<askerId>`): the same card, public, saying
 * who shared it (named, not pinged). Only the asker may press it, and only where they and the bot may post.
 */
export const postButton: ComponentModule = {
  prefix: "post",
  handle(ctx, [paperId, askerId], requester): Reply {
    const { locale } = requester;
    const paper = paperId ? ctx.catalog.get(paperId) : undefined;
    if (!paper) return notice(locale, "errors.expiredButton");
    if (askerId !== requester.userId) return notice(locale, "paper.postNotYours");
    if (!requester.canPostInChannel) return notice(locale, "paper.postNoPermission");
    return {
      kind: "reply",
      private: false,
      content: t(locale, "paper.postedBy", { user: `<@${requester.userId}>` }),
      embeds: [paperEmbed(paper, locale)],
      components: [paperButtons(paper, locale)],
    };
  },
};
