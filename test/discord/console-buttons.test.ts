/** The local console presses the buttons it prints, chooses menu options and fills in forms, by number. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { commands, components } from "../../commands/index.js";
import { consoleView, runConsole } from "../../src/discord/console.js";
import type { ComponentModule, RegisteredCommand } from "../../src/discord/command.js";
import type { Locale } from "../../src/i18n/index.js";
import { actionButton, row } from "../../src/shared/embeds.js";
import { useDirect } from "../support/direct.js";
import { within } from "../support/wait.js";

/** Runs the console on these lines and returns what it printed after each prompt ("> "), one entry per line typed. */
async function consoleSession(
  lines: string[],
  options: { locale?: Locale; extra?: ComponentModule[]; extraCommands?: RegisteredCommand[] } = {},
) {
  const { ctx, logs } = useDirect();
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const done = runConsole(ctx, {
    commands: [...commands, ...(options.extraCommands ?? [])],
    components: [...components, ...(options.extra ?? [])],
    input,
    output,
    locale: options.locale ?? "en",
  });
  input.end(lines.join("\n") + "\n");
  await within(done, 10_000, "console reading its input");
  expect(logs.records.filter((record) => record.level === "error")).toEqual([]);
  // The banner comes before the first prompt; each later chunk answers one typed line.
  return { printed, answers: printed.split(/^> /m).slice(1) };
}

describe("the console presses buttons by number", () => {
  it("/papers: Next and Previous page through the list; a number with no button says which numbers there are", async () => {
    const { answers } = await consoleSession(["/papers", "1", "2", "1", "7"]);
    expect(answers[0]).toContain("Page 1 of 6");
    expect(answers[0]).toMatch(/^\[Previous\] \[1: Next\]$/m);
    expect(answers[0]).toContain("Type a number to press that button or choose that option.");
    expect(answers[1]).toContain("Page 2 of 6");
    expect(answers[1]).toMatch(/^\[1: Previous\] \[2: Next\]$/m);
    expect(answers[2]).toContain("Page 3 of 6");
    expect(answers[3]).toContain("Page 2 of 6");
    expect(answers[4]).toContain("There is no 7 here: type a number from 1 to 2.");
  });

  it("/paper llm: the papers offered are numbered, and a number shows that paper with its own buttons", async () => {
    const { answers } = await consoleSession(["/paper llm", "2", "1"]);
    const offered = [...(answers[0] ?? "").matchAll(/\[(\d): ([^\]]+)\]/g)].map((match) => match[2]);
    expect(offered.length).toBeGreaterThan(1);
    expect(answers[1]).toContain(`== ${offered[1] ?? "?"} ==`);
    expect(answers[1]).toMatch(/\[arXiv https:\/\/arxiv\.org\/abs\/[^\]]+\] \[PDF [^\]]+\] \[1: Related papers\]/);
    // "1" now presses that paper's Related papers: the buttons of the latest message are the ones numbered.
    expect(answers[2]).toContain("Papers related to");
  });

  it("did you mean: a number shows the suggested paper", async () => {
    const { answers } = await consoleSession(["/paper flashattn2", "1"]);
    expect(answers[0]).toContain("Did you mean");
    expect(answers[0]).toMatch(/\[1: FlashAttention: Fast and Memory-Efficient/);
    expect(answers[1]).toContain("== FlashAttention: Fast and Memory-Efficient");
  });

  it("/following: Unfollow a topic updates the message in place, Export prints the data as JSON", async () => {
    const { answers } = await consoleSession(["/follow topic:retrieval", "/following", "1", "2"]);
    expect(answers[1]).toMatch(/\[1: Unfollow Retrieval\]\n\[2: Unfollow everything\] \[3: Export my data\]/);
    expect(answers[2]).toContain("No topics: only the weekly digest.");
    expect(answers[2]).toMatch(/\[1: Unfollow everything\] \[2: Export my data\]/);
    const json = /-- (\S+\.json) \(\d+ bytes\) --\n([\s\S]*?)\n\n/.exec(answers[3] ?? "");
    expect(json?.[1]).toBeDefined();
    const exported = JSON.parse(json?.[2] ?? "null") as unknown;
    expect(exported).toMatchObject({ userId: "0", following: true, topics: [] });
  });

  it("an attached file is printed as it is: JSON with backslashes and asterisks still parses", () => {
    const data = { keyword: "a\\b **bold** \\_x_ <t:0>" };
    const view = consoleView({ content: "**Export**", files: [{ name: "me.json", data: Buffer.from(JSON.stringify(data)) }] });
    const [message, , header, body] = view.text.split("\n");
    expect(message).toBe("Export");
    expect(header).toMatch(/^-- me\.json \(\d+ bytes\) --$/);
    expect(JSON.parse(body ?? "null")).toEqual(data);
  });

  it("in Japanese too", async () => {
    const { answers } = await consoleSession(["/papers", "1"], { locale: "ja" });
    expect(answers[0]).toContain("番号を入力すると、そのボタンを押すか、その項目を選べます。");
    expect(answers[1]).toMatch(/\[1: [^\]]+\] \[2: [^\]]+\]/);
  });

  it("a number typed when nothing is on screen to press is a /paper query, as any bare text", async () => {
    const { answers } = await consoleSession(["2017"]);
    expect(answers[0]).not.toContain("There is no");
    expect(answers[0]).toMatch(/2017/);
  });
});

