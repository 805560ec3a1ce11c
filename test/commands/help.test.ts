/** /help describes the live reading list: its count follows moderators' additions, in both languages. */
import { describe, expect, it } from "vitest";
import { t as text } from "../../src/i18n/index.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { embedsOf, isPrivate, useDirect, who } from "../support/direct.js";
import { catalogSize } from "../support/catalog-size.js";

const record = {
  arxivId: "2404.00021",
  version: 1,
  title: "A paper added by moderators",
  abstract: "About retrieval. Two sentences.",
  authors: ["Ada"],
  categories: ["cs.CL"],
  primaryCategory: "cs.CL",
  published: "2024-04-01T00:00:00Z",
  updated: "2024-04-01T00:00:00Z",
  comment: null,
  absUrl: "https://arxiv.org/abs/2404.00021",
  pdfUrl: "https://arxiv.org/pdf/2404.00021",
};

describe("/help's paper count", () => {
  it("follows the live list (en and ja) and agrees with /papers; moderators also see their commands", async () => {
    const direct = useDirect({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
    const curated = direct.ctx.catalog.size;
    const added = direct.ctx.moderation.addPaper(
      entryFromArxiv(record, ["retrieval"], () => false),
      addedFromAbstract("mod"),
      { id: "1", name: "mod" },
    );
    expect(added.ok).toBe(true);
    const total = curated + 1;
    const en = embedsOf(await direct.run("help", {}, who.member))[0];
    expect(en?.description).toContain(`${total} landmark LLM papers`);
    const ja = embedsOf(await direct.run("help", {}, { ...who.member, locale: "ja" }))[0];
    expect(ja?.description).toContain(`重要論文 ${total} 本`);
    const papers = embedsOf(await direct.run("papers"))[0];
    expect(papers?.footer?.text).toContain(`${total} papers`);

    expect(en?.fields?.map((field) => field.name)).not.toContain("Moderator commands");
    const moderator = embedsOf(await direct.run("help", {}, who.moderator))[0];
    expect(moderator?.fields?.find((field) => field.name === "Moderator commands")?.value).toMatch(/^`\/review`/);
  });

  it("answers privately in the user's language", async () => {
    const direct = useDirect();
    const en = await direct.run("help");
    expect(isPrivate(en)).toBe(true);
    expect(embedsOf(en)[0]?.description).toContain(`${catalogSize} landmark LLM papers`);
    expect(embedsOf(await direct.run("help", {}, { locale: "ja" }))[0]?.description).toContain(`重要論文 ${catalogSize} 本`);
  });

  it("is plural-aware", () => {
    expect(text("en", "help.description", { count: 1 })).toContain("1 landmark LLM paper,");
    expect(text("en", "help.description", { count: 44 })).toContain("44 landmark LLM papers");
  });
});
