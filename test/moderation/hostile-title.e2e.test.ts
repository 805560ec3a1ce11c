/** A title anyone can submit to arXiv, approved from /review: plain text in the posts and DMs the bot sends (its replies: hostile-title.test.ts). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { candidateStore } from "../../src/db/candidates.js";
import type { APIEmbed } from "discord.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { dmChannelIdFor } from "../support/harness/index.js";
import { option } from "../support/interactions.js";
import { as, command, modalSubmit, send } from "../support/moderation.js";
import { HOSTILE_TITLE, HOSTILE_TITLE_SHOWN, hostileCandidate } from "../support/candidates.js";

const ALERT_ROLE = "1200000000000000088";
const PAPERS_CHANNEL = "1200000000000000011";
const READER = { id: "1300000000000000311", username: "reader" };

interface Posted {
  content?: string;
  allowed_mentions?: { parse?: string[]; roles?: string[] };
}

describe("feed titles in message content and Markdown lists", () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
  });
  afterEach(async () => {
    await t?.close();
  });

  it("the alert post (with only its role allowed) and the DM show the hostile title as plain text", async () => {
    await command(t, { name: "follow", user: READER, options: [option.string("topic", "retrieval")] });
    await command(t, {
      name: "follow",
      ...as.moderator,
      options: [
        option.channel("channel", PAPERS_CHANNEL),
        option.string("topic", "retrieval"),
        { type: 8, name: "role", value: ALERT_ROLE },
      ],
    });
    candidateStore(t.bot.app.db).insert(hostileCandidate(), new Date());
    const card = await command(t, { name: "review", ...as.moderator });
    expect(card.body.data.embeds?.[0]?.title).toBe(HOSTILE_TITLE.replace(/[\u202E\u202C]/g, ""));
    const since = t.harness.requests.length;
    const approved = await send(
      t,
      modalSubmit({
        customId: "review-approve:2406.50001",
        message: card.message(),
        fields: { topics: "retrieval", note: "" },
        ...as.moderator,
      }),
    );
    expect(approved.data.content).toMatch(
      new RegExp(`^Approved: \\*\\*${HOSTILE_TITLE_SHOWN.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}\\*\\* is now in the reading list`),
    );

    const post = await t.harness.waitForRequest({ method: "POST", path: `/channels/${PAPERS_CHANNEL}/messages` }, { since });
    expect((post.body as Posted).content).toBe(`<@&${ALERT_ROLE}> New on the LLM reading list (Retrieval): **${HOSTILE_TITLE_SHOWN}**`);
    expect((post.body as Posted).allowed_mentions).toEqual({ parse: [], roles: [ALERT_ROLE] });
    const dm = await t.harness.waitForRequest({ method: "POST", path: `/channels/${dmChannelIdFor(READER.id)}/messages` }, { since });
    expect((dm.body as Posted).content).toBe(`New on the LLM reading list, on a topic you follow (Retrieval): **${HOSTILE_TITLE_SHOWN}**`);
  });

  it("the alert post's embed: abstracts, authors and titles from arXiv cannot render links, Markdown or mentions, and titles lose bidi overrides", async () => {
    const abstract =
      "# Heading\nAbstract with [masked](https://evil.example) link and <@&1200000000000000001> **bold** \u202Eevil\u202C\n> quote\n- item";
    candidateStore(t.bot.app.db).insert({ ...hostileCandidate(), abstract, authors: ["[Ada](https://evil.example)", "*Bob*"] }, new Date());
    await command(t, {
      name: "follow",
      ...as.moderator,
      options: [option.channel("channel", PAPERS_CHANNEL), option.string("topic", "retrieval")],
    });
    const card = await command(t, { name: "review", ...as.moderator });
    const since = t.harness.requests.length;
    await send(
      t,
      modalSubmit({
        customId: "review-approve:2406.50001",
        message: card.message(),
        fields: { topics: "retrieval", note: "" },
        ...as.moderator,
      }),
    );
    const post = await t.harness.waitForRequest({ method: "POST", path: `/channels/${PAPERS_CHANNEL}/messages` }, { since });
    const embeds: [string, APIEmbed | undefined][] = [["alert post", (post.body as { embeds?: APIEmbed[] }).embeds?.[0]]];
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
    // Our own Markdown is not escaped: the note stays italic.
    expect(embeds[0]?.[1]?.description).toMatch(/^\*The authors' abstract \(no summary written yet\)\.\*\n/);
  });
});