describe("menus and forms in the console", () => {
  const seen: { args: string[]; fields?: Record<string, string> }[] = [];
  const picker: ComponentModule = {
    prefix: "test-pick",
    handle(_ctx, args) {
      seen.push({ args });
      if (args[0] === "form")
        return {
          kind: "modal",
          customId: "test-pick:submitted",
          title: "Approve",
          fields: [
            { id: "topics", label: "Topics", value: "retrieval", required: true },
            { id: "note", label: "Note", long: true, maxLength: 10 },
          ],
        };
      return {
        kind: "reply",
        private: true,
        content: args.length > 1 ? `picked ${args[1] ?? ""}` : "choose",
        components: [
          {
            type: 1,
            components: [
              {
                type: 3,
                custom_id: "test-pick:menu",
                placeholder: "A topic",
                options: [
                  { label: "Retrieval", value: "retrieval" },
                  { label: "Agents", value: "agents", description: "tools and planning" },
                ],
              },
            ],
          },
          row(actionButton("Form", "test-pick:form"), actionButton("Off", "test-pick:off", { disabled: true })),
        ],
      };
    },
    submit(_ctx, args, fields) {
      seen.push({ args, fields });
      return { kind: "reply", private: true, content: `submitted ${JSON.stringify(fields)}` };
    },
  };
  /** A command whose answer carries the test component's menu and buttons. */
  const menuCommand: RegisteredCommand = {
    name: "test-menu",
    definition: { name: "test-menu", description: "A menu" },
    privateReplies: true,
    run: async (ctx, _options, requester) => picker.handle(ctx, ["start"], requester),
  };
  const extras = { extra: [picker], extraCommands: [menuCommand] };

  it("menu options are numbered with the buttons, and choosing one passes its value", async () => {
    seen.length = 0;
    const { answers } = await consoleSession(["/test-menu", "2"], extras);
    expect(answers[0]).toMatch(/^A topic:\n {2}1\) Retrieval\n {2}2\) Agents \(tools and planning\)\n\[3: Form\] \[Off\]$/m);
    expect(answers[1]).toContain("picked agents");
    expect(seen.at(-1)).toEqual({ args: ["menu", "agents"] });
  });

  it("a form asks for each field on its own line: Enter keeps the value shown, a lone - empties it, limits are checked", async () => {
    seen.length = 0;
    const { printed } = await consoleSession(["/test-menu", "3", "-", "", "far too long a note", "short\\nnote"], extras);
    expect(printed).toContain("Form “Approve”: type each field on one line");
    expect(printed).toContain("Topics [retrieval]:");
    expect(printed).toContain("Topics is required.");
    expect(printed).toContain("Note can be at most 10 characters.");
    expect(seen.at(-1)).toEqual({ args: ["submitted"], fields: { topics: "retrieval", note: "short\nnote" } });
    expect(printed).toContain('submitted {"topics":"retrieval","note":"short\\nnote"}');
  });
});
