/** The digest's community parts: "Top this week by the community", 👍 under its papers, and counts on its web page. */
import { describe, expect, it } from "vitest";
import { parse } from "parse5";
import { candidateStore } from "../../src/db/candidates.js";
import { reviewCandidate } from "../support/candidates.js";
import { communityVotes } from "../../src/community/votes.js";
import { digestStore } from "../../src/db/digest.js";
import { voteStore } from "../../src/db/votes.js";
import { buildEdition } from "../../src/digest/content.js";
import { renderDigestMessages } from "../../src/digest/render.js";
import { databaseSources } from "../../src/digest/sources.js";
import { communityTopOfWeek } from "../../src/community/digest-top.js";
import { sitePages } from "../../src/http/pages.js";
import { createTestApp, fixedClock } from "../support/app.js";
import { addModeratorPapers, moderatorEntry, sampleCandidates } from "../support/digest.js";

/** The text of an HTML document as a parser reads it. */
function textOf(node: object): string {
  const value = "value" in node && typeof node.value === "string" && "nodeName" in node && node.nodeName === "#text" ? node.value : "";
  const children = "childNodes" in node && Array.isArray(node.childNodes) ? (node.childNodes as object[]) : [];
  return value + children.map(textOf).join("");
}

const member = (n: number) => `13000000000000${String(3000 + n)}`;

function setUp() {
  const app = createTestApp({}, fixedClock(new Date("2026-11-30T09:30:00Z")));
  addModeratorPapers(app, [moderatorEntry(1), moderatorEntry(2)], new Date("2026-11-18T10:00:00Z"));
  const store = digestStore(app.db);
  const sources = databaseSources(
    store,
    () => app.catalog.papers,
    { pending: () => sampleCandidates },
    (start, end) => communityTopOfWeek(app.db, app.catalog.papers, start, end),
  );
  return { app, store, sources };
}

function vote(app: ReturnType<typeof createTestApp>, paperKey: string, voters: number, at: string, first = 0): void {
  const votes = communityVotes(voteStore(app.db), { now: () => new Date(at) });
  for (let n = first; n < first + voters; n += 1) votes.press({ paperKey, voterId: member(n), guildId: null, message: null });
}

describe("the digest and the community's votes", () => {
  it("has 'Top this week by the community' from the week's votes, and a named 👍 per paper", () => {
    const { app, sources } = setUp();
    try {
      candidateStore(app.db).insert(
        reviewCandidate("2611.99001", "Sparse retrieval heads for long context", 0.95),
        new Date("2026-11-17T00:00:00Z"),
      );
      const lora = app.catalog.get("lora");
      vote(app, lora?.arxivId ?? "lora", 3, "2026-11-18T12:00:00Z");
      vote(app, "2611.99001", 1, "2026-11-19T12:00:00Z");
      vote(app, "2106.09685", 5, "2026-11-02T12:00:00Z", 10); // another week: not counted in this one
      const edition = buildEdition("2026-W47", sources);
      expect(edition.community?.map((pick) => [pick.paperKey, pick.votes])).toEqual([
        ["2106.09685", 3],
        ["2611.99001", 1],
      ]);
      const messages = renderDigestMessages(edition, { locale: "en", forYou: null }, { web: "https://x/digest", list: "https://x/" });
      const embeds = messages.flatMap((message) => message.embeds ?? []);
      const section = embeds.find((embed) => embed.title === "Top this week by the community");
      expect(section?.description).toMatch(/LoRA[^\n]*· 👍 3 votes/);
      const buttons = (messages.at(-1)?.components ?? []).flatMap((row) => row.components);
      const votes = buttons.filter((button) => "custom_id" in button && button.custom_id.startsWith("vote:"));
      expect(votes.length).toBe(edition.papers.length + edition.candidates.length);
      expect(votes.every((button) => "label" in button && button.label.startsWith("👍 · "))).toBe(true);
    } finally {
      app.close();
    }
  });

  it("the edition's web page shows each paper's current count, and follows new votes", () => {
    const { app, store, sources } = setUp();
    try {
      store.freezeEdition("2026-W47", JSON.stringify(buildEdition("2026-W47", sources)), new Date("2026-11-23T09:00:00Z"));
      store.publishEdition("2026-W47", new Date("2026-11-23T09:00:00Z"));
      const pages = sitePages({
        store,
        publicUrl: "https://x",
        catalog: () => app.catalog,
        votes: (keys) => voteStore(app.db).totals(keys),
      });
      const before = String(pages("/digest/2026-W47")?.body ?? "");
      expect(before).not.toMatch(/👍/);
      vote(app, "2611.99001", 2, "2026-11-30T09:00:00Z");
      const after = String(pages("/digest/2026-W47")?.body ?? "");
      // Read with a real HTML parser: the count follows the candidate's arXiv links.
      expect(textOf(parse(after))).toMatch(/arXiv:2611\.99001[^\n]*· 👍 2/);
    } finally {
      app.close();
    }
  });
});
