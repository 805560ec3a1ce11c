import { describe, expect, it } from "vitest";
import type { APIEmbed } from "discord.js";
import { dmChannelIdFor } from "../support/harness/index.js";
import { chatInput } from "../support/interactions.js";
import { dmMessageCreate } from "../support/messages.js";
import { useTestBot } from "../support/bot.js";
import { send } from "../support/e2e.js";
import { t as text } from "../../src/i18n/index.js";

const JA_READER = { id: "1300000000000000301", username: "yomite" };
const STRANGER = { id: "1300000000000000302", username: "stranger" };

type DmBody = { content?: string; embeds?: APIEmbed[]; allowed_mentions?: unknown };

/** Sends a DM to the bot and returns the body of its answer. */
async function dm(bot: Awaited<ReturnType<typeof useTestBot>>, user: { id: string; username: string }, content: string): Promise<DmBody> {
  const since = bot.harness.requests.length;
  bot.harness.dispatch("MESSAGE_CREATE", dmMessageCreate({ content, user }));
  const reply = await bot.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(user.id)}/messages` }, { since });
  return reply.body as DmBody;
}

describe("direct messages to the bot", () => {
  it("a follower who followed in Japanese gets the bundle answer in Japanese, whatever script the keyword is in", async () => {
    const t = await useTestBot();
    await send(t, chatInput({ name: "follow", user: JA_READER, locale: "ja" }));
    for (const content of ["LLM Papers", "ＬＬＭ Ｐａｐｅｒｓ"]) {
      const body = await dm(t, JA_READER, content);
      expect(body.embeds?.[0]?.title, content).toBe(text("ja", "bundle.title"));
    }
  });

  it("anyone else is answered in the language they wrote in: the gated answer in English for LLM Papers", async () => {
    const t = await useTestBot();
    expect((await dm(t, STRANGER, "LLM Papers")).content).toBe(text("en", "bundle.followFirst"));
    expect((await dm(t, STRANGER, "論文集")).content).toBe(text("ja", "bundle.followFirst"));
  });

  it("any other DM gets a short hint instead of silence, in the writer's language, mentioning no one", async () => {
    const t = await useTestBot();
    const hello = await dm(t, STRANGER, "hello @everyone");
    expect(hello.content).toBe(text("en", "dm.hint"));
    expect(hello.allowed_mentions).toEqual({ parse: [] });
    expect((await dm(t, STRANGER, "llm papers please")).content).toBe(text("en", "dm.hintKeyword"));
    expect((await dm(t, STRANGER, "こんにちは")).content).toBe(text("ja", "dm.hint"));
    await send(t, chatInput({ name: "follow", user: JA_READER, locale: "ja" }));
    expect((await dm(t, JA_READER, "hello")).content).toBe(text("ja", "dm.hint"));
  });
});
