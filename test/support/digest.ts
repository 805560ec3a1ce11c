import type { OpenedApp } from "../../src/app.js";
import type { CatalogEntry } from "../../src/catalog/schema.js";
import { paperStore } from "../../src/db/papers.js";
import { searchDocument } from "../../src/catalog/search-document.js";
import { followStore } from "../../src/db/follows.js";
import { digestStore } from "../../src/db/digest.js";
import type { Clock } from "../../src/logger.js";
import { createRest } from "../../src/discord/rest.js";
import { discordSender } from "../../src/discord/sender.js";
import { runDigest, type DigestDeps, type DigestTransport } from "../../src/digest/run.js";
import { databaseSources } from "../../src/digest/sources.js";
import type { DigestCandidate } from "../../src/digest/content.js";

export const TEST_TOKEN = "MTIz.NDU2.Nzg5";

/** A valid moderator-added paper; `n` keeps ids and arXiv ids unique. */
export function moderatorEntry(n: number, overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  const id = String(n).padStart(5, "0");
  return {
    id: `added-${n}`,
    arxivId: `2611.${id}`,
    url: `https://arxiv.org/abs/2611.${id}`,
    pdfUrl: null,
    title: `Added paper number ${n} on retrieval-augmented reasoning`,
    titleJa: `追加論文 ${n}: 検索拡張推論`,
    authors: ["A. Author", "et al."],
    organisation: "Somewhere",
    year: 2026,
    topics: [n % 2 === 0 ? "retrieval" : "alignment"],
    aliases: [],
    keyResults: { en: ["It works."], ja: ["うまくいく。"] },
    summary: {
      en: `Paper ${n} shows that careful retrieval improves multi-step reasoning on long documents. A second sentence the digest leaves out.`,
      ja: `論文 ${n} は、丁寧な検索が長い文書の多段推論を改善することを示す。二文目は省略される。`,
    },
    ...overrides,
  };
}

export function addModeratorPapers(app: OpenedApp, entries: CatalogEntry[], addedAt: Date): void {
  const papers = paperStore(app.db);
  app.db.transaction(() => {
    let position = papers.nextPosition();
    for (const entry of entries) papers.insert(entry, searchDocument(entry), "moderator", position++, addedAt);
  })();
}

export const sampleCandidates: DigestCandidate[] = [
  {
    arxivId: "2611.99001",
    title: "Sparse retrieval heads for long context",
    url: "https://arxiv.org/abs/2611.99001",
    score: 0.91,
    topics: ["retrieval"],
    excerpt: "We find sparse heads.",
  },
  {
    arxivId: "2611.99002",
    title: "Reward hacking in RLHF, measured",
    url: "https://arxiv.org/abs/2611.99002",
    score: 0.77,
    topics: ["alignment"],
    excerpt: "We measure reward hacking.",
  },
];

export function harnessDeps(app: OpenedApp, apiUrl: string, clock: Clock, overrides: Partial<DigestDeps> = {}): DigestDeps {
  const store = digestStore(app.db);
  const transport: DigestTransport = discordSender(createRest(apiUrl, TEST_TOKEN), { rememberDmChannels: true });
  return {
    store,
    follows: followStore(app.db),
    sources: databaseSources(store, () => app.catalog.papers, { pending: (limit) => sampleCandidates.slice(0, limit) }),
    transport,
    clock,
    logger: app.logger,
    settings: { timeZone: "UTC", catchUpHours: 24, publicUrl: "https://paperbot.example" },
    concurrency: 4,
    ...overrides,
  };
}

export { runDigest };
