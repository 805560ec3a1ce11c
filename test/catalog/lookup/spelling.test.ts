import { afterAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../support/app.js";

// Failure classes found by a new-user QA pass (issues 2, 3 and 10), one test per class.
const app = createTestApp();

/** The `--explain` lines read back: the query's text words (stemmed, with weights) and each candidate's word sets. */
function explained(query: string, locale: "en" | "ja" = "en") {
  const lines: string[] = [];
  app.catalog.resolve(query, locale, { explain: (line) => lines.push(line) });
  const wordsLine = lines.find((line) => line.startsWith("text words: "));
  // A format change must fail here, not make the assertions below pass on nothing.
  if (!wordsLine) throw new Error(`no "text words:" line in --explain output:\n${lines.join("\n")}`);
  const words = Object.fromEntries(
    wordsLine
      .slice("text words: ".length)
      .replace(/ \(any word\)$/, "")
      .split(" ")
      .map((pair) => {
        const match = /^(.+)=(\d+(?:\.\d+)?)$/.exec(pair);
        if (!match?.[1] || !match[2]) throw new Error(`unreadable word weight ${JSON.stringify(pair)} in ${JSON.stringify(wordsLine)}`);
        return [match[1], Number(match[2])] as const;
      }),
  );
  const list = (text: string | undefined) => (text === undefined || text === "-" ? [] : text.split(","));
  const candidates = new Map<string, { nameOrCredit: string[]; anywhere: string[]; missing: string[] }>();
  for (const line of lines) {
    const match = /^text (\S+): name\/credit \[([^\]]*)\] anywhere \[([^\]]*)\] missing \[([^\]]*)\]/.exec(line);
    if (match?.[1]) candidates.set(match[1], { nameOrCredit: list(match[2]), anywhere: list(match[3]), missing: list(match[4]) });
  }
  return { words, candidates, lines };
}
afterAll(() => app.close());

const resolve = (query: string, locale: "en" | "ja" = "en") => app.catalog.resolve(query, locale);
const top = (query: string, locale: "en" | "ja" = "en") => resolve(query, locale).results[0]?.paper.id ?? null;

describe("typos of flagship names", () => {
  it.each([
    ["tranformer", "attention-is-all-you-need"],
    ["transfomer", "attention-is-all-you-need"],
    ["trnasformer", "attention-is-all-you-need"],
    ["gtp3", "gpt-3"],
    ["bret", "bert"],
    ["lpra", "lora"],
  ])("a typo of a whole name (%s) beats a corrected word inside another paper's alias", (query, id) => {
    expect(top(query)).toBe(id);
  });

  it.each(["bart", "gptq", "roberta", "performer"])("%s, a paper not in the list, gives no answer (at most a did-you-mean)", (query) => {
    expect(resolve(query).results).toEqual([]);
  });
});

describe("ordinary words are not corrected into names", () => {
  it.each(["beats", "json", "beat"])("%s gives no answer", (query) => {
    expect(resolve(query).results).toEqual([]);
  });

  it("the brief's description finds Chinchilla, not a paper named by a 'corrected' word", () => {
    expect(top("the paper that showed 70B trained on more tokens beats bigger models")).toBe("chinchilla");
  });

  it("author names are not corrections: roberta is not Adam Roberts (T5)", () => {
    expect(Object.keys(explained("roberta").words)).toEqual(["roberta"]);
  });
});

describe("numbers", () => {
  it.each(["1", "4", "5", "20", "175", "ジーピーティー4"])("%s alone names no paper", (query) => {
    expect(resolve(query, containsKana(query) ? "ja" : "en").results).toEqual([]);
  });

  it("a number in an organisation's name is no fact: 20 tokens per parameter is Chinchilla, not RWKV's '20+ other institutions'", () => {
    expect(top("20 tokens per parameter")).toBe("chinchilla");
    const explanation = explained("20 institutions");
    expect(Object.keys(explanation.words)).toEqual(["20", "institut"]);
    // RWKV is considered, through its organisations' word only: the 20 is not one of its name or credit words.
    expect(explanation.candidates.get("rwkv")).toEqual({ nameOrCredit: ["institut"], anywhere: ["institut"], missing: ["20"] });
  });

  it("versions still count next to a name: ジーピーティー3 and rwkv 4", () => {
    expect(top("ジーピーティー3", "ja")).toBe("gpt-3");
    expect(top("rwkv 4")).toBe("rwkv");
  });
});

