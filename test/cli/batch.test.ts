import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeField, MAX_BATCH_LINE_LENGTH, readLines } from "../../src/cli/paper.js";
import { runCli, type CliIo } from "../../src/cli/index.js";
import { repoRoot, testEnv } from "../support/app.js";

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

async function* chunks(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

const linesOf = (text: string, sizes = [7, 1, 64, 3, 4096]) => collect(readLines(chunks(Buffer.from(text, "utf8"), sizes)));

describe("readLines (paper --batch input)", () => {
  it("splits on \\n only, drops one \\r before it, keeps blank lines and a last line without \\n", async () => {
    expect(await linesOf("a\nb\r\n\n\r\nc\rd\n\r\r\nlast")).toEqual(["a", "b", "", "", "c\rd", "\r", "last"]);
    expect(await linesOf("one\n")).toEqual(["one"]);
    expect(await linesOf("")).toEqual([]);
    expect(await linesOf("\n")).toEqual([""]);
  });

  it("keeps characters whole when a chunk ends inside one", async () => {
    expect(await linesOf("チンチラ\n低ランク適応\n😀x\n", [1])).toEqual(["チンチラ", "低ランク適応", "😀x"]);
  });

  it("cuts a line at the length cap without holding the rest", async () => {
    const lines = await linesOf(`${"x".repeat(MAX_BATCH_LINE_LENGTH * 50)}\r\nnext\n${"y".repeat(MAX_BATCH_LINE_LENGTH)}\r\n`);
    expect(lines).toEqual(["x".repeat(MAX_BATCH_LINE_LENGTH), "next", "y".repeat(MAX_BATCH_LINE_LENGTH)]);
  });

  it("escapes tabs, newlines, CR, backslashes and control characters for text output", () => {
    expect(escapeField("a\tb\nc\rd\\e\u0001")).toBe("a\\tb\\nc\\rd\\\\e\\u0001");
  });
});

/** 5,000 lines of everything a pasted or generated list holds. */
function mixedInput(): { text: string; expected: string[] } {
  const kinds: ((i: number) => { raw: string; line: string })[] = [
    () => ({ raw: "lora", line: "lora" }),
    () => ({ raw: "", line: "" }),
    () => ({ raw: "   ", line: "   " }),
    () => ({ raw: "qlora\r", line: "qlora" }),
    () => ({ raw: "\r", line: "" }),
    () => ({ raw: "chinchilla\rscaling", line: "chinchilla\rscaling" }),
    () => ({ raw: "flash\tattention", line: "flash\tattention" }),
    () => ({ raw: "rlhf".repeat(2_500), line: "rlhf".repeat(2_500).slice(0, MAX_BATCH_LINE_LENGTH) }),
    () => ({ raw: "x".repeat(300), line: "x".repeat(300) }),
    () => ({ raw: "<@123456789012345678>", line: "<@123456789012345678>" }),
    () => ({ raw: "bad\u0007bell", line: "bad\u0007bell" }),
    () => ({ raw: "チンチラ\r", line: "チンチラ" }),
    (i: number) => ({ raw: `no such paper ${i}`, line: `no such paper ${i}` }),
  ];
  const raws: string[] = [];
  const expected: string[] = [];
  for (let i = 0; i < 5_000; i += 1) {
    const kind = kinds[(i * 7) % kinds.length] ?? (() => ({ raw: "", line: "" }));
    const { raw, line } = kind(i);
    raws.push(raw);
    expected.push(line);
  }
  return { text: `${raws.join("\n")}\n`, expected };
}

function batchIo(text: string) {
  const out: string[] = [];
  const io: CliIo = {
    stdout: (chunk) => void out.push(chunk),
    stderr: () => undefined,
    stdin: () => readLines(chunks(Buffer.from(text, "utf8"), [1_000, 13, 65_536])),
    env: testEnv(),
  };
  return { io, lines: () => out.join("").split("\n").slice(0, -1) };
}

describe("paper --batch", () => {
  it("answers 5,000 mixed lines with exactly 5,000 lines, in order (JSON)", async () => {
    const { text, expected } = mixedInput();
    const run = batchIo(text);
    expect(await runCli(["paper", "--batch", "--json"], run.io)).toBe(0);
    const lines = run.lines().map((line) => JSON.parse(line) as { query: string; results: { id: string }[]; error?: string });
    expect(lines).toHaveLength(5_000);
    expect(lines.map((line) => line.query)).toEqual(expected);
    const errorOf = (query: string) => lines.find((line) => line.query === query)?.error;
    expect(errorOf("")).toBe("empty");
    expect(errorOf("   ")).toBe("empty");
    expect(errorOf("x".repeat(300))).toBe("too_long");
    expect(errorOf("rlhf".repeat(2_500).slice(0, MAX_BATCH_LINE_LENGTH))).toBe("too_long");
    expect(errorOf("<@123456789012345678>")).toBe("mention");
    expect(errorOf("bad\u0007bell")).toBe("control_characters");
    expect(lines.find((line) => line.query === "qlora")?.results[0]?.id).toBe("qlora");
    expect(lines.find((line) => line.query === "flash\tattention")?.results[0]?.id).toBe("flashattention");
  });

  it("answers 5,000 mixed lines with exactly 5,000 tab-separated lines, in order (text)", async () => {
    const { text, expected } = mixedInput();
    const run = batchIo(text);
    expect(await runCli(["paper", "--batch"], run.io)).toBe(0);
    const lines = run.lines();
    expect(lines).toHaveLength(5_000);
    expect(lines.map((line) => line.split("\t")[0])).toEqual(expected.map(escapeField));
    expect(lines.every((line) => /^[^\t\r]*\t(?:-|-\terror: [a-z_]+|[a-z0-9-]+\t[^\t\r]+)$/.test(line))).toBe(true);
    expect(lines[expected.indexOf("")]).toBe("\t-\terror: empty");
  });

  it.skipIf(!existsSync(join(repoRoot, "dist", "src", "cli", "index.js")))(
    "keeps lines aligned when the installed binary reads a pipe",
    () => {
      const { text, expected } = mixedInput();
      const count = 300;
      const input = `${text.split("\n").slice(0, count).join("\n")}\n`;
      const env = { ...process.env, ...testEnv() } as NodeJS.ProcessEnv;
      const result = spawnSync(process.execPath, [join(repoRoot, "bin", "paperbot.js"), "paper", "--batch", "--json"], { env, input });
      expect(result.status).toBe(0);
      const lines = result.stdout
        .toString()
        .split("\n")
        .slice(0, -1)
        .map((line) => (JSON.parse(line) as { query: string }).query);
      expect(lines).toEqual(expected.slice(0, count));
    },
  );
});
