import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { testEnv } from "../support/app.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    stdin: async function* () {},
    env: testEnv(),
  };
  return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("paperbot paper: what a new-user QA pass found", () => {
  it.each([[""], ["   "]])("a blank query (%j) exits 1 with error: empty, as the README says", async (query) => {
    const json = io();
    expect(await runCli(["paper", query, "--json"], json.io)).toBe(1);
    expect(JSON.parse(json.stdout())).toEqual({ query, results: [], suggestions: [], error: "empty" });
    const text = io();
    expect(await runCli(["paper", query], text.io)).toBe(1);
    expect(text.stderr()).toMatch(/Type what you're looking for/);
    expect(text.stderr()).not.toMatch(/Usage:/);
  });

  it("no query at all is still a usage error (exit 2)", async () => {
    const run = io();
    expect(await runCli(["paper"], run.io)).toBe(2);
    expect(run.stderr()).toMatch(/paper needs a query/);
  });

  it("a tie is shown as the choice /paper offers, not as one paper's summary; --json says ambiguous", async () => {
    const text = io();
    expect(await runCli(["paper", "llm"], text.io)).toBe(0);
    expect(text.stdout()).toMatch(/^Several papers match “llm” equally well\. Which one do you mean\?\n {2}- /);
    expect(text.stdout()).not.toMatch(/Key results:/);
    const json = io();
    expect(await runCli(["paper", "llm", "--json"], json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ query: "llm", ambiguous: true });
    const clear = io();
    expect(await runCli(["paper", "lora", "--json"], clear.io)).toBe(0);
    expect(JSON.parse(clear.stdout())).not.toHaveProperty("ambiguous");
  });

  it.each([
    ["lora vs qlora", ["lora", "qlora"]],
    ["lora and qlora", ["lora", "qlora"]],
    ["lora qlora", ["lora", "qlora"]],
    ["1706.03762 bert", ["attention-is-all-you-need", "bert"]],
    ["bert vs gpt", ["bert", "gpt-1"]],
  ])("two names in one query (%s) are offered as the choice two links get, in text and JSON", async (query, ids) => {
    const text = io();
    expect(await runCli(["paper", query], text.io)).toBe(0);
    expect(text.stdout()).toMatch(/^Your query names several papers\. Which one do you want\?\n/);
    for (const id of ids) expect(text.stdout()).toContain(`(${id})`);
    const json = io();
    expect(await runCli(["paper", query, "--json"], json.io)).toBe(0);
    const answer = JSON.parse(json.stdout()) as { ambiguous?: boolean; results: { id: string }[] };
    expect(answer.ambiguous).toBe(true);
    expect(answer.results.map((result) => result.id)).toEqual(expect.arrayContaining(ids));
  });

  it.each(["attention is all you need", "llama 2", "gopher vs chinchilla", "lora explained"])(
    "one name (%s) is still one answer",
    async (query) => {
      const json = io();
      expect(await runCli(["paper", query, "--json"], json.io)).toBe(0);
      expect(JSON.parse(json.stdout())).not.toHaveProperty("ambiguous");
    },
  );
});
