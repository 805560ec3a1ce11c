import { PassThrough } from "node:stream";
import { it } from "vitest";
import { commands, components } from "../commands/index.js";
import { runConsole } from "../src/discord/console.js";
import { useDirect } from "./support/direct.js";
it("try", async () => {
  const { ctx } = useDirect();
  const input = new PassThrough(); const output = new PassThrough();
  let printed = ""; output.on("data", (c: Buffer) => (printed += c.toString()));
  const done = runConsole(ctx, { commands, components, input, output, locale: "ja" });
  input.end((process.env.LINES ?? "").split("|").join("\n") + "\n");
  await done;
  console.log(printed);
});
