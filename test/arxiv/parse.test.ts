// QA on issue 8: long author lists, control characters in feed text, TeX accents on a dotless i or j.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeTex, LIMITS, parseArxivFeed } from "../../src/arxiv/parse.js";
import { runCli } from "../../src/cli/index.js";
import { candidateStore } from "../../src/db/candidates.js";
import { createTestApp, tempDir, testEnv } from "../support/app.js";

function feed(items: { title?: string; creator: string; abstract?: string }[]): string {
  const body = items
    .map(({ title, creator, abstract }, index) => {
      const id = `2612.${String(index + 1).padStart(5, "0")}`;
      return `<item><title>${title ?? "A title"}</title>
        <description>arXiv:${id}v1 Announce Type: new \nAbstract: ${abstract ?? "Text."}</description>
        <guid isPermaLink="false">oai:arXiv.org:${id}v1</guid><category>cs.CL</category>
        <arxiv:announce_type>new</arxiv:announce_type><dc:creator>${creator}</dc:creator></item>`;
    })
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
    ${body}</channel></rss>`;
}

const names = (count: number, width = 0) =>
  Array.from({ length: count }, (_, index) => `Author${String(index).padStart(4, "0")} ${"x".repeat(width)}`.trim());

describe("long author lists", () => {
  it("keeps a paper with 1,400 authors (37,000 characters), with the first 500 of them", async () => {
    const authors = names(1400, 15);
    const creator = authors.join(", ");
    expect(creator.length).toBeGreaterThan(30_000);
    const parsed = await parseArxivFeed(
      feed([{ title: "Gemini: A Family of Highly Capable Multimodal Models", creator }, { creator: "Ann Lee" }]),
    );
    expect(parsed.invalid).toBe(0);
    expect(parsed.items.map((item) => item.title)).toEqual(["Gemini: A Family of Highly Capable Multimodal Models", "A title"]);
    expect(parsed.items[0]?.authors).toEqual(authors.slice(0, LIMITS.authors));
  });

  it("keeps a paper whose author list is longer than the creator bound, cut at its last whole name", async () => {
    // 500 names of 400 characters do not fit in the bound: only the whole names before the cut are kept.
    const wide = names(500, 390);
    const many = names(10_000);
    const parsed = await parseArxivFeed(feed([{ creator: wide.join(", ") }, { creator: many.join(" and ") }]));
    expect(parsed.invalid).toBe(0);
    const [first, second] = parsed.items;
    const fitting = Math.floor(LIMITS.creator / (wide[0]?.length ?? 1));
    expect(first?.authors.length).toBeGreaterThan(fitting - 3);
    expect(first?.authors.length).toBeLessThan(LIMITS.authors);
    expect(first?.authors).toEqual(wide.slice(0, first?.authors.length));
    expect(second?.authors).toEqual(many.slice(0, LIMITS.authors));
  });
});

describe("control characters in feed text", () => {
  it("drops C0 and C1 controls (not whitespace) from titles, authors and abstracts", async () => {
    const parsed = await parseArxivFeed(
      feed([
        {
          title: "Raw\u0001ctrl\u001b[31m title\u007f",
          creator: "Ann\u0007 Lee, Bo\u009b Chen\u0000",
          abstract: "One\u001b]0;pwned\u0007 two\tthree\u0085",
        },
      ]),
    );
    expect(parsed.invalid).toBe(0);
    const [item] = parsed.items;
    expect(item?.title).toBe("Rawctrl[31m title");
    expect(item?.authors).toEqual(["Ann Lee", "Bo Chen"]);
    expect(item?.abstract).toBe("One]0;pwned two three");
    const stored = JSON.stringify(item);
    expect(stored).not.toMatch(/\\u00[01]|\\u007f|[\u0080-\u009f]/);
  });

  it("drops an item whose title is nothing but control characters", async () => {
    const parsed = await parseArxivFeed(feed([{ title: "\u0001\u001b", creator: "Ann Lee" }, { creator: "Bo Chen" }]));
    expect(parsed.invalid).toBe(1);
    expect(parsed.items.map((item) => item.authors)).toEqual([["Bo Chen"]]);
  });
});

describe("control characters already stored", () => {
  it("are not printed by `paperbot candidates`", async () => {
    const path = join(tempDir("paperbot-arxiv-parse-"), "paperbot.db");
    const app = createTestApp({ DATABASE_PATH: path });
    try {
      const reasons = { papers: ["lora"], topics: [] };
      const row = {
        arxivId: "2611.00001",
        version: 1,
        title: "Raw\u0001ctrl\u001b[2J title\u009b",
        authors: ["A"],
        categories: ["cs.CL"],
        abstract: "x",
        license: null,
      };
      candidateStore(app.db).insert({ ...row, canonScore: 0.5, bonus: 0, score: 0.5, reasons }, new Date());
    } finally {
      app.close();
    }
    const out: string[] = [];
    const code = await runCli(["candidates"], {
      stdout: (text) => void out.push(text),
      stderr: () => undefined,
      stdin: async function* () {},
      env: testEnv({ DATABASE_PATH: path, CANDIDATE_MIN_SCORE: "0" }),
    });
    expect(code).toBe(0);
    expect(out.join("")).toContain("2611.00001v1  Rawctrl[2J title\n");
  });
});

describe("TeX accents on a dotless i or j", () => {
  it("puts the accent on a plain i or j", () => {
    expect(decodeTex(String.raw`Ant\'{\i}a`)).toBe("Antía");
    expect(decodeTex(String.raw`Ant\'\i a`)).toBe("Antía");
    expect(decodeTex(String.raw`Mar\'{\i}a, Ca\~{n}\'\i n, Mo\"{\i}se, \^{\j}aro, \v{\i}, \u{\i}`)).toBe("María, Cañín, Moïse, ĵaro, ǐ, ĭ");
    expect(decodeTex(String.raw`\.{\i}`)).toBe("i");
  });

  it("leaves a dotless i without an accent dotless", () => {
    expect(decodeTex(String.raw`K{\i}z{\i}ltepe, \i`)).toBe("Kızıltepe, ı");
  });

  it("gives the composed letter, as a title or author would be stored", async () => {
    const [item] = (await parseArxivFeed(feed([{ title: String.raw`Ant\'{\i}a's corpus`, creator: String.raw`Ant\'{\i}a Rodr\'\i guez` }])))
      .items;
    expect(item?.title).toBe("Antía's corpus");
    expect(item?.authors).toEqual(["Antía Rodríguez"]);
    expect(item?.authors[0]?.normalize("NFC")).toBe(item?.authors[0]);
    expect(item?.authors[0]).not.toContain("ı");
  });
});
