import { describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { chatInput, option } from "./support/interactions.js";
import { useTestBot } from "./support/bot.js";
import { send } from "./support/e2e.js";

// What a new-user QA pass found in /paper through the real bot (issues 2, 3 and 10).
describe("/paper: ties, languages and echoed text", () => {
  it.each(["llm", "model", "2023"])("a generic query (%s) publishes no paper: the tied papers are offered privately", async (query) => {
    const t = await useTestBot();
    const body = await send(t, chatInput({ name: "paper", options: [option.string("query", query)] }));
    expect(body.type).toBe(4);
    expect(body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(body.data.embeds ?? []).toEqual([]);
    expect(body.data.content).toMatch(/Several papers match/);
    const buttons = body.data.components?.[0]?.components ?? [];
    expect(buttons.length).toBeGreaterThanOrEqual(2);
    for (const button of buttons) expect(button).toMatchObject({ custom_id: expect.stringMatching(/^show:/) });
  });

  it("a clear best answer is still published: attention, consistency", async () => {
    const t = await useTestBot();
    for (const [query, title] of [
      ["attention", "Attention Is All You Need"],
      ["consistency", "Consistency Models"],
    ] as const) {
      const body = await send(t, chatInput({ name: "paper", options: [option.string("query", query)] }));
      expect(body.data.flags ?? 0).toBe(0);
      expect(body.data.embeds?.[0]?.title).toBe(title);
    }
  });
});
