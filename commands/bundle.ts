import { ButtonStyle } from "../src/shared/reply.js";
import {
  commandHeader,
  defineCommand,
  type ComponentModule,
  type DirectMessageModule,
  type Reply,
  type Requester,
} from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { actionButton, BRAND_COLOUR, fitEmbed, linkButton, notice, row } from "../src/shared/embeds.js";
import { t } from "../src/i18n/index.js";

/** "LLM Papers" (any case, spacing or width), and the Japanese ways of asking for the collection. */
export const BUNDLE_KEYWORD = /^\s*(?:llm[\s_-]*papers?|llm\s*論文(?:集)?|論文集|論文パック|論文まとめ)\s*[!！。.]?\s*$/iu;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The answer to /bundle, the Follow button and the DM keyword alike. */
export function bundleReply(ctx: BotContext, requester: Requester): Reply {
  const { locale } = requester;
  if (ctx.settings.bundleRequiresFollow && !ctx.follows.get(requester.userId)) {
    return notice(locale, "bundle.followFirst", {
      components: [
        row(actionButton(t(locale, "bundle.followButton"), `bundle-follow:${requester.userId}`, { style: ButtonStyle.Primary })),
      ],
    });
  }
  const link = ctx.bundle.link(ctx.clock.now());
  if (!link) return notice(locale, "bundle.unavailable");
  const details = [
    link.paperCount !== null ? t(locale, "bundle.description", { count: link.paperCount }) : "",
    link.expiresAt ? t(locale, "bundle.expires", { expires: `<t:${Math.floor(link.expiresAt.getTime() / 1000)}:f>` }) : "",
    link.updatedAt && link.sha256 ? t(locale, "bundle.updated", { date: link.updatedAt.slice(0, 10), sha: link.sha256.slice(0, 12) }) : "",
  ].filter((line) => line.length > 0);
  const label =
    link.size !== null && link.expiresAt ? t(locale, "bundle.link", { size: formatSize(link.size) }) : t(locale, "bundle.external");
  return {
    kind: "reply",
    private: true,
    embeds: [fitEmbed({ title: t(locale, "bundle.title"), url: link.url, description: details.join("\n"), color: BRAND_COLOUR })],
    components: [row(linkButton(label, link.url))],
  };
}

export const bundleCommand = defineCommand({
  definition: commandHeader("bundle", "command.bundle.description"),
  privateReplies: true,
  execute: (ctx, _options, requester) => bundleReply(ctx, requester),
});

/** "Follow and get the bundle": follows, then turns the gated answer into the link. */
export const bundleFollowButton: ComponentModule = {
  prefix: "bundle-follow",
  async handle(ctx, [ownerId], requester): Promise<Reply> {
    if (ownerId !== requester.userId) return bundleReply(ctx, requester);
    const { created } = ctx.follows.follow(requester.userId, requester.locale, undefined, ctx.clock.now());
    if (created) await ctx.dm.send(requester.userId, { content: t(requester.locale, "follow.welcomeDm") });
    const reply = bundleReply(ctx, requester);
    return reply.kind === "reply"
      ? { kind: "update", content: reply.content ?? "", embeds: reply.embeds ?? [], components: reply.components ?? [] }
      : reply;
  },
};

/** The seed's "reply LLM Papers to get the bundle", in a DM with the bot. */
export const bundleKeyword: DirectMessageModule = {
  name: "bundle keyword",
  // NFKC: full-width ＬＬＭ Ｐａｐｅｒｓ (a Japanese IME's) is the same request, as topics are normalised.
  matches: (content) => BUNDLE_KEYWORD.test(content.normalize("NFKC")),
  handle: (ctx, requester) => bundleReply(ctx, requester),
};

/** "llm papers please", "論文ください": close to the keyword but not it. */
const NEAR_BUNDLE_KEYWORD = /llm[\s_-]*papers?|論文/iu;

/** Any other DM (hello, a question): a short hint instead of silence. Registered last, after every keyword. */
export const directMessageHint: DirectMessageModule = {
  name: "direct message hint",
  matches: (content) => content.trim().length > 0,
  handle: (_ctx, requester, content) =>
    notice(requester.locale, NEAR_BUNDLE_KEYWORD.test((content ?? "").normalize("NFKC")) ? "dm.hintKeyword" : "dm.hint"),
};
