import { ButtonStyle, type Embed } from "../src/shared/reply.js";
import { paperShortName, truncate } from "../src/catalog/format.js";
import { TOPICS, type Topic } from "../src/catalog/schema.js";
import type { Candidate } from "../src/db/candidates.js";
import { defineCommand, moderatorCommandHeader, type ComponentModule, type Reply, type Requester } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { actionButton, BRAND_COLOUR, fitEmbed, linkButton, notice, row, truncateEscaped } from "../src/shared/embeds.js";
import { formatList, message, renderMessage, t, type Locale } from "../src/i18n/index.js";
import { topicLabel } from "../src/i18n/topics.js";
import { confidentTopics, parseTopics, topicsText } from "../src/moderation/papers.js";
import { alreadyDecided } from "../src/moderation/review.js";
import { actorOf, refuseUnlessModerator } from "../src/moderation/permissions.js";
import { embedText, inlineText, withSafeTitle } from "../src/shared/safe-text.js";
import { refuseControlCharacters } from "../src/moderation/form-text.js";
import { notifySuggesters, suggestionFields } from "./suggest.js";
import { texToText } from "../src/arxiv/tex.js";
import { candidateTermsAsWritten } from "../src/arxiv/reasons.js";
import { voteButton } from "../src/community/buttons.js";

const ABSTRACT_EXCERPT = 700;

/** "terms: KV cache and speculative decoding; like LoRA; topics: fine-tuning", canon papers by their short names. */
export function reasonsLine(ctx: BotContext, candidate: Candidate, locale: Locale): string {
  const like = candidate.reasons.papers.map((id) => {
    const paper = ctx.catalog.get(id);
    return embedText(paper ? paperShortName(paper) : id);
  });
  const topics = candidate.reasons.topics.map((topic) =>
    (TOPICS as readonly string[]).includes(topic) ? topicLabel(locale, topic as Topic) : embedText(topic),
  );
  const terms = candidateTermsAsWritten(candidate).map((term) => embedText(term));
  const parts = [
    terms.length > 0 ? t(locale, "review.terms", { terms: formatList(locale, terms) }) : "",
    like.length > 0 ? t(locale, "review.like", { papers: formatList(locale, like) }) : "",
    topics.length > 0 ? t(locale, "review.topics", { topics: formatList(locale, topics) }) : "",
  ].filter((part) => part !== "");
  return parts.join("; ") || t(locale, "review.noReasons");
}

function candidateEmbed(ctx: BotContext, candidate: Candidate, locale: Locale, position: { offset: number; pending: number }): Embed {
  return fitEmbed({
    // texToText: a candidate stored before TeX was rendered where arXiv text enters shows readable text too.
    title: texToText(candidate.title),
    url: `https://arxiv.org/abs/${candidate.arxivId}`,
    description: truncateEscaped(embedText(texToText(candidate.abstract)), ABSTRACT_EXCERPT),
    color: BRAND_COLOUR,
    fields: [
      { name: t(locale, "paper.authors"), value: embedText(candidate.authors.join(", ")) || "—" },
      { name: t(locale, "paperAdd.categories"), value: embedText(candidate.categories.join(", ")) || "—", inline: true },
      { name: t(locale, "review.score"), value: candidate.score.toFixed(3), inline: true },
      { name: t(locale, "review.why"), value: reasonsLine(ctx, candidate, locale) },
      ...suggestionFields(ctx, candidate.arxivId, locale),
    ],
    footer: {
      text: t(locale, "review.position", {
        position: position.offset + 1,
        pending: position.pending,
        arxivId: `${candidate.arxivId}v${candidate.version}`,
      }),
    },
  });
}

/** The candidate at `offset` (best first), with Approve, Reject, Skip and Open on arXiv. */
export function reviewCard(ctx: BotContext, requester: Requester, offset: number, prefix = ""): Reply {
  const { locale } = requester;
  const { candidate, pending } = ctx.moderation.review.at(offset);
  if (!candidate) {
    const content = (prefix ? `${prefix}\n` : "") + t(locale, pending > 0 ? "review.end" : "review.empty");
    return { kind: "reply", private: true, content, embeds: [], components: [] };
  }
  const id = candidate.arxivId;
  return {
    kind: "reply",
    private: true,
    content: prefix,
    embeds: [candidateEmbed(ctx, candidate, locale, { offset, pending })],
    components: [
      row(
        actionButton(t(locale, "review.approve"), `review:approve:${id}`, { style: ButtonStyle.Success }),
        actionButton(t(locale, "review.reject"), `review:reject:${id}:${offset}`, { style: ButtonStyle.Danger }),
        actionButton(t(locale, "review.skip"), `review:skip:${id}:${offset}`),
        linkButton(t(locale, "review.open"), `https://arxiv.org/abs/${id}`),
        // votes (issue 18): the members' count for the candidate (and the moderator's own vote).
        voteButton(id, ctx.votes.totals([id]).get(id) ?? 0),
      ),
    ],
  };
}

