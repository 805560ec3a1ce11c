import { describe, expect, it } from "vitest";
import { authorsShort, candidateView } from "../../src/digest/entry.js";
import { buildEdition, type DigestCandidate, type DigestSources, type Edition } from "../../src/digest/content.js";
import { digestMessagesText, renderDigestMessages } from "../../src/digest/render.js";
import { editionHtml, renderAtomFeed, renderEditionPage } from "../../src/digest/web.js";
import { createTestApp } from "../support/app.js";
import { readHtml, readXml } from "../support/markup.js";

const LINKS = { web: "https://paperbot.example/digest/2026-W48", list: "https://paperbot.example/" };

const candidate: DigestCandidate = {
  arxivId: "2608.12345",
  title: "Sparse retrieval heads for long context",
  url: "https://arxiv.org/abs/2608.12345",
  score: 0.934,
  topics: ["retrieval"],
  terms: ["KV cache"],
  excerpt: "Long contexts are costly.",
  line: "We propose sparse retrieval heads that read 4× less of the KV cache.",
  authors: ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
  similar: ["RETRO", "RAG"],
  pdfUrl: "https://arxiv.org/pdf/2608.12345",
};

describe("authors", () => {
  it("names the first author et al., or both when there are two, in the reader's language", () => {
    expect(authorsShort("en", ["A. Vaswani", "N. Shazeer", "N. Parmar"])).toBe("A. Vaswani et al.");
    expect(authorsShort("ja", ["A. Vaswani", "N. Shazeer", "N. Parmar"])).toBe("A. Vaswani ほか");
    expect(authorsShort("en", ["Ada Lovelace", "Alan Turing"])).toBe("Ada Lovelace and Alan Turing");
    expect(authorsShort("ja", ["Ada Lovelace", "Alan Turing"])).toBe("Ada Lovelace、Alan Turing");
    expect(authorsShort("en", ["Ada Lovelace"])).toBe("Ada Lovelace");
    // The catalog writes a cut list as "…, et al.": one name shown, still et al.
    expect(authorsShort("en", ["Alec Radford", "et al."])).toBe("Alec Radford et al.");
    expect(authorsShort("en", [])).toBeNull();
  });
});

describe("an unreviewed pick", () => {
  it("says why the watch picked it in words, with no number of ours", () => {
    expect(candidateView(candidate, "en").why).toBe(
      "Why the watch picked it: close to RETRO and RAG in the reading list; it is about “KV cache”.",
    );
    expect(candidateView(candidate, "ja").why).toBe("ウォッチが選んだ理由: リストのRETRO、RAGに近い、“KV cache”を扱っている。");
    for (const locale of ["en", "ja"] as const) {
      const view = JSON.stringify(candidateView(candidate, locale));
      expect(view).not.toContain("0.93");
    }
  });
});

function edition(overrides: Partial<Edition> = {}): Edition {
  const app = createTestApp();
  try {
    const sources: DigestSources = {
      addedPapers: () => [],
      pendingCandidates: () => [candidate],
      readingList: () => app.catalog.papers,
      readers: () => [],
    };
    return { ...buildEdition("2026-W48", sources), ...overrides };
  } finally {
    app.close();
  }
}

describe("the same entry in every output", () => {
  it("Discord, the web page (read by parse5) and the Atom feed (read by saxes) carry the same facts, in en and ja", () => {
    const built = edition();
    for (const locale of ["en", "ja"] as const) {
      const discord = digestMessagesText(renderDigestMessages(built, { locale, forYou: null }, LINKS));
      const page = readHtml(renderEditionPage(built, "https://paperbot.example", locale).body).text;
      const view = candidateView(candidate, locale);
      for (const fact of [view.authors, view.line, view.why, "arXiv:2608.12345"]) {
        expect(fact).not.toBeNull();
        expect(page).toContain(fact);
        expect(discord.replace(/\\(.)/g, "$1")).toContain(fact);
      }
      expect(discord).not.toMatch(/0\.93|score|スコア/i);
      expect(page).not.toMatch(/0\.93|score|スコア/i);
    }
    const atom = readXml(renderAtomFeed([{ edition: built, publishedAt: "2026-11-30T09:00:00.000Z" }], "https://paperbot.example").body);
    const content = atom.find((element) => element.name === "content")?.text ?? "";
    const fromFeed = readHtml(content, true).text;
    expect(fromFeed).toContain("Ada Lovelace et al.");
    expect(fromFeed).toContain(candidate.line);
    expect(fromFeed).toContain("Why the watch picked it: close to RETRO and RAG");
  });

  it("shows a discussion thread and members' votes when another feature has set them, and nothing when not", () => {
    const plain = edition();
    // Vote buttons ("[👍 · title]") are on every digest; the entries' own text shows no thread and no count.
    const entries = (text: string) =>
      text
        .split("\n")
        .filter((line) => !line.startsWith("["))
        .join("\n");
    expect(entries(digestMessagesText(renderDigestMessages(plain, { locale: "en", forYou: null }, LINKS)))).not.toMatch(/💬|👍/);
    const withThread = edition({
      candidates: [{ ...candidate, threadUrl: "https://discord.com/channels/1/2/3", votes: { up: 4, down: 1 } }],
      picks: plain.picks.map((pick) => ({ ...pick, threadUrl: "https://discord.com/channels/1/2/4", votes: { up: 2 } })),
    });
    const en = digestMessagesText(renderDigestMessages(withThread, { locale: "en", forYou: null }, LINKS));
    expect(en).toContain("[💬 discussion](https://discord.com/channels/1/2/3) · 👍 4 · 👎 1");
    expect(en).toContain("[💬 discussion](https://discord.com/channels/1/2/4) · 👍 2");
    const ja = readHtml(editionHtml(withThread, "ja").toString(), true);
    expect(ja.attributes).toContainEqual({ tag: "a", name: "href", value: "https://discord.com/channels/1/2/3" });
    expect(ja.text).toContain("議論スレッド");
    expect(ja.text).toContain("👍 4 · 👎 1");
  });

  it("the reading-list pick says what the paper does, from our summary", () => {
    const app = createTestApp();
    try {
      const bert = app.catalog.papers.find((paper) => paper.id === "bert");
      expect(bert).toBeDefined();
      const built = edition({ picks: [] });
      const sources: DigestSources = {
        addedPapers: () => [],
        pendingCandidates: () => [],
        readingList: () => (bert ? [bert] : []),
        readers: () => [],
      };
      const withBert = { ...built, picks: buildEdition("2026-W48", sources).picks };
      const en = digestMessagesText(renderDigestMessages(withBert, { locale: "en", forYou: null }, LINKS));
      const ja = digestMessagesText(renderDigestMessages(withBert, { locale: "ja", forYou: null }, LINKS));
      expect(en).toContain("BERT pre-trains a Transformer encoder");
      expect(en).not.toContain("Earlier pre-trained language models");
      expect(ja).toContain("BERTはTransformerエンコーダ");
    } finally {
      app.close();
    }
  });
});
