import { ApplicationCommandOptionType } from "discord.js";
import { ButtonStyle } from "../src/shared/reply.js";
import { truncate } from "../src/catalog/format.js";
import type { Paper } from "../src/catalog/types.js";
import { defineCommand, moderatorCommandHeader, type ComponentModule, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { actionButton, notice, row } from "../src/shared/embeds.js";
import { localized, message, renderMessage, t } from "../src/i18n/index.js";
import { parseTopics, topicsText } from "../src/moderation/papers.js";
import { actorOf, refuseUnlessModerator } from "../src/moderation/permissions.js";
import { inlineText, withSafeTitle } from "../src/shared/safe-text.js";
import { refuseControlCharacters } from "../src/moderation/form-text.js";

const editPaper = localized("command.paperEdit.paper");
const removePaper = localized("command.paperRemove.paper");

const AUTOCOMPLETE_LIMIT = 25;

function paperOption(description: { en: string; ja: string }) {
  return {
    type: ApplicationCommandOptionType.String,
    name: "paper",
    description: description.en,
    description_localizations: { ja: description.ja },
    required: true,
    autocomplete: true,
    max_length: 100,
  } as const;
}

function paperChoices(ctx: BotContext, value: string, requester: Requester, filter: (paper: Paper) => boolean) {
  const needle = value.trim();
  const papers =
    needle === ""
      ? ctx.catalog.papers
      : (() => {
          const resolution = ctx.catalog.resolve(needle, requester.locale, { limit: AUTOCOMPLETE_LIMIT, prefix: true });
          return resolution.results.length > 0 ? resolution.results.map((match) => match.paper) : resolution.suggestions;
        })();
  return papers
    .filter(filter)
    .slice(0, AUTOCOMPLETE_LIMIT)
    .map((paper) => ({ name: truncate(`${paper.title} (${paper.year})`, 100), value: paper.id }));
}

/** The id autocomplete gave, or the paper the typed text resolves to. */
function findPaper(ctx: BotContext, value: string, requester: Requester): Paper | undefined {
  return ctx.catalog.get(value.trim()) ?? ctx.catalog.resolve(value, requester.locale, { limit: 1 }).results[0]?.paper;
}

function editModal(paper: Paper, requester: Requester): Reply {
  const { locale } = requester;
  const written = paper.moderation?.summary ?? { en: "written", ja: "written" };
  return {
    kind: "modal",
    customId: `paper-edit:${paper.id}`,
    title: t(locale, "paperEdit.modalTitle"),
    fields: [
      {
        id: "summary_en",
        label: t(locale, "paperEdit.summaryEn"),
        long: true,
        maxLength: 1500,
        value: written.en === "written" ? paper.summary.en : "",
        placeholder: truncate(paper.summary.en, 100),
      },
      {
        id: "summary_ja",
        label: t(locale, "paperEdit.summaryJa"),
        long: true,
        maxLength: 1500,
        value: written.ja === "written" ? paper.summary.ja : "",
      },
      { id: "aliases", label: t(locale, "paperEdit.aliases"), maxLength: 1000, value: paper.aliases.join(", ") },
      { id: "topics", label: t(locale, "paperEdit.topics"), maxLength: 200, required: true, value: topicsText(paper.topics, locale) },
    ],
  };
}

export const paperEditCommand = defineCommand({
  definition: {
    ...moderatorCommandHeader("paper-edit", "command.paperEdit.description"),
    options: [paperOption(editPaper)],
  } as const,
  privateReplies: true,
  execute(ctx, options, requester): Reply {
    const refused = refuseUnlessModerator(ctx, requester);
    if (refused) return refused;
    const paper = findPaper(ctx, options.paper, requester);
    return paper
      ? editModal(paper, requester)
      : notice(requester.locale, message("moderation.unknownPaper", { id: truncate(options.paper, 80) }));
  },
  autocomplete: (ctx, focused, requester) => paperChoices(ctx, focused.value, requester, () => true),
});

/** The submitted edit modal (`paper-edit:<paperId>`). */
export const paperEditModal: ComponentModule = {
  prefix: "paper-edit",
  handle: (_ctx, _args, requester) => notice(requester.locale, "errors.expiredButton"),
  submit(ctx, [paperId = ""], fields, requester): Reply {
    const refused = refuseUnlessModerator(ctx, requester);
    if (refused) return refused;
    const { locale } = requester;
    const unsafe = refuseControlCharacters(locale, [
      { label: t(locale, "paperEdit.summaryEn"), value: fields["summary_en"] ?? "", newlines: true, max: 1500 },
      { label: t(locale, "paperEdit.summaryJa"), value: fields["summary_ja"] ?? "", newlines: true, max: 1500 },
      { label: t(locale, "paperEdit.aliases"), value: fields["aliases"] ?? "", newlines: true, max: 1000 },
      { label: t(locale, "paperEdit.topics"), value: fields["topics"] ?? "", max: 200 },
    ]);
    if (unsafe) return unsafe;
    const topics = parseTopics(fields["topics"] ?? "", locale);
    if (!topics.ok) return notice(locale, topics);
    const aliases = (fields["aliases"] ?? "").split(/[,、\n]/);
    const lines = (text: string | undefined) => (text ?? "").replace(/\r\n?/g, "\n");
    const edit = { summaryEn: lines(fields["summary_en"]), summaryJa: lines(fields["summary_ja"]), aliases, topics: topics.value };
    const result = ctx.moderation.editPaper(paperId, edit, actorOf(requester));
    if (!result.ok) return notice(locale, result);
    return notice(
      locale,
      message(result.value.changed ? "paperEdit.saved" : "paperEdit.unchanged", {
        title: inlineText(truncate(result.value.paper.title, 200)),
      }),
    );
  },
};

export const paperRemoveCommand = defineCommand({
  definition: {
    ...moderatorCommandHeader("paper-remove", "command.paperRemove.description"),
    options: [paperOption(removePaper)],
  } as const,
  privateReplies: true,
  execute(ctx, options, requester): Reply {
    const refused = refuseUnlessModerator(ctx, requester);
    if (refused) return refused;
    const { locale } = requester;
    const paper = findPaper(ctx, options.paper, requester);
    if (!paper) return notice(locale, message("moderation.unknownPaper", { id: truncate(options.paper, 80) }));
    if (paper.source !== "moderator")
      return notice(locale, message("paperRemove.onlyAdded", { title: inlineText(truncate(paper.title, 200)) }));
    return notice(locale, message("paperRemove.confirm", { title: inlineText(truncate(paper.title, 200)), id: paper.id }), {
      components: [
        row(
          actionButton(t(locale, "paperRemove.confirmButton"), `paper-remove:yes:${paper.id}`, { style: ButtonStyle.Danger }),
          actionButton(t(locale, "paperRemove.cancel"), `paper-remove:no:${paper.id}`),
        ),
      ],
    });
  },
  autocomplete: (ctx, focused, requester) => paperChoices(ctx, focused.value, requester, (paper) => paper.source === "moderator"),
});

export const paperRemoveButton: ComponentModule = {
  prefix: "paper-remove",
  handle(ctx, [step, paperId = ""], requester): Reply {
    const refused = refuseUnlessModerator(ctx, requester);
    if (refused) return refused;
    const { locale } = requester;
    if (step !== "yes") return { kind: "update", content: t(locale, "paperRemove.cancelled"), components: [] };
    const removed = ctx.moderation.removePaper(paperId, actorOf(requester));
    const content = removed.ok
      ? t(locale, "paperRemove.removed", { title: inlineText(truncate(removed.value.title, 200)) })
      : renderMessage(locale, withSafeTitle(removed));
    return { kind: "update", content, components: [] };
  },
};
