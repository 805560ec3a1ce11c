import { ApplicationCommandOptionType } from "discord.js";
import { ButtonStyle, type Embed } from "../src/shared/reply.js";
import type { ArxivRecord } from "../src/arxiv/api.js";
import { truncate } from "../src/catalog/format.js";
import { TOPICS, type Topic } from "../src/catalog/schema.js";
import { defineCommand, moderatorCommandHeader, type ComponentModule, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { actionButton, BRAND_COLOUR, fitEmbed, linkButton, notice, row, truncateEscaped } from "../src/shared/embeds.js";
import { localized, message, renderMessage, t, type Locale } from "../src/i18n/index.js";
import { topicLabel } from "../src/i18n/topics.js";
import { addedFromAbstract, arxivEntry, outsideLlmAreas, parseTopics } from "../src/moderation/papers.js";
import { lookupListable } from "../src/moderation/arxiv-lookup.js";
import { actorOf, refuseUnlessModerator } from "../src/moderation/permissions.js";
import { embedText, inlineText, withSafeTitle } from "../src/shared/safe-text.js";
import { refuseControlCharacters } from "../src/moderation/form-text.js";
import { notifySuggesters } from "./suggest.js";

const arxivText = localized("command.paperAdd.arxiv");
const topicsText = localized("command.paperAdd.topics");

/** Moderator commands are hidden from members by default; the handlers check again on every use. */

/** The preview's metadata, kept briefly so confirming does not ask arXiv again (bounded). */
const previews = new Map<string, ArxivRecord>();
const MAX_PREVIEWS = 100;
function remember(record: ArxivRecord): void {
  previews.delete(record.arxivId);
  previews.set(record.arxivId, record);
  for (const key of previews.keys()) {
    if (previews.size <= MAX_PREVIEWS) break;
    previews.delete(key);
  }
}

/** The preview embed: title, authors, categories, date and the abstract. */
export function recordEmbed(record: ArxivRecord, locale: Locale, extraFields: Embed["fields"] = []): Embed {
  return fitEmbed({
    title: record.title,
    url: record.absUrl,
    description: truncateEscaped(embedText(record.abstract), 1200),
    color: BRAND_COLOUR,
    fields: [
      { name: t(locale, "paper.authors"), value: embedText(record.authors.join(", ")) || "—" },
      { name: t(locale, "paperAdd.categories"), value: embedText(record.categories.join(", ")) || "—", inline: true },
      { name: t(locale, "paperAdd.published"), value: record.published.slice(0, 10) || "—", inline: true },
      ...(extraFields ?? []),
    ],
    footer: { text: `arXiv:${record.arxivId}v${record.version}` },
  });
}

/** Topics as vocabulary positions ("5+7"), so five of them still fit in a 100-character custom id. */
export function encodeTopics(topics: readonly Topic[]): string {
  return topics.map((topic) => TOPICS.indexOf(topic)).join("+");
}

/** The topics a confirm button carries; null when any position is not a topic (a forged or damaged custom id). */
export function decodeTopics(text: string): Topic[] | null {
  const topics = text.split("+").map((part) => (/^\d{1,2}$/.test(part) ? TOPICS[Number(part)] : undefined));
  return topics.length > 0 && topics.every((topic) => topic !== undefined) ? [...new Set(topics as Topic[])] : null;
}

function topicsPart(locale: Locale, topics: readonly Topic[]): string {
  return topics.map((topic) => topicLabel(locale, topic)).join(", ");
}

function offTopicNote(record: ArxivRecord, locale: Locale): string {
  if (!outsideLlmAreas(record.categories)) return "";
  return t(locale, "paperAdd.offTopic", { categories: truncate(record.categories.join(", "), 100) });
}

async function preview(ctx: BotContext, reference: string, topicsText: string | undefined, requester: Requester): Promise<Reply> {
  const { locale } = requester;
  const unsafe = refuseControlCharacters(locale, [{ label: "topics", value: topicsText ?? "" }]);
  if (unsafe) return unsafe;
  const topics = topicsText === undefined ? undefined : parseTopics(topicsText, locale);
  if (topics && !topics.ok) return notice(locale, topics);
  const sources = { papers: ctx.catalog.papers, has: (id: string) => ctx.catalog.get(id) !== undefined, arxiv: ctx.moderation.arxiv };
  const looked = await lookupListable(sources, reference, topics?.value);
  if (looked.kind === "listed")
    return notice(locale, message("paperAdd.already", { title: inlineText(looked.paper.title), id: looked.paper.id }));
  if (looked.kind === "refused") return notice(locale, looked.failure);
  const { record, topics: chosen } = looked;
  remember(record);
  const guessed = looked.guessed ? t(locale, "paperAdd.guessed") : "";
  return {
    kind: "reply",
    private: true,
    content: t(locale, "paperAdd.preview", { topics: topicsPart(locale, chosen), guessed }) + offTopicNote(record, locale),
    embeds: [recordEmbed(record, locale)],
    components: [
      row(
        actionButton(t(locale, "paperAdd.confirm"), `paper-add:yes:${record.arxivId}:${encodeTopics(chosen)}`, {
          style: ButtonStyle.Success,
        }),
        actionButton(t(locale, "paperAdd.cancel"), `paper-add:no:${record.arxivId}`),
        linkButton(t(locale, "paper.arxiv"), record.absUrl),
      ),
    ],
  };
}

export const paperAddCommand = defineCommand({
  definition: {
    ...moderatorCommandHeader("paper-add", "command.paperAdd.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "arxiv",
        description: arxivText.en,
        description_localizations: { ja: arxivText.ja },
        required: true,
        max_length: 200,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: "topics",
        description: topicsText.en,
        description_localizations: { ja: topicsText.ja },
        required: false,
        max_length: 200,
      },
    ],
  } as const,
  privateReplies: true,
  async execute(ctx, options, requester) {
    return refuseUnlessModerator(ctx, requester) ?? preview(ctx, options.arxiv, options.topics, requester);
  },
});

