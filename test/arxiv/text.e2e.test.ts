/**
 * arXiv text is made safe where it enters (feed items, API entries, the approve path), so every output (digest embeds,
 * web pages, alerts) shows it without bidi overrides or isolates (issue 20).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { candidateStore } from "../../src/db/candidates.js";
import { startTestBot, type TestBot } from "../support/bot.js";
import { option } from "../support/interactions.js";
import { as, command, modalSubmit, send } from "../support/moderation.js";
import { bidiCandidate } from "../support/candidates.js";

/** U+202E (right-to-left override) and U+2067 (right-to-left isolate), with their closers. */
const TITLE = "Retrieval \u202Eevil\u202C heads \u2067reordered\u2069 for long context";
const SAFE_TITLE = "Retrieval evil heads reordered for long context";
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const PAPERS_CHANNEL = "1200000000000000011";

describe("an approved candidate stored with bidi controls", () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60", PUBLIC_URL: "https://paperbot.example" } });
  });
  afterEach(async () => {
    await t?.close();
  });

  it("reaches the alert posted to a channel without them (the list, digest and web page: text.test.ts)", async () => {
    // As a candidate stored before feed text was filtered: the approve path makes it safe on its way into the list.
    const candidate = bidiCandidate(TITLE);
    candidateStore(t.bot.app.db).insert(candidate, new Date());
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

    const paper = t.bot.ctx.catalog.papers.find((entry) => entry.arxivId === "2406.50001");
    expect(paper?.title).toBe(SAFE_TITLE);
    expect(JSON.stringify(paper)).not.toMatch(BIDI);

    const alert = await t.harness.waitForRequest({ method: "POST", path: `/channels/${PAPERS_CHANNEL}/messages` }, { since });
    expect(JSON.stringify(alert.body)).toContain(SAFE_TITLE);
    expect(JSON.stringify(alert.body)).not.toMatch(BIDI);
  });
});
