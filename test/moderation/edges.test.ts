/** Small things moderators meet: forged confirm buttons, papers far from the LLM list, over-long form fields (handlers driven directly). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { candidateStore } from "../../src/db/candidates.js";
import { apiEntry, startArxivApiServer, type ArxivApiServer } from "../support/arxiv-api-server.js";
import { embedsOf, rowsOf, textOf, useDirect, who, type Direct } from "../support/direct.js";

describe("moderation's small edges", () => {
  let arxiv: ArxivApiServer;
  let direct: Direct;
  beforeEach(async () => {
    arxiv = await startArxivApiServer();
    direct = useDirect({ env: { ARXIV_API_URL: arxiv.url, ARXIV_REQUEST_INTERVAL_MS: "0", BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
  });
  afterEach(async () => {
    await arxiv?.close();
  });

  it("a confirm button with a topic position that is no topic is refused; nothing is added and arXiv is not asked", async () => {
    const size = direct.ctx.catalog.size;
    const asked = arxiv.requests.length;
    for (const customId of ["paper-add:yes:1207.7214:999", "paper-add:yes:1207.7214:", "paper-add:yes:1207.7214:1+x"]) {
      expect(textOf(await direct.press(customId, who.moderator)), customId).toBe("These buttons have expired. Run the command again.");
    }
    expect(direct.ctx.catalog.size).toBe(size);
    expect(arxiv.requests).toHaveLength(asked);
  });

  it("the preview of a paper outside CS and statistics says so, in en and ja", async () => {
    const higgs = await direct.run("paper-add", { arxiv: "1207.7214" }, who.moderator);
    expect(textOf(higgs)).toMatch(
      /Topics: Foundations \(guessed; pass `topics:` to choose\)\..* Its arXiv categories \(hep-ex\) are outside computer science and statistics: check that it belongs on the LLM reading list\.$/,
    );
    const ja = await direct.run("paper-add", { arxiv: "1601.00001" }, { ...who.moderator, locale: "ja" });
    expect(textOf(ja)).toMatch(/arXiv のカテゴリ \(cond-mat[^)]*\) はコンピューター科学・統計の外です。/);
  });

  it("a full-width arXiv id (what a Japanese IME types) is read as the ASCII id", async () => {
    const fullWidth = await direct.run("paper-add", { arxiv: "１２０７．７２１４" }, { ...who.moderator, locale: "ja" });
    expect(embedsOf(fullWidth)[0]?.footer?.text).toMatch(/^arXiv:1207\.7214v\d+$/);
  });

  it("a review note over the form's 500 characters is refused (a forged submission skips Discord's limit)", async () => {
    candidateStore(direct.app.db).insert(
      {
        arxivId: "2406.70001",
        version: 1,
        title: "A candidate",
        authors: ["A"],
        categories: ["cs.CL"],
        abstract: "About retrieval.",
        license: null,
        canonScore: 0.9,
        bonus: 0,
        score: 0.9,
        reasons: { papers: [], topics: ["retrieval"] },
      },
      new Date(),
    );
    const refused = await direct.submit("review-approve:2406.70001", { topics: "retrieval", note: "n".repeat(3000) }, who.moderator);
    expect(textOf(refused)).toBe(
      "“Note for the audit log (optional)” is longer than 500 characters. Shorten it and try again. Nothing was changed.",
    );
    expect(candidateStore(direct.app.db).get("2406.70001")?.status).toBe("undecided");
    expect(direct.ctx.moderation.audit.latest(1)).toEqual([]);
  });

  it("a paper arXiv dates outside 1990-2100 is refused with the reason at preview and at Confirm, in en and ja", async () => {
    const size = direct.ctx.catalog.size;
    const atom = {
      status: 200,
      headers: { "content-type": "application/atom+xml" },
      body: apiEntry("2406.00077", "A paper from the future", { published: "2107-03-01T00:00:00Z" }),
    };
    arxiv.queue.push(atom, atom, atom);
    const preview = await direct.run("paper-add", { arxiv: "2406.00077" }, who.moderator);
    expect(textOf(preview)).toBe(
      "arXiv gives 2406.00077 the date 2107-03-01, outside the years the reading list takes (1990–2100). Nothing was added.",
    );
    expect(rowsOf(preview)).toEqual([]);
    const ja = await direct.run("paper-add", { arxiv: "2406.00077" }, { ...who.moderator, locale: "ja" });
    expect(textOf(ja)).toBe(
      "arXiv が返した 2406.00077 の日付 (2107-03-01) は、リストが受け付ける年 (1990〜2100 年) の範囲外です。何も追加していません。",
    );
    // A Confirm button from before (or forged) asks arXiv again and is refused the same way, not "Something went wrong".
    const confirmed = await direct.press("paper-add:yes:2406.00077:0", who.moderator);
    expect(textOf(confirmed)).toBe(
      "arXiv gives 2406.00077 the date 2107-03-01, outside the years the reading list takes (1990–2100). Nothing was added.",
    );
    expect(direct.ctx.catalog.size).toBe(size);
    expect(direct.logs.records.filter((record) => record["level"] === "error")).toEqual([]);
  });
});