/** Confirm (`paper-add:yes:<arxivId>:<topic positions>`) or cancel (`paper-add:no:<arxivId>`) a preview. */
export const paperAddButton: ComponentModule = {
  prefix: "paper-add",
  async handle(ctx, [step, ...rest], requester): Promise<Reply> {
    const refused = refuseUnlessModerator(ctx, requester);
    if (refused) return refused;
    const { locale } = requester;
    if (step !== "yes") return { kind: "update", content: t(locale, "paperAdd.cancelled"), embeds: [], components: [] };
    // Old-style ids contain a slash but never a colon; topics come last.
    const topicPart = rest.at(-1) ?? "";
    const arxivId = rest.slice(0, -1).join(":");
    const topics = decodeTopics(topicPart);
    // The preview always names its topics: anything else was not made by this bot, so nothing is added.
    if (!topics || topics.length > 5) return notice(locale, "errors.expiredButton");
    let record = previews.get(arxivId);
    if (!record) {
      const found = await ctx.moderation.arxiv.lookup(arxivId);
      if (!found.ok) return notice(locale, found);
      record = found.value;
    }
    const entry = arxivEntry(record, topics, (id) => ctx.catalog.get(id) !== undefined);
    if (!entry.ok) return { kind: "update", content: renderMessage(locale, entry), embeds: [], components: [] };
    const added = ctx.moderation.addPaper(entry.value, addedFromAbstract(requester.username), actorOf(requester));
    if (!added.ok) return { kind: "update", content: renderMessage(locale, withSafeTitle(added)), embeds: [], components: [] };
    previews.delete(arxivId);
    // A paper members suggested is approved by adding it: they hear so.
    notifySuggesters(ctx);
    return {
      kind: "update",
      content: t(locale, "paperAdd.added", { title: inlineText(truncate(added.value.title, 200)), id: added.value.id }),
      embeds: [],
      components: [],
    };
  },
};
