/** /paper, /papers and their buttons, driven through the registered handlers (no bot): what they answer. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { commands, components } from "../../commands/index.js";
import { runConsole } from "../../src/discord/console.js";
import { within } from "../support/wait.js";
import { buttonsOf, customIds, embedsOf, isPrivate, textOf, useDirect } from "../support/direct.js";

const paper = (query: string) => ({ query });

describe("/paper: ties, languages and echoed text", () => {
  it.each(["llm", "model", "2023"])("a generic query (%s) publishes no paper: the tied papers are offered privately", async (query) => {
    const direct = useDirect();
    const reply = await direct.run("paper", paper(query));
    expect(reply.kind).toBe("reply");
    expect(isPrivate(reply)).toBe(true);
    expect(embedsOf(reply)).toEqual([]);
    expect(textOf(reply)).toMatch(/Several papers match/);
    const buttons = buttonsOf(reply);
    expect(buttons.length).toBeGreaterThanOrEqual(2);
    for (const button of buttons) expect(button).toMatchObject({ custom_id: expect.stringMatching(/^show:/) });
  });

  it("a clear best answer is still published: attention, consistency", async () => {
    const direct = useDirect();
    for (const [query, title] of [
      ["attention", "Attention Is All You Need"],
      ["consistency", "Consistency Models"],
    ] as const) {
      const reply = await direct.run("paper", paper(query));
      expect(reply).toMatchObject({ kind: "reply", private: false });
      expect(embedsOf(reply)[0]?.title).toBe(title);
    }
  });
});

describe("options that do not fit a command", () => {
  it.each([
    ["en", "moe", /isn't a choice for topic\. Choose one of: .*Retrieval/],
    ["en", "nonsense", /`nonsense` isn't a choice for topic/],
    ["ja", "検索", /topic の選択肢にありません。次から選んでください: .*検索拡張/],
  ] as const)(
    "/papers topic:%s (%s) gets a private, localized reply listing the topics, not an internal error",
    async (locale, topic, message) => {
      const direct = useDirect();
      const reply = await direct.run("papers", { topic }, { locale });
      expect(reply.kind).toBe("reply");
      expect(isPrivate(reply)).toBe(true);
      expect(textOf(reply)).toMatch(message);
      expect(textOf(reply)).not.toMatch(/error id/);
      expect(direct.logs.records.filter((record) => record.level === "error")).toEqual([]);
    },
  );

  it("/paper without its query says what is needed", async () => {
    const reply = await useDirect().run("paper", {});
    expect(isPrivate(reply)).toBe(true);
    expect(textOf(reply)).toMatch(/\/paper needs query/);
  });
});

describe("the local console", () => {
  it("prints the same reply, with no stack trace", async () => {
    const { ctx, logs } = useDirect();
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
    expect(logs.records.filter((record) => record.level === "error")).toEqual([]);
  });
});

describe("Japanese readers see Japanese titles everywhere", () => {
  it("autocomplete with nothing typed, did-you-mean buttons and the related-papers title", async () => {
    const direct = useDirect();
    expect(direct.suggest("paper", { name: "query", value: "" }, { locale: "ja" })[0]?.name).toMatch(/必要なのはアテンションだけ/);
    const unknown = await direct.run("paper", paper("flashattn2"), { locale: "ja" });
    expect(buttonsOf(unknown)[0]).toMatchObject({
      custom_id: "show:flashattention",
      label: expect.stringMatching(/^FlashAttention: IOを考慮/),
    });
    await direct.run("paper", paper("lora"), { locale: "ja" });
    const related = await direct.press("related:lora", { locale: "ja" });
    expect(embedsOf(related)[0]?.title).toBe("「LoRA: 大規模言語モデルの低ランク適応」の関連論文");
  });

  it("the /paper embed itself is titled in Japanese, the original title kept under it", async () => {
    const direct = useDirect();
    const embed = embedsOf(await direct.run("paper", paper("lora"), { locale: "ja" }))[0];
    expect(embed?.title).toBe("LoRA: 大規模言語モデルの低ランク適応");
    expect(embed?.description?.split("\n")[0]).toBe("*LoRA: Low-Rank Adaptation of Large Language Models*");
    const english = await direct.run("paper", paper("lora"), { locale: "en" });
    expect(embedsOf(english)[0]?.title).toBe("LoRA: Low-Rank Adaptation of Large Language Models");
  });
});

describe("the query quoted back is shown, never rendered", () => {
  // allowed_mentions on the wire is checked end to end (paper.e2e.test.ts); this is the text the handler writes.
  it.each([
    "*pizza*",
    "_pizza_",
    "<t:1700000000:R>",
    "</paper:123456789012345678>",
    "<:x:123456789012345678>",
    "discord.gg/abcdef",
    "https://evil.example",
  ])("%s is quoted as inline code", async (query) => {
    const reply = await useDirect().run("paper", paper(query));
    expect(isPrivate(reply)).toBe(true);
    expect(textOf(reply)).toContain(`\`${query}\``);
  });
});

describe("two arXiv links in one /paper query", () => {
  it("offers both papers privately instead of publishing the first", async () => {
    const reply = await useDirect().run("paper", paper("https://arxiv.org/abs/2106.09685 https://arxiv.org/abs/2305.14314"));
    expect(isPrivate(reply)).toBe(true);
    expect(textOf(reply)).toMatch(/names several papers/);
    expect(customIds(reply)).toEqual(["show:lora", "show:qlora"]);
  });

  it("two names, or an id and a name, get the same private choice", async () => {
    const direct = useDirect();
    for (const [query, ids] of [
      ["lora vs qlora", ["show:lora", "show:qlora"]],
      ["1706.03762 bert", ["show:attention-is-all-you-need", "show:bert"]],
    ] as const) {
      const reply = await direct.run("paper", paper(query));
      expect(isPrivate(reply)).toBe(true);
      expect(textOf(reply)).toMatch(/names several papers/);
      expect(customIds(reply)).toEqual(ids);
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
  ])("%s offers %s first", (typed, id) => {
    const choices = useDirect().suggest("paper", { name: "query", value: typed });
    expect(choices[0]?.value).toBe(id);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) expect([...choice.name].length).toBeLessThanOrEqual(100);
  });
});

describe("/paper answers", () => {
  it("in a DM in Japanese with the Japanese summary", async () => {
    const reply = await useDirect().run("paper", paper("チンチラ"), { locale: "ja", guildId: null });
    expect(reply.kind).toBe("reply");
    const embed = embedsOf(reply)[0];
    expect(embed?.title).toBe("計算量最適な大規模言語モデルの学習");
    expect(embed?.description).toMatch(/^\*Training Compute-Optimal Large Language Models\*\n/);
    expect(embed?.description).toMatch(/700億|70B/);
    expect(embed?.fields?.[0]?.name).toBe("著者");
  });

  it("the related-papers button answers privately with papers sharing a topic", async () => {
    const direct = useDirect();
    await direct.run("paper", paper("rag"));
    const related = await direct.press("related:rag");
    expect(related.kind).toBe("reply");
    expect(isPrivate(related)).toBe(true);
    expect(embedsOf(related)[0]?.description).toMatch(/retro|dpr|hyde/);
  });

  it("an unknown paper gets a private reply with did-you-mean buttons", async () => {
    const direct = useDirect();
    const unknown = await direct.run("paper", paper("flashattn2"));
    expect(isPrivate(unknown)).toBe(true);
    expect(textOf(unknown)).toMatch(/couldn't find[\s\S]*Did you mean/);
    expect(buttonsOf(unknown)[0]).toMatchObject({ custom_id: "show:flashattention" });
    const nothing = await direct.run("paper", paper("pizza recipe"));
    expect(textOf(nothing)).toMatch(/couldn't find/);
    expect(buttonsOf(nothing)).toEqual([]);
  });

  // allowed_mentions on these replies is checked on the wire in discord/bot.e2e.test.ts.
  it.each([
    ["a 6000-character query", "x".repeat(6000), /too long \(6000 characters\)/],
    ["control characters", "lora\u0000\u0007", /control characters/],
    ["a mention", "<@123456789012345678> lora", /not mentions/],
    ["@everyone", "@everyone lora", /not mentions/],
    ["markdown", "```lora```", /plain words/],
    ["an empty string", "   ", /Type what you're looking for/],
  ])("rejects %s with a clear private reply", async (_label, query, message) => {
    const reply = await useDirect().run("paper", paper(query));
    expect(reply.kind).toBe("reply");
    expect(isPrivate(reply)).toBe(true);
    expect(textOf(reply)).toMatch(message);
  });
});
