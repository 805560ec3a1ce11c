/**
 * /paper through the real bot and the loopback Discord: what needs the transport. What the handlers answer is in
 * paper.test.ts.
 */
import { describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { autocomplete, chatInput, option } from "../support/interactions.js";
import { useTestBot } from "../support/bot.js";
import { send } from "../support/e2e.js";

describe("/paper end to end", () => {
  it("a clear best answer is published as a public embed", async () => {
    const t = await useTestBot();
    const body = await send(t, chatInput({ name: "paper", options: [option.string("query", "attention")] }));
    expect(body.type).toBe(4);
    expect(body.data.flags ?? 0).toBe(0);
    expect(body.data.embeds?.[0]?.title).toBe("Attention Is All You Need");
  });

  it("a query quoted back goes out with no mentions allowed, and privately", async () => {
    const t = await useTestBot();
    const body = await send(t, chatInput({ name: "paper", options: [option.string("query", "</paper:123456789012345678>")] }));
    expect(body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(body.data.content).toContain("`</paper:123456789012345678>`");
    expect(body.data.allowed_mentions).toEqual({ parse: [] });
  });

  it("autocomplete over the gateway answers in the reader's language", async () => {
    const t = await useTestBot();
    const empty = await send(t, autocomplete({ name: "paper", options: [option.focused("query", "")], locale: "ja" }));
    expect(empty.type).toBe(8);
    expect(empty.data.choices?.[0]?.name).toMatch(/必要なのはアテンションだけ/);
  });
});