const asUpdate = (reply: Reply): Reply =>
  reply.kind === "reply"
    ? { kind: "update", content: reply.content ?? "", embeds: reply.embeds ?? [], components: reply.components ?? [] }
    : reply;

export const reviewCommand = defineCommand({
  definition: {
    ...moderatorCommandHeader("review", "command.review.description"),
  } as const,
  privateReplies: true,
  execute(ctx, _options, requester): Reply {
    return refuseUnlessModerator(ctx, requester) ?? reviewCard(ctx, requester, 0);
  },
});

/** `review:approve:<id>` opens the form; `review:reject|skip:<id>:<offset>` act and show the next candidate. */
export const reviewButtons: ComponentModule = {
  prefix: "review",
  handle(ctx, [action, ...rest], requester): Reply {
    const refused = refuseUnlessModerator(ctx, requester);
    if (refused) return refused;
    const { locale } = requester;
    const offset = Number(rest.at(-1));
    const arxivId = (action === "approve" ? rest : rest.slice(0, -1)).join(":");
    if (action === "approve") {
      const candidate = ctx.moderation.review.get(arxivId);
      if (!candidate) return notice(locale, message("review.unknown", { arxivId }));
      if (candidate.status !== "undecided" && candidate.status !== "expired") return notice(locale, alreadyDecided(candidate));
      // Only topics the classifier is confident of are pre-filled (measured: bench relevance.ours.topics); else none.
      const suggested = confidentTopics(candidate);
      return {
        kind: "modal",
        customId: `review-approve:${arxivId}`,
        title: t(locale, "review.modalTitle"),
        fields: [
          {
            id: "topics",
            label: t(locale, "paperEdit.topics"),
            required: true,
            maxLength: 200,
            value: topicsText(suggested.slice(0, 5), locale),
            placeholder: topicsText(["retrieval", "agents"], locale),
          },
          { id: "note", label: t(locale, "review.note"), long: true, maxLength: 500 },
        ],
      };
    }
    const at = Number.isInteger(offset) && offset >= 0 ? offset : 0;
    if (action === "skip") return asUpdate(reviewCard(ctx, requester, at + 1));
    if (action !== "reject") return notice(locale, "errors.expiredButton");
    const rejected = ctx.moderation.rejectCandidate(arxivId, actorOf(requester));
    if (rejected.ok) notifySuggesters(ctx);
    const prefix = rejected.ok
      ? t(locale, "review.rejected", { title: inlineText(truncate(rejected.value.title, 150)) })
      : renderMessage(locale, withSafeTitle(rejected));
    // The rejected paper leaves the queue, so the same position now holds the next one.
    return asUpdate(reviewCard(ctx, requester, at, prefix));
  },
};

/** The Approve form (`review-approve:<arxivId>`): topics (catalog topics) and an optional note. */
export const reviewApproveModal: ComponentModule = {
  prefix: "review-approve",
  handle: (_ctx, _args, requester) => notice(requester.locale, "errors.expiredButton"),
  submit(ctx, args, fields, requester): Reply {
    const refused = refuseUnlessModerator(ctx, requester);
    if (refused) return refused;
    const { locale } = requester;
    const arxivId = args.join(":");
    const unsafe = refuseControlCharacters(locale, [
      { label: t(locale, "paperEdit.topics"), value: fields["topics"] ?? "", max: 200 },
      { label: t(locale, "review.note"), value: fields["note"] ?? "", newlines: true, max: 500 },
    ]);
    if (unsafe) return unsafe;
    const topics = parseTopics(fields["topics"] ?? "", locale);
    if (!topics.ok) return notice(locale, topics);
    if (topics.value.length === 0) return notice(locale, "review.topicsNeeded");
    const approved = ctx.moderation.approveCandidate(
      arxivId,
      { topics: topics.value, note: (fields["note"] ?? "").trim().slice(0, 500) },
      actorOf(requester),
    );
    if (!approved.ok) return asUpdate(reviewCard(ctx, requester, 0, renderMessage(locale, withSafeTitle(approved))));
    const { paper, candidate } = approved.value;
    notifySuggesters(ctx);
    const prefix = paper
      ? t(locale, "review.approved", { title: inlineText(truncate(paper.title, 150)), id: paper.id })
      : t(locale, "review.approvedListed", { title: inlineText(truncate(candidate.title, 150)) });
    return asUpdate(reviewCard(ctx, requester, 0, prefix));
  },
};
