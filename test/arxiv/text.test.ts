/**
 * arXiv text is made safe where it enters (feed items, API entries, the approve path), so every output (digest embeds,
 * web pages, alerts) shows it without bidi overrides or isolates (issue 20). The alert post: text.e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parseArxivAtom } from "../../src/arxiv/api.js";
import { parseArxivFeed } from "../../src/arxiv/parse.js";
import { candidateStore } from "../../src/db/candidates.js";
import { buildEdition } from "../../src/digest/content.js";
import { previewDigest, digestSourcesFor } from "../../src/digest/service.js";
import { renderEditionPage } from "../../src/digest/web.js";
import { weekLabel } from "../../src/digest/week.js";
import type { Embed } from "../../src/shared/reply.js";
import { apiEntry } from "../support/arxiv-api-server.js";
import { useDirect, who } from "../support/direct.js";
import { bidiCandidate } from "../support/candidates.js";

/** U+202E (right-to-left override) and U+2067 (right-to-left isolate), with their closers. */
const TITLE = "Retrieval \u202Eevil\u202C heads \u2067reordered\u2069 for long context";
const SAFE_TITLE = "Retrieval evil heads reordered for long context";
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

const rss = (title: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs.CL</title>
<item><title>${title}</title><link>https://arxiv.org/abs/2406.50002</link><description>arXiv:2406.50002v1 Announce Type: new
Abstract: An abstract \u2067with an isolate\u2069.</description><guid isPermaLink="false">oai:arXiv.org:2406.50002v1</guid><category>cs.CL</category>
<arxiv:announce_type>new</arxiv:announce_type><dc:creator>Ada \u202ELovelace</dc:creator></item></channel></rss>`;

describe("arXiv text where it enters", () => {
  it("feed items lose bidi controls in title, abstract and authors", async () => {
    const [item] = (await parseArxivFeed(rss(TITLE))).items;
    expect(item?.title).toBe(SAFE_TITLE);
    expect(item?.abstract).toBe("An abstract with an isolate.");
    expect(item?.authors).toEqual(["Ada Lovelace"]);
  });

  it("API entries lose them too", async () => {
    const parsed = await parseArxivAtom(apiEntry("2406.50003", TITLE));
    expect(parsed?.kind === "records" ? parsed.records[0]?.title : null).toBe(SAFE_TITLE);
  });
});

describe("an approved candidate stored with bidi controls", () => {
  it("reaches the list, the digest embed and the digest web page without them", async () => {
    const direct = useDirect({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60", PUBLIC_URL: "https://paperbot.example" } });
    // As a candidate stored before feed text was filtered: the approve path makes it safe on its way into the list.
    const candidate = bidiCandidate(TITLE);
    candidateStore(direct.app.db).insert(candidate, new Date());
    await direct.run("review", {}, who.moderator);
    await direct.submit("review-approve:2406.50001", { topics: "retrieval", note: "" }, who.moderator);

    const paper = direct.ctx.catalog.papers.find((entry) => entry.arxivId === "2406.50001");
    expect(paper?.title).toBe(SAFE_TITLE);
    expect(JSON.stringify(paper)).not.toMatch(BIDI);

    const now = direct.app.clock.now();
    const preview = previewDigest(direct.app, { now, locale: "en", week: weekLabel(now) });
    const embeds = preview.messages.flatMap((message) => (message as { embeds?: Embed[] }).embeds ?? []);
    expect(JSON.stringify(embeds)).toContain(SAFE_TITLE);
    expect(JSON.stringify(embeds)).not.toMatch(BIDI);

    const page = renderEditionPage(buildEdition(weekLabel(now), digestSourcesFor(direct.app)), "https://paperbot.example");
    expect(page.body).toContain(SAFE_TITLE);
    expect(page.body).not.toMatch(BIDI);
  });
});
