/**
 * "Post it to the channel": a paper picked privately from an ambiguous /paper (or a did-you-mean) can be posted for
 * everyone, through the real bot and the loopback Discord (permissions come from the interaction, as Discord sends them).
 */
import { describe, expect, it } from "vitest";
import { MessageFlags, PermissionFlagsBits } from "discord.js";
import { button, chatInput, option, type BaseInteractionInit } from "../support/interactions.js";
import { useTestBot, type TestBot } from "../support/bot.js";
import { original, send, type CallbackBody } from "../support/e2e.js";
import { DEFAULT_APP_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, DEFAULT_GUILD, DEFAULT_USER } from "../support/harness/index.js";

const GENERAL = DEFAULT_GUILD.channels[0]?.id ?? "0";
const OTHER = { id: "1300000000000000299", username: "someone-else" };

const customIds = (body: CallbackBody) =>
  (body.data.components ?? []).flatMap((row) => row.components.map((component) => String(component["custom_id"] ?? "")));

/** `/paper llm`, then the first paper offered pressed: the private card and the interaction it answered. */
async function pickFromAmbiguous(t: TestBot, init: BaseInteractionInit = {}) {
  const command = chatInput({ name: "paper", options: [option.string("query", "llm")], ...init });
  const choices = await send(t, command);
  expect(choices.data.flags).toBe(MessageFlags.Ephemeral);
  const [showId] = customIds(choices);
  expect(showId).toMatch(/^show:/);
  const show = button({ customId: showId ?? "", message: original(t, command), ...init });
  const card = await send(t, show);
  return { card, show, paperId: (showId ?? "").slice("show:".length) };
}

describe("post it to the channel", () => {
  it("the asker's private pick offers the button; pressing it posts the card publicly, naming them without a ping", async () => {
    const t = await useTestBot();
    const { card, show, paperId } = await pickFromAmbiguous(t);
    expect(card.data.flags).toBe(MessageFlags.Ephemeral);
    const postId = `post:${paperId}:${DEFAULT_USER.id}`;
    expect(customIds(card)).toContain(postId);
    const title = card.data.embeds?.[0]?.title;

    const posted = await send(t, button({ customId: postId, message: original(t, show) }));
    expect(posted.type).toBe(4);
    expect((posted.data.flags ?? 0) & MessageFlags.Ephemeral).toBe(0);
    expect(posted.data.content).toBe(`Shared by <@${DEFAULT_USER.id}>:`);
    expect(posted.data.allowed_mentions).toEqual({ parse: [] });
    expect(posted.data.embeds?.[0]?.title).toBe(title);
    expect(customIds(posted)).toContain(`related:${paperId}`);
    expect(customIds(posted).some((id) => id.startsWith("post:"))).toBe(false);
    // In the channel for everyone: the one public message with that card (the private one is flagged ephemeral).
    const stored = t.harness
      .messagesIn(GENERAL)
      .filter((message) => message.embeds[0]?.title === title && ((message.flags ?? 0) & MessageFlags.Ephemeral) === 0);
    expect(stored).toHaveLength(1);
  });

  it("only the person who asked may press it", async () => {
    const t = await useTestBot();
    const { show, paperId } = await pickFromAmbiguous(t);
    const posted = await send(t, button({ customId: `post:${paperId}:${DEFAULT_USER.id}`, message: original(t, show), user: OTHER }));
    expect(posted.data.flags).toBe(MessageFlags.Ephemeral);
    expect(posted.data.content).toBe("Only the person who asked can post this paper.");
    expect(posted.data.embeds ?? []).toEqual([]);
  });

  it("where the member may not send messages (or embed links), no button is offered and a forged press is refused", async () => {
    const t = await useTestBot();
    const readOnly = { memberPermissions: (DEFAULT_EVERYONE_PERMISSIONS & ~PermissionFlagsBits.SendMessages).toString() };
    const { card, show, paperId } = await pickFromAmbiguous(t, readOnly);
    expect(customIds(card).some((id) => id.startsWith("post:"))).toBe(false);
    const forged = await send(t, button({ customId: `post:${paperId}:${DEFAULT_USER.id}`, message: original(t, show), ...readOnly }));
    expect(forged.data.flags).toBe(MessageFlags.Ephemeral);
    expect(forged.data.content).toBe("You can't send messages in this channel, so the paper can't be posted here.");

    const noEmbeds = { memberPermissions: (DEFAULT_EVERYONE_PERMISSIONS & ~PermissionFlagsBits.EmbedLinks).toString() };
    expect(customIds((await pickFromAmbiguous(t, noEmbeds)).card).some((id) => id.startsWith("post:"))).toBe(false);
  });

  it("where the bot may not post, no button either", async () => {
    const t = await useTestBot();
    const botMuted = { appPermissions: (BigInt(DEFAULT_APP_PERMISSIONS) & ~PermissionFlagsBits.SendMessages).toString() };
    const { card } = await pickFromAmbiguous(t, botMuted);
    expect(customIds(card).some((id) => id.startsWith("post:"))).toBe(false);
  });

  it("in the bot's DMs there is no channel to post to", async () => {
    const t = await useTestBot();
    const { card } = await pickFromAmbiguous(t, { guildId: null });
    expect(card.data.embeds?.[0]?.title).toBeTruthy();
    expect(customIds(card).some((id) => id.startsWith("post:"))).toBe(false);
  });

  it("a did-you-mean pick offers it too, and in Japanese the button and the post are Japanese", async () => {
    const t = await useTestBot();
    const command = chatInput({ name: "paper", options: [option.string("query", "flashattn2")], locale: "ja" });
    const suggestion = await send(t, command);
    const show = button({ customId: "show:flashattention", message: original(t, command), locale: "ja" });
    expect(customIds(suggestion)).toContain("show:flashattention");
    const card = await send(t, show);
    const post = (card.data.components ?? []).flatMap((row) => row.components).find((c) => String(c["custom_id"]).startsWith("post:"));
    expect(post?.["label"]).toBe("チャンネルに投稿");
    const posted = await send(t, button({ customId: String(post?.["custom_id"]), message: original(t, show), locale: "ja" }));
    expect(posted.data.content).toBe(`<@${DEFAULT_USER.id}> さんが共有しました:`);
    expect(posted.data.embeds?.[0]?.title).toMatch(/^FlashAttention: IOを考慮/);
  });
});