describe("garbage and injection-shaped input", () => {
  it.each(["' OR 1=1 --", "2 * 3", "a_b_c", "x", "1=1"])("%s gives no paper", (query) => {
    expect(resolve(query).results).toEqual([]);
  });
});

function containsKana(text: string): boolean {
  return /[\p{Script=Katakana}\p{Script=Hiragana}]/u.test(text);
}

describe("Japanese names of models not in the list, and hiragana", () => {
  it.each(["ジーピーティー4", "パーム", "ミストラル7B", "グーグルの540Bモデル"])(
    "%s gives no answer, as its English form does",
    (query) => {
      expect(resolve(query, "ja").results).toEqual([]);
    },
  );

  it.each([
    ["ちんちら", "chinchilla"],
    ["ばーと", "bert"],
    ["らま", "llama"],
    ["ろーら", "lora"],
  ])("hiragana %s is read as katakana", (query, id) => {
    expect(top(query, "ja")).toBe(id);
  });

  it("organisations in katakana are bridged: メタのオープンな基盤モデル is LLaMA", () => {
    expect(top("メタのオープンな基盤モデル", "ja")).toBe("llama");
  });
});

describe("arXiv ids in more forms", () => {
  it.each([
    "10.48550/arXiv.2106.09685",
    "https://doi.org/10.48550/arXiv.2106.09685",
    "doi:10.48550/arXiv.2106.09685",
    "arXiv.2106.09685",
    "https://www.semanticscholar.org/arxiv/2106.09685",
    "arxiv 2106 09685",
    "2106.09685v",
  ])("%s is LoRA", (query) => {
    expect(resolve(query).results[0]).toMatchObject({ paper: { id: "lora" }, score: 1 });
    expect(resolve(query).ambiguous).toBe(false);
  });

  it("two links in one query offer both papers; neither is dropped", () => {
    const resolution = resolve("https://arxiv.org/abs/2106.09685 https://arxiv.org/abs/2305.14314");
    expect(resolution.results.map((match) => match.paper.id)).toEqual(["lora", "qlora"]);
    expect(resolution.ambiguous).toBe(true);
  });
});

describe("--explain names the fields", () => {
  it("says which field of the paper holds each matched word", () => {
    const lines: string[] = [];
    app.catalog.resolve("the one where 25 agents live in a little town", "en", { explain: (line) => lines.push(line) });
    expect(lines).toContainEqual(expect.stringMatching(/^text generative-agents: fields .*25@summary.*agent@title,aliases/));
    const credits: string[] = [];
    app.catalog.resolve("deepmind chinchilla", "en", { explain: (line) => credits.push(line) });
    expect(credits).toContainEqual(expect.stringMatching(/^text chinchilla: fields .*deepmind@organisation/));
  });
});

describe("descriptions: words written with or without a hyphen", () => {
  it("warmup finds the paper that writes warm-up", () => {
    expect(top("layer norm placement in transformers, no warmup needed")).toBe("pre-ln-transformer");
    expect(top("putting layer norm before attention removes need for warmup")).toBe("pre-ln-transformer");
  });
});

describe("two-word names of papers not in the list", () => {
  it.each(["batch normalization", "mixtral of experts", "denoising diffusion", "st-moe"])(
    "%s is not answered by a paper that has one word in its name and the other only in passing",
    (query) => {
      expect(resolve(query).results).toEqual([]);
    },
  );

  it("a listed paper named by one word plus a word of its text still answers through its name", () => {
    expect(top("gopher chinchilla")).toBe("chinchilla");
    expect(top("webtext reddit")).toBe("gpt-2");
  });
});

describe("Japanese descriptions", () => {
  it("a one-kanji glossary word inside another word is not bridged: 階層 is not 層 (layer)", () => {
    expect(top("GPUのメモリ階層を意識した注意機構", "ja")).toBe("flashattention");
  });

  it("a paper whose Japanese text also answers beats one found only through the bridged English", () => {
    expect(top("仮想文書を生成して検索", "ja")).toBe("hyde");
  });
});

describe("spelling corrections keep the first letter", () => {
  it("table is not corrected to stable; a swap of the first two letters still is a typo", () => {
    expect(Object.keys(explained("drop table").words)).toEqual(["drop", "tabl"]);
    expect(top("ocnsistency models")).toBe("consistency-models");
  });
});
