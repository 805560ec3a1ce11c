/** An alert names what its reader follows: the keyword a paper matched, not catalog topics the reader doesn't follow. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { dmChannelIdFor } from "../support/harness/index.js";
import { option } from "../support/interactions.js";
import { as, command } from "../support/moderation.js";

const CHANNEL = "1200000000000000011";
const KEYWORD_EN = { id: "1300000000000000401", username: "keyword-en" };
const KEYWORD_JA = { id: "1300000000000000402", username: "keyword-ja" };
const BOTH = { id: "1300000000000000403", username: "topic-and-keyword" };
const TOPIC_ONLY = { id: "1300000000000000404", username: "topic-only" };

const record = {
  arxivId: "hep-th/9711200",
  version: 1,
  title: "The Large N Limit of Superconformal Field Theories and Supergravity",
  abstract: "We show that the large N limit of certain conformal field theories includes supergravity.",
  authors: ["Juan Maldacena"],
  categories: ["hep-th"],
  primaryCategory: "hep-th",
  published: "1997-11-27T00:00:00Z",
  updated: "1997-11-27T00:00:00Z",
  comment: null,
  absUrl: "https://arxiv.org/abs/hep-th/9711200",
  pdfUrl: "https://arxiv.org/pdf/hep-th/9711200",
};

describe("alert reasons", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("keyword followers (en, ja), a topic-and-keyword follower and a keyword channel are told what they follow", async () => {
    await command(t, { name: "follow", user: KEYWORD_EN, options: [option.string("topic", "supergravity")] });
    await command(t, { name: "follow", user: KEYWORD_JA, locale: "ja", options: [option.string("topic", "supergravity")] });
    await command(t, { name: "follow", user: BOTH, options: [option.string("topic", "foundations")] });
    await command(t, { name: "follow", user: BOTH, options: [option.string("topic", "supergravity")] });
    await command(t, { name: "follow", user: TOPIC_ONLY, options: [option.string("topic", "foundations")] });
    await command(t, {
      name: "follow",
      ...as.moderator,
      options: [option.channel("channel", CHANNEL), option.string("topic", "supergravity")],
    });

    const since = t.harness.requests.length;
    const added = t.bot.ctx.moderation.addPaper(
      entryFromArxiv(record, ["foundations"], () => false),
      addedFromAbstract("mod"),
      { id: "1", name: "mod" },
    );
    expect(added.ok).toBe(true);
    const content = async (channelId: string) =>
      ((await t.harness.waitForRequest({ method: "POST", path: `/channels/${channelId}/messages` }, { since })).body as { content: string })
        .content;
    const title = "**The Large N Limit of Superconformal Field Theories and Supergravity**";

    expect(await content(dmChannelIdFor(KEYWORD_EN.id))).toBe(`New on the LLM reading list: ${title} matches your keyword “supergravity”`);
    expect(await content(dmChannelIdFor(KEYWORD_JA.id))).toBe(
      `フォロー中のキーワード「supergravity」に一致する論文がリストに追加されました: ${title}`,
    );
    expect(await content(dmChannelIdFor(BOTH.id))).toBe(
      `New on the LLM reading list, on a topic you follow (Foundations): ${title}, which also matches your keyword “supergravity”`,
    );
    expect(await content(dmChannelIdFor(TOPIC_ONLY.id))).toBe(`New on the LLM reading list, on a topic you follow (Foundations): ${title}`);
    const post = await content(CHANNEL);
    expect(post).toBe(`New on the LLM reading list: ${title} matches this channel's keyword “supergravity”`);
    expect(post).not.toMatch(/Foundations/);
  });
});
