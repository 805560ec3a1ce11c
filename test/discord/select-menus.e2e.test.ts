/** String select menus: sent in Discord's shape, and a choice reaches the component like a button press, value appended. */
import { describe, expect, it } from "vitest";
import { ActionRowBuilder, MessageFlags, StringSelectMenuBuilder, type APIStringSelectComponent } from "discord.js";
import { discordRows } from "../../src/discord/payload.js";
import { ComponentType } from "../../src/shared/reply.js";
import { chatInput, option, stringSelect } from "../support/interactions.js";
import { useTestBot } from "../support/bot.js";
import { original, send } from "../support/e2e.js";

describe("select menus", () => {
  it("a menu row is a valid Discord string select (checked by discord.js's own builders)", () => {
    const [menuRow] = discordRows([
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: "show",
            placeholder: "Pick a paper",
            options: [
              { label: "LoRA", value: "lora", description: "Low-rank adaptation" },
              { label: "QLoRA", value: "qlora" },
            ],
          },
        ],
      },
    ]);
    const rebuilt = new ActionRowBuilder<StringSelectMenuBuilder>({
      ...menuRow,
      components: (menuRow?.components ?? [])
        .filter((component): component is APIStringSelectComponent => component.type === 3)
        .map((component) => new StringSelectMenuBuilder(component)),
    }).toJSON();
    expect(rebuilt.components[0]).toMatchObject({ type: 3, custom_id: "show", placeholder: "Pick a paper" });
    expect(rebuilt.components[0]?.options).toHaveLength(2);
  });

  it("a choice goes to the component named by the menu's custom id, the chosen value after its arguments", async () => {
    const t = await useTestBot();
    const command = chatInput({ name: "paper", options: [option.string("query", "llm")] });
    await send(t, command);
    // A menu whose custom id is `show` and whose value is a paper id chooses as the `show:<id>` button does.
    const body = await send(t, stringSelect({ customId: "show", values: ["lora"], message: original(t, command) }));
    expect(body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(body.data.embeds?.[0]?.title).toBe("LoRA: Low-Rank Adaptation of Large Language Models");
  });
});
