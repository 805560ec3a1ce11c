import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { APIEmbed } from "discord.js";
import { digestStore } from "../../src/db/digest.js";
import { embedLength } from "../../src/shared/embeds.js";
import { buildEdition, type DigestSources } from "../../src/digest/content.js";
import { digestMessagesText, renderDigestMessages } from "../../src/digest/render.js";
import { createTestApp, fixedClock } from "../support/app.js";
import { addModeratorPapers, harnessDeps, moderatorEntry, runDigest, sampleCandidates } from "../support/digest.js";
import { startDiscordHarness, type DiscordHarness } from "../support/harness/index.js";

const LINKS = { web: "https://paperbot.example/digest/2026-W48", list: "https://paperbot.example/" };
const busy = Array.from({ length: 60 }, (_, index) =>
  moderatorEntry(index + 1, {
    title: `${"A very long title about retrieval and reasoning ".repeat(5)}#${index + 1}`.slice(0, 290),
    summary: {
      en: `${"Long first sentence about what the paper shows in detail ".repeat(8)}(paper ${index + 1}).`,
      ja: `論文 ${index + 1} の要約${"、長い説明が続く".repeat(25)}。二文目。`,
    },
  }),
);

function checkLimits(embeds: APIEmbed[]): void {
  expect(embeds.length).toBeLessThanOrEqual(10);
  expect(embeds.reduce((sum, embed) => sum + embedLength(embed), 0)).toBeLessThanOrEqual(6000);
  for (const embed of embeds) {
    expect([...(embed.title ?? "")].length).toBeLessThanOrEqual(256);
    expect([...(embed.description ?? "")].length).toBeLessThanOrEqual(4096);
  }
}

