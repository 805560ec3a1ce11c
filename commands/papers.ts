import { ApplicationCommandOptionType } from "discord.js";
import { ButtonStyle } from "../src/shared/reply.js";
import { truncate } from "../src/catalog/format.js";
import { TOPICS, topicSchema, type Topic } from "../src/catalog/schema.js";
import { commandHeader, defineCommand, describedBy, type ComponentModule, type MessageBody, type Reply } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { echoUserText } from "../src/discord/echo.js";
import { actionButton, BRAND_COLOUR, fitEmbed, notice, row } from "../src/shared/embeds.js";
import { message, t, type Locale } from "../src/i18n/index.js";
import { inlineText } from "../src/shared/safe-text.js";
import { topicChoices, topicLabel } from "../src/i18n/topics.js";

export const PAGE_SIZE = 8;

export const papersCommand = defineCommand({
  definition: {
    ...commandHeader("papers", "command.papers.description"),
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "topic",
        ...describedBy("command.papers.topic"),
        required: false,
        choices: topicChoices(),
      },
    ],
  } as const,

  execute(ctx, options, requester): Reply {
    const topic = options.topic === undefined ? undefined : topicSchema.safeParse(options.topic);
    if (topic && !topic.success) {
      return notice(
        requester.locale,
        message("errors.unknownTopic", {
          topic: echoUserText(String(options.topic), 64),
          topics: TOPICS.map((name) => topicLabel(requester.locale, name)).join(", "),
        }),
      );
    }
    const page = renderPage(
      ctx,
      { topic: topic?.data, page: 0, ownerId: requester.userId, issuedAt: ctx.clock.now().getTime() },
      requester.locale,
    );
    return { kind: "reply", private: false, buttonsExpireAfterMs: ctx.settings.buttonTtlMs, ...page };
  },
});

interface PageState {
  topic: Topic | undefined;
  page: number;
  ownerId: string;
  issuedAt: number;
}

function customId(state: PageState, page: number, direction: "prev" | "next"): string {
  return ["papers", state.ownerId, state.topic ?? "all", String(page), state.issuedAt.toString(36), direction].join(":");
}

export function renderPage(ctx: Pick<BotContext, "catalog">, state: PageState, locale: Locale): MessageBody {
  const papers = ctx.catalog.byTopic(state.topic);
  const pages = Math.max(1, Math.ceil(papers.length / PAGE_SIZE));
  const page = Math.min(Math.max(0, state.page), pages - 1);
  const slice = papers.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const lines = slice.map(
    (paper, index) =>
      `**${page * PAGE_SIZE + index + 1}.** [${inlineText(truncate(locale === "ja" ? paper.titleJa : paper.title, 150))}](${paper.url}) · ${paper.year} · \`${paper.id}\``,
  );
  const embed = fitEmbed({
    title: state.topic ? t(locale, "papers.titleTopic", { topic: topicLabel(locale, state.topic) }) : t(locale, "papers.title"),
    description: lines.length > 0 ? lines.join("\n") : t(locale, "papers.empty"),
    color: BRAND_COLOUR,
    footer: { text: t(locale, "papers.page", { page: page + 1, pages, count: papers.length }) },
  });
  const components =
    pages > 1
      ? [
          row(
            actionButton(t(locale, "papers.previous"), customId(state, page - 1, "prev"), {
              disabled: page === 0,
              style: ButtonStyle.Secondary,
            }),
            actionButton(t(locale, "papers.next"), customId(state, page + 1, "next"), {
              disabled: page >= pages - 1,
              style: ButtonStyle.Secondary,
            }),
          ),
        ]
      : [];
  return { embeds: [embed], components };
}

export const papersPageButtons: ComponentModule = {
  prefix: "papers",
  handle(ctx, args, requester): Reply {
    const [ownerId, topicName, pageText, issuedText] = args;
    const topic = topicName === "all" ? undefined : topicSchema.safeParse(topicName);
    const issuedAt = Number.parseInt(issuedText ?? "", 36);
    const page = Number.parseInt(pageText ?? "", 10);
    if (!ownerId || (topic && !topic.success) || !Number.isFinite(issuedAt) || !Number.isFinite(page)) {
      return { kind: "updateAndNotify", notice: t(requester.locale, "errors.expiredButton"), components: [] };
    }
    if (ctx.clock.now().getTime() - issuedAt > ctx.settings.buttonTtlMs) {
      return { kind: "updateAndNotify", notice: t(requester.locale, "errors.expiredButton"), components: [] };
    }
    if (requester.userId !== ownerId) return notice(requester.locale, "errors.notYourButton");
    return { kind: "update", ...renderPage(ctx, { topic: topic?.data, page, ownerId, issuedAt }, requester.locale) };
  },
};

export default papersCommand;
