import { PassThrough } from "node:stream";
import { describe, expect, it, onTestFinished } from "vitest";
import { MessageFlags } from "discord.js";
import { commands, components } from "../../commands/index.js";
import { runConsole } from "../../src/discord/console.js";
import { autocomplete, button, chatInput, option } from "../support/interactions.js";
import { useTestBot } from "../support/bot.js";
import { createTestApp, createTestContext } from "../support/app.js";
import { original, send } from "../support/e2e.js";
import { within } from "../support/wait.js";

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

describe("options that do not fit a command", () => {
  it.each([
    ["en-US", "moe", /isn't a choice for topic\. Choose one of: .*Retrieval/],
    ["en-US", "nonsense", /`nonsense` isn't a choice for topic/],
    ["ja", "検索", /topic の選択肢にありません。次から選んでください: .*検索拡張/],
  ] as const)("/papers topic:%s (%s) gets a private, localized reply listing the topics, not an internal error", async (locale, topic, message) => {
    const t = await useTestBot();
    const body = await send(t, chatInput({ name: "papers", options: [option.string("topic", topic)], locale }));
    expect(body.type).toBe(4);
    expect(body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(body.data.content).toMatch(message);
    expect(body.data.content).not.toMatch(/error id/);
    expect(t.logs.records.filter((record) => record.level === "error")).toEqual([]);
  });

  it("/paper without its query says what is needed", async () => {
    const t = await useTestBot();
    const body = await send(t, chatInput({ name: "paper", options: [] }));
    expect(body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(body.data.content).toMatch(/\/paper needs query/);
  });

  it("the local console prints the same reply, with no stack trace", async () => {
    const app = createTestApp();
    onTestFinished(() => app.close());
    const { ctx } = createTestContext(app);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    const done = runConsole(ctx, { commands, components, input, output, locale: "en" });
    input.end(["/papers topic:moe", "/papers topic:retrieval extra:1", "/paper"].join("\n") + "\n");
    await within(done, 10_000, "console reading its input");
    expect(printed).toMatch(/`moe` isn't a choice for topic/);
    expect(printed).toMatch(/`retrieval extra:1` isn.t a choice for topic/);
    expect(printed).toMatch(/\/paper needs query/);
    expect(printed).not.toMatch(/went wrong|error id|at .*\.js:\d+/);
    expect(app.logs.records.filter((record) => record.level === "error")).toEqual([]);
  });
});

describe("Japanese readers see Japanese titles everywhere", () => {
  it("autocomplete with nothing typed, did-you-mean buttons and the related-papers title", async () => {
    const t = await useTestBot();
    const empty = await send(t, autocomplete({ name: "paper", options: [option.focused("query", "")], locale: "ja" }));
    expect(empty.data.choices?.[0]?.name).toMatch(/必要なのはアテンションだけ/);
    const unknown = await send(t, chatInput({ name: "paper", options: [option.string("query", "flashattn2")], locale: "ja" }));
    expect(unknown.data.components?.[0]?.components[0]).toMatchObject({ custom_id: "show:flashattention", label: expect.stringMatching(/^FlashAttention: IOを考慮/) });
    const command = chatInput({ name: "paper", options: [option.string("query", "lora")], locale: "ja" });
    await send(t, command);
    const related = await send(t, button({ customId: "related:lora", message: original(t, command), locale: "ja" }));
    expect(related.data.embeds?.[0]?.title).toBe("「LoRA: 大規模言語モデルの低ランク適応」の関連論文");
  });

  it("the /paper embed itself is titled in Japanese, the original title kept under it", async () => {
    const t = await useTestBot();
    const body = await send(t, chatInput({ name: "paper", options: [option.string("query", "lora")], locale: "ja" }));
    const embed = body.data.embeds?.[0];
    expect(embed?.title).toBe("LoRA: 大規模言語モデルの低ランク適応");
    expect(embed?.description?.split("\n")[0]).toBe("*LoRA: Low-Rank Adaptation of Large Language Models*");
    const english = await send(t, chatInput({ name: "paper", options: [option.string("query", "lora")], locale: "en-US" }));
    expect(english.data.embeds?.[0]?.title).toBe("LoRA: Low-Rank Adaptation of Large Language Models");
  });
});

describe("the query quoted back is shown, never rendered", () => {
  it.each(["*pizza*", "_pizza_", "<t:1700000000:R>", "</paper:123456789012345678>", "<:x:123456789012345678>", "discord.gg/abcdef", "https://evil.example"])(
    "%s is quoted as inline code",
    async (query) => {
      const t = await useTestBot();
      const body = await send(t, chatInput({ name: "paper", options: [option.string("query", query)] }));
      expect(body.data.flags).toBe(MessageFlags.Ephemeral);
      expect(body.data.content).toContain(`\`${query}\``);
      expect(body.data.allowed_mentions).toEqual({ parse: [] });
    },
  );
});

describe("two arXiv links in one /paper query", () => {
  it("offers both papers privately instead of publishing the first", async () => {
    const t = await useTestBot();
    const body = await send(t, chatInput({ name: "paper", options: [option.string("query", "https://arxiv.org/abs/2106.09685 https://arxiv.org/abs/2305.14314")] }));
    expect(body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(body.data.content).toMatch(/names several papers/);
    expect(body.data.components?.[0]?.components.map((component) => component["custom_id"])).toEqual(["show:lora", "show:qlora"]);
  });

  it("two names, or an id and a name, get the same private choice", async () => {
    const t = await useTestBot();
    for (const [query, ids] of [["lora vs qlora", ["show:lora", "show:qlora"]], ["1706.03762 bert", ["show:attention-is-all-you-need", "show:bert"]]] as const) {
      const body = await send(t, chatInput({ name: "paper", options: [option.string("query", query)] }));
      expect(body.data.flags).toBe(MessageFlags.Ephemeral);
      expect(body.data.content).toMatch(/names several papers/);
      expect(body.data.components?.[0]?.components.map((component) => component["custom_id"])).toEqual(ids);
    }
  });
});

describe("autocomplete on the first keystrokes", () => {
  it.each([
    ["a", "attention-is-all-you-need"],
    ["at", "attention-is-all-you-need"],
    ["be", "bert"],
    ["lo", "lora"],
    ["ch", "chinchilla"],
    ["al", "alibi"],
    ["re", "retro"],
    ["scaling l", "scaling-laws"],
    ["layer n", "layer-norm"],
    ["attention is all y", "attention-is-all-you-need"],
    ["21", "lora"],
    ["2106.0968", "lora"],
    ["https://arxiv.org/abs/2305.1829", "dpo"],
    ["llama", "llama"],
  ])("%s offers %s first", async (typed, id) => {
    const t = await useTestBot();
    const body = await send(t, autocomplete({ name: "paper", options: [option.focused("query", typed)] }));
    const choices = body.data.choices ?? [];
    expect(choices[0]?.value).toBe(id);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) expect([...choice.name].length).toBeLessThanOrEqual(100);
  });
});
