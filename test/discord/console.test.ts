import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { commands, components } from "../../commands/index.js";
import { runConsole, terminalText } from "../../src/discord/console.js";
import type { Locale } from "../../src/i18n/index.js";
import { createTestApp, createTestContext } from "../support/app.js";
import { within } from "../support/wait.js";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const app of opened.splice(0)) app.close();
});

/** Runs the console on these lines and returns what it printed. */
async function consoleSession(lines: string[], locale: Locale): Promise<string> {
  const app = createTestApp();
  opened.push(app);
  const { ctx } = createTestContext(app);
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const done = runConsole(ctx, { commands, components, input, output, locale });
  input.end(lines.join("\n") + "\n");
  await within(done, 10_000, "console reading its input");
  return printed;
}

describe("console text", () => {
  it("drops Discord's bold and underline marks and backslash escapes, keeps code spans and lone asterisks", () => {
    expect(terminalText("You'll also get alerts for new papers on **Retrieval**.")).toBe(
      "You'll also get alerts for new papers on Retrieval.",
    );
    expect(terminalText("__a__ \\*not bold\\* `/follow` 2 * 3 = 6")).toBe("a *not bold* `/follow` 2 * 3 = 6");
  });

  it("/help names its language field, and /follow echoes the topic without asterisks (en)", async () => {
    const printed = await consoleSession(["/help", "/follow topic:retrieval"], "en");
    expect(printed).toMatch(/^🌐 Language:$/m);
    expect(printed).not.toMatch(/^🌐:$/m);
    expect(printed).toContain("alerts for new papers on Retrieval.");
    expect(printed).not.toContain("**");
  });

  it("the same in Japanese", async () => {
    const printed = await consoleSession(["/help", "/follow topic:検索"], "ja");
    expect(printed).toMatch(/^🌐 言語:$/m);
    expect(printed).toContain("検索拡張の新着論文も通知します。");
    expect(printed).not.toContain("**");
  });
});