describe("digest layout", () => {
  let app: ReturnType<typeof createTestApp>;
  beforeEach(() => {
    app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
  });
  afterEach(() => app.close());

  const sources = (): DigestSources => ({
    addedPapers: () => digestStore(app.db).addedPapers(new Date("2026-11-23T00:00:00Z"), new Date("2026-11-30T00:00:00Z")),
    pendingCandidates: (limit) => sampleCandidates.slice(0, limit),
    readingList: () => app.catalog.papers,
    readers: () => [],
  });

  for (const locale of ["en", "ja"] as const) {
    it(`splits a 60-paper week (${locale}) across messages within Discord's limits, every paper whole, exactly once`, () => {
      addModeratorPapers(app, busy, new Date("2026-11-25T10:00:00Z"));
      const edition = buildEdition("2026-W48", sources());
      expect(edition.papers).toHaveLength(60);
      const messages = renderDigestMessages(edition, { locale, forYou: null }, LINKS);
      expect(messages.length).toBeGreaterThan(1);
      const embeds = messages.flatMap((message) => message.embeds ?? []);
      for (const message of messages) checkLimits(message.embeds ?? []);
      const descriptions = embeds.map((embed) => embed.description ?? "").join("\n\n");
      for (const paper of busy) {
        const url = `(${paper.url})`;
        expect(descriptions.split(url).length - 1).toBe(1);
        // The entry (title link and its summary line) sits whole inside one embed.
        const holder = embeds.find((embed) => embed.description?.includes(url));
        expect(holder?.description).toMatch(new RegExp(`${paper.url.replace(/[.]/g, "\\.")}\\)\\*\\*\\n[^\\n]+`));
      }
      // votes (issue 18): four rows of 👍 for the first 20 papers, then the digest's own buttons.
      expect(messages.at(-1)?.components).toHaveLength(5);
      expect(messages.slice(0, -1).every((message) => message.components === undefined)).toBe(true);
      expect(embeds.filter((embed) => embed.footer).map((embed) => embed.footer?.text)).toHaveLength(messages.length);
    });
  }

  it("a quiet week says so plainly and leads with the reading list; the unreviewed picks follow, labelled", () => {
    const messages = renderDigestMessages(buildEdition("2026-W48", sources()), { locale: "en", forYou: null }, LINKS);
    const text = digestMessagesText(messages);
    expect(text).toContain("A quiet week: no new papers joined the reading list.");
    const pick = text.indexOf("## From the reading list");
    const unreviewed = text.indexOf("## Found by the arXiv watch, not yet reviewed");
    expect(pick).toBeGreaterThan(0);
    expect(unreviewed).toBeGreaterThan(pick);
    expect(text.indexOf("Sparse retrieval heads")).toBeGreaterThan(unreviewed);
  });

  it("shows at most 3 unreviewed machine picks, however many the edition keeps", () => {
    const many = Array.from({ length: 5 }, (_, index) => ({
      ...sampleCandidates[0]!,
      arxivId: `2611.9900${index}`,
      url: `https://arxiv.org/abs/2611.9900${index}`,
      title: `Machine pick ${index}`,
    }));
    const edition = buildEdition("2026-W48", { ...sources(), pendingCandidates: () => many });
    expect(edition.candidates).toHaveLength(5);
    for (const locale of ["en", "ja"] as const) {
      const text = digestMessagesText(renderDigestMessages(edition, { locale, forYou: null }, LINKS));
      const entries = text.replace(/^\[.*$/gm, "");
      const buttons = (text.match(/^\[.*$/gm) ?? []).join("\n");
      expect(entries.match(/Machine pick \d/g)).toEqual(["Machine pick 0", "Machine pick 1", "Machine pick 2"]);
      // A vote button for each shown pick, none for the ones left out.
      expect(buttons.match(/Machine pick \d/g)).toEqual(["Machine pick 0", "Machine pick 1", "Machine pick 2"]);
    }
  });

  it("says why a candidate was picked, in the readable terms that carried it, and never shows the internal score", () => {
    const [first, second] = sampleCandidates;
    const edition = buildEdition("2026-W48", {
      ...sources(),
      // The watch also weighs bare numbers and the catalog's Japanese aliases: no reason to a reader.
      pendingCandidates: () => [
        { ...first!, score: 0.934, terms: ["KV cache", "4", "ジーピーティー1", "speculative decoding"] },
        { ...second!, score: 0.917, terms: undefined },
      ],
    });
    for (const [locale, picked, matched] of [
      [
        "en",
        "_Why the watch picked it: it is about “KV cache” and “speculative decoding”._",
        "_Why the watch picked it: it matches Alignment._",
      ],
      [
        "ja",
        "_ウォッチが選んだ理由: “KV cache”、“speculative decoding”を扱っている。_",
        "_ウォッチが選んだ理由: アライメントに該当する。_",
      ],
    ] as const) {
      const text = digestMessagesText(renderDigestMessages(edition, { locale, forYou: null }, LINKS));
      expect(text).toContain(picked);
      expect(text).toContain(matched);
      expect(text).not.toMatch(/0\.9[0-9]|score|スコア|ジーピーティー|“4”/);
    }
  });

  it("the pick rotates so 52 consecutive weeks cover the whole reading list", () => {
    const seen = new Set<string>();
    for (let week = 1; week <= 52; week++) {
      const label = `2027-W${String(week).padStart(2, "0")}` as const;
      for (const pick of buildEdition(label, sources()).picks) seen.add(pick.id);
    }
    expect(seen.size).toBe(app.catalog.papers.filter((paper) => paper.source === "catalog").length);
  });
});

describe("a 60-paper week through Discord (the harness validates every limit)", () => {
  let harness: DiscordHarness;
  let app: ReturnType<typeof createTestApp>;
  afterEach(async () => {
    app.close();
    await harness.close();
  });

  it("is accepted message by message and nothing is cut", async () => {
    const channel = "1300000000000000011";
    harness = await startDiscordHarness();
    harness.addChannel(channel, "1300000000000000001");
    const clock = fixedClock(new Date("2026-11-30T09:30:00Z"));
    app = createTestApp({}, clock);
    addModeratorPapers(app, busy, new Date("2026-11-25T10:00:00Z"));
    digestStore(app.db).setGuild({
      guildId: "1300000000000000001",
      channelId: channel,
      weekday: 1,
      time: "09:00",
      timeZone: "UTC",
      locale: "en",
      updatedBy: "1",
      updatedAt: "2026-11-01T00:00:00Z",
    });
    expect(await runDigest(harnessDeps(app, harness.apiUrl, clock), { force: false })).toMatchObject({ sent: 1, failed: 0 });
    const posted = harness.messagesIn(channel);
    expect(posted.length).toBeGreaterThan(1);
    const all = posted.flatMap((message) => message.embeds.map((embed) => embed.description ?? "")).join("\n");
    for (const paper of busy) expect(all).toContain(`(${paper.url})`);
    expect(digestStore(app.db).delivery("2026-W48", "channel", channel)).toMatchObject({
      status: "sent",
      messagesSent: posted.length,
      messagesTotal: posted.length,
    });
  });
});

describe("for your topics", () => {
  const paper = (index: number, topics: string[], title = `Paper ${index}`) => ({
    id: `p${index}`,
    title,
    titleJa: title,
    url: `https://arxiv.org/abs/2611.${String(index).padStart(5, "0")}`,
    topics,
    summary: { en: "Summary.", ja: "要約。" },
  });

  it("unions the reader's topics and keywords over papers and candidates, lists 10 and counts the rest", async () => {
    const { createForYouPlanner } = await import("../../src/digest/content.js");
    const papers = [
      ...Array.from({ length: 40 }, (_, index) => paper(index, [index % 2 === 0 ? "retrieval" : "agents"])),
      paper(40, ["code"], "Speculative decoding at scale"),
    ];
    const candidates = [
      { ...sampleCandidates[0]!, topics: ["retrieval"] },
      { ...sampleCandidates[1]!, topics: ["alignment"], title: "Speculative decoding, again" },
    ];
    // Nothing listed elsewhere in the DM: every match is the section's own.
    const plan = createForYouPlanner({ papers, candidates }, { papers: 0, candidates: 0 });
    const none = { papers: [], candidates: [] };
    expect(plan([])).toBeNull();
    expect(plan(["vision"])).toBeNull();
    const keyword = plan(["speculative decoding"]);
    expect(keyword).toEqual({ topics: ["speculative decoding"], papers: [40], candidates: [1], marked: none, more: 0 });
    const retrieval = plan(["retrieval", "speculative decoding"]);
    expect(retrieval?.papers).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(retrieval?.more).toBe(20 + 1 + 2 - 10);
    const alignment = plan(["alignment"]);
    expect(alignment).toEqual({ topics: ["alignment"], papers: [], candidates: [1], marked: none, more: 0 });
  });

  it("marks what the DM already lists instead of listing it twice; only the rest gets its own section", async () => {
    const { createForYouPlanner } = await import("../../src/digest/content.js");
    const papers = Array.from({ length: 6 }, (_, index) => paper(index, ["retrieval"]));
    const candidates = Array.from({ length: 5 }, (_, index) => ({
      ...sampleCandidates[0]!,
      arxivId: `2611.9900${index}`,
      topics: ["retrieval"],
    }));
    // The DM lists 4 papers and 3 candidates: those are marked; papers 4-5 and candidates 3-4 are the extras.
    const plan = createForYouPlanner({ papers, candidates }, { papers: 4, candidates: 3 })(["retrieval"]);
    expect(plan).toEqual({
      topics: ["retrieval"],
      papers: [4, 5],
      candidates: [3, 4],
      marked: { papers: [0, 1, 2, 3], candidates: [0, 1, 2] },
      more: 0,
    });
  });
});

describe("papers moderators added from an abstract", () => {
  it("say so, and a Japanese reader without a Japanese summary gets the English one with a note", async () => {
    const { paperStore } = await import("../../src/db/papers.js");
    const app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
    try {
      addModeratorPapers(
        app,
        [moderatorEntry(7, { summary: { en: "We propose X. It works.", ja: "We propose X. It works." } })],
        new Date("2026-11-25T10:00:00Z"),
      );
      paperStore(app.db).setModeration("added-7", { addedBy: "mod", summary: { en: "abstract", ja: null } });
      const sources: DigestSources = {
        addedPapers: (start, end) => digestStore(app.db).addedPapers(start, end),
        pendingCandidates: () => [],
        readingList: () => app.catalog.papers,
        readers: () => [],
      };
      const edition = buildEdition("2026-W48", sources);
      const en = digestMessagesText(renderDigestMessages(edition, { locale: "en", forYou: null }, LINKS));
      const ja = digestMessagesText(renderDigestMessages(edition, { locale: "ja", forYou: null }, LINKS));
      expect(en).toContain("We propose X.\n_The authors' abstract (no summary written yet)._");
      // One note says both: no Japanese summary yet, and this is the authors' abstract.
      expect(ja).toContain("We propose X.\n_要約はまだ書かれていません。著者による英語のアブストラクトを表示しています。_\n");
    } finally {
      app.close();
    }
  });
});
