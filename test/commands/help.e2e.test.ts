/** /help describes the live reading list: its count follows moderators' additions, in both languages. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { t as text } from "../../src/i18n/index.js";
import { addedFromAbstract, entryFromArxiv } from "../../src/moderation/papers.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { as, command } from "../support/moderation.js";

const record = {
  arxivId: "2404.00021", version: 1, title: "A paper added by moderators", abstract: "About retrieval. Two sentences.", authors: ["Ada"], categories: ["cs.CL"],
  primaryCategory: "cs.CL", published: "2024-04-01T00:00:00Z", updated: "2024-04-01T00:00:00Z", comment: null,
  absUrl: "https://arxiv.org/abs/2404.00021", pdfUrl: "https://arxiv.org/pdf/2404.00021",
};

describe("/help's paper count", () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
  });
  afterEach(async () => {
    await t?.close();
  });

  it("follows the live list (en and ja) and agrees with /papers; moderators also see their commands", async () => {
    const curated = t.bot.ctx.catalog.size;
    const added = t.bot.ctx.moderation.addPaper(entryFromArxiv(record, ["retrieval"], () => false), addedFromAbstract("mod"), { id: "1", name: "mod" });
    expect(added.ok).toBe(true);
    const total = curated + 1;
    const en = await command(t, { name: "help", ...as.member });
    expect(en.body.data.embeds?.[0]?.description).toContain(`${total} landmark LLM papers`);
    const ja = await command(t, { name: "help", ...as.member, locale: "ja" });
    expect(ja.body.data.embeds?.[0]?.description).toContain(`重要論文 ${total} 本`);
    const papers = await command(t, { name: "papers" });
    expect(papers.body.data.embeds?.[0]?.footer?.text).toContain(`${total} papers`);

    expect(en.body.data.embeds?.[0]?.fields?.map((field) => field.name)).not.toContain("Moderator commands");
    const moderator = await command(t, { name: "help", ...as.moderator });
    expect(moderator.body.data.embeds?.[0]?.fields?.find((field) => field.name === "Moderator commands")?.value).toMatch(/^`\/review`/);
  });

  it("is plural-aware", () => {
    expect(text("en", "help.description", { count: 1 })).toContain("1 landmark LLM paper,");
    expect(text("en", "help.description", { count: 44 })).toContain("44 landmark LLM papers");
  });
});
