import { afterEach, describe, expect, it } from "vitest";
import { followCommand, unfollowCommand } from "../../commands/follow.js";
import { followingCommand } from "../../commands/following.js";
import { register, type Reply, type Requester } from "../../src/discord/command.js";
import { renderReplyText } from "../../src/discord/console.js";
import type { Locale } from "../../src/i18n/index.js";
import { createTestApp, createTestContext } from "../support/app.js";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const app of opened.splice(0)) app.close();
});

function setUp() {
  const app = createTestApp();
  opened.push(app);
  return { app, ...createTestContext(app) };
}

const reader = (locale: Locale, userId = "100000000000000001"): Requester => ({
  userId,
  username: "reader",
  locale,
  guildId: null,
  channelId: null,
  canManageGuild: false,
});
const text = (reply: Reply) => renderReplyText(reply);
const buttonLabels = (reply: Reply) =>
  reply.kind === "modal"
    ? []
    : (reply.components ?? []).flatMap((row) => row.components.map((component) => ("label" in component ? component.label : undefined)));

const follow = register(followCommand);
const unfollow = register(unfollowCommand);
const following = register(followingCommand);

describe("/follow with Japanese topic words", () => {
  const cases: [string, string, string][] = [
    ["検索", "retrieval", "検索拡張"],
    ["微調整", "fine-tuning", "ファインチューニング"],
    ["画像", "vision", "ビジョン"],
    ["効率", "efficiency", "効率化"],
    ["安全", "safety", "安全性"],
    ["スケーリング則", "scaling", "スケーリング"],
  ];
  it.each(cases)("%s follows the topic %s, named by its label", async (typed, topic, label) => {
    const { ctx } = setUp();
    const reply = await follow.run(ctx, { topic: typed }, reader("ja"));
    expect(text(reply)).toContain(`**${label}**の新着論文も通知します。`);
    expect(ctx.follows.get(reader("ja").userId)?.topics.map((entry) => entry.topic)).toEqual([topic]);
  });

  it("a keyword without Latin letters is not saved: the reply says why and suggests the closest topics (ja)", async () => {
    const { ctx } = setUp();
    const reply = await follow.run(ctx, { topic: "検索エンジン" }, reader("ja"));
    expect(reply).toMatchObject({ kind: "reply", private: true });
    expect(text(reply)).toContain("「検索エンジン」はフォローしませんでした");
    expect(text(reply)).toContain("英語");
    expect(text(reply)).toMatch(/近いトピック: 検索拡張/);
    expect(ctx.follows.get(reader("ja").userId)).toBeUndefined();
  });

  it("the same in English, with the topics' English labels", async () => {
    const { ctx } = setUp();
    const reply = await follow.run(ctx, { topic: "安全性評価" }, reader("en"));
    expect(text(reply)).toMatch(/I didn't follow “安全性評価”: arXiv titles and abstracts are in English/);
    expect(text(reply)).toMatch(/Closest topics: Safety/);
    expect(ctx.follows.get(reader("en").userId)).toBeUndefined();
  });

  it("with no close topic, it lists every topic", async () => {
    const { ctx } = setUp();
    const reply = await follow.run(ctx, { topic: "猫" }, reader("en"));
    expect(text(reply)).toContain("follow one of the topics: Foundations, Architecture");
  });
});

describe("keywords are echoed as typed; ja templates put no space before a particle", () => {
  it("LLMエージェント stays LLMエージェント in the reply, /following, its unfollow button and /unfollow", async () => {
    const { ctx } = setUp();
    const user = reader("ja");
    const followed = text(await follow.run(ctx, { topic: "LLMエージェント" }, user));
    // One sentence, its keyword note inside it: no half-width space after 。 or before the bracket.
    expect(followed).toContain("**LLMエージェント**の新着論文も通知します（キーワード: 論文のタイトルと要約で照合します）。");
    expect(followed).not.toMatch(/[。、] |\s（/);
    expect(text(await follow.run(ctx, { topic: "llmエージェント" }, user))).toContain("**LLMエージェント**はすでにフォロー中です。");
    const listed = await following.run(ctx, {}, user);
    expect(text(listed)).toContain("• LLMエージェント");
    expect(text(listed)).not.toContain("llmエージェント");
    expect(buttonLabels(listed)).toContain("LLMエージェントを解除");
    expect(text(await unfollow.run(ctx, { topic: "llmエージェント" }, user))).toContain("**LLMエージェント**のフォローをやめました。");
  });

  it("in English the keyword note stays inside the sentence too", async () => {
    const { ctx } = setUp();
    expect(text(await follow.run(ctx, { topic: "Speculative Decoding" }, reader("en")))).toContain(
      "You'll also get alerts for new papers on **Speculative Decoding** (a keyword: alerts match paper titles and summaries).",
    );
  });

  it("a catalog topic's unfollow button reads 検索拡張を解除", async () => {
    const { ctx } = setUp();
    await follow.run(ctx, { topic: "検索" }, reader("ja"));
    expect(buttonLabels(await following.run(ctx, {}, reader("ja")))).toContain("検索拡張を解除");
  });
});
