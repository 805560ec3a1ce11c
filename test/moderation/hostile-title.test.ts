/** A title anyone can submit to arXiv, approved from /review: plain text in every reply and list (handlers driven directly; the alert post and DM: hostile-title.e2e.test.ts). */
import { describe, expect, it } from "vitest";
import { candidateStore } from "../../src/db/candidates.js";
import { embedText, inlineText } from "../../src/shared/safe-text.js";
import { EMBED_LIMITS } from "../../src/shared/embeds.js";
import { paperEmbed } from "../../src/catalog/card.js";
import type { Embed } from "../../src/shared/reply.js";
import { embedsOf, textOf, useDirect, who } from "../support/direct.js";
import { HOSTILE_TITLE, HOSTILE_TITLE_SHOWN, hostileCandidate } from "../support/candidates.js";

const setUp = () => useDirect({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });

describe("feed titles in message content and Markdown lists", () => {
  it("escapes Markdown and mentions, and strips bidi and control characters", () => {
    expect(inlineText(HOSTILE_TITLE)).toBe(HOSTILE_TITLE_SHOWN);
    expect(inlineText("a\u0000b\u0007c\u001b[31m\u0085d\u2066e\u2069\r\nf\tg")).toBe("abc\\[31mde fg");
  });

  it("the /review card and approval, /papers and related papers show the hostile title as plain text", async () => {
    const direct = setUp();
    candidateStore(direct.app.db).insert(hostileCandidate(), new Date());
    const card = await direct.run("review", {}, who.moderator);
    expect(embedsOf(card)[0]?.title).toBe(HOSTILE_TITLE.replace(/[\u202E\u202C]/g, ""));
    const approved = await direct.submit("review-approve:2406.50001", { topics: "retrieval", note: "" }, who.moderator);
    expect(textOf(approved)).toMatch(
      new RegExp(`^Approved: \\*\\*${HOSTILE_TITLE_SHOWN.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}\\*\\* is now in the reading list`),
    );

    const lines = (embedsOf(await direct.run("papers", { topic: "retrieval" }))[0]?.description ?? "").split("\n");
    const line = lines.find((text) => text.includes("2406.50001")) ?? lines.at(-1) ?? "";
    expect(line).toContain(`[${HOSTILE_TITLE_SHOWN}](https://arxiv.org/abs/2406.50001)`);
    expect(line).not.toMatch(/\u202E/);

    // "Related papers" under another paper's /paper answer lists it the same way.
    const neighbour = direct.ctx.catalog.papers.find((paper) =>
      direct.ctx.catalog.related(paper, 8).some((other) => other.arxivId === "2406.50001"),
    );
    expect(neighbour).toBeDefined();
    const related = await direct.press(`related:${neighbour?.id ?? ""}`);
    expect(embedsOf(related)[0]?.description).toContain(`• [${HOSTILE_TITLE_SHOWN}](https://arxiv.org/abs/2406.50001)`);
  });

  it("embeds: abstracts, authors and titles from arXiv cannot render links, Markdown or mentions, and titles lose bidi overrides", async () => {
    const direct = setUp();
    const abstract =
      "# Heading\nAbstract with [masked](https://evil.example) link and <@&1200000000000000001> **bold** \u202Eevil\u202C\n> quote\n- item";
    candidateStore(direct.app.db).insert(
      { ...hostileCandidate(), abstract, authors: ["[Ada](https://evil.example)", "*Bob*"] },
      new Date(),
    );
    const card = await direct.run("review", {}, who.moderator);
    await direct.submit("review-approve:2406.50001", { topics: "retrieval", note: "" }, who.moderator);
    const shown = await direct.run("paper", { query: "2406.50001" });
    const embeds: [string, Embed | undefined][] = [
      ["review card", embedsOf(card)[0]],
      ["/paper", embedsOf(shown)[0]],
    ];
    // Independently of our helper: no unescaped masked link, mention, bold, or line-start heading/quote/list survives.
    const rendersMarkdown = /(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)<@|(?<!\\)\*\*(?!The authors)|^(#|>|-) /m;
    for (const [where, embed] of embeds) {
      expect(embed, where).toBeDefined();
      expect(embed?.title, where).toBe(HOSTILE_TITLE.replace(/[\u202E\u202C]/g, ""));
      expect(embed?.description, where).toContain(
        "Abstract with \\[masked\\](https://evil.example) link and \\<@&1200000000000000001\\> \\*\\*bold\\*\\* evil",
      );
      expect(embed?.description, where).toContain("\\# Heading");
      expect(embed?.description?.replace(/^\*The authors' abstract[^\n]*\n/, ""), where).not.toMatch(rendersMarkdown);
      expect(embed?.description, where).not.toMatch(/[\u202A-\u202E]/);
      const authors = embed?.fields?.find((field) => field.name === "Authors")?.value;
      expect(authors, where).toBe("\\[Ada\\](https://evil.example), \\*Bob\\*");
    }
  });

  it("escaping lengthens text; embeds still fit Discord's limits, and no cut leaves a lone backslash", () => {
    const paper = setUp().ctx.catalog.papers[0];
    if (!paper) throw new Error("no paper");
    const stars = "*".repeat(5000);
    const embed = paperEmbed(
      { ...paper, summary: { en: stars, ja: stars }, source: "moderator", authors: Array.from({ length: 400 }, () => "_") },
      "en",
    );
    expect([...(embed.description ?? "")].length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    for (const field of embed.fields ?? []) expect([...field.value].length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(embed.description).toMatch(/(\\\*)+…$/);
    expect(embedText("1. one\n## two\n-# three")).toBe("1\\. one\n\\## two\n\\-# three");
  });
});
