/** An approved watch candidate gets the year its arXiv id says (as /paper-add would give), not the day the watch saw it. */
import { describe, expect, it } from "vitest";
import { parseArxivAtom } from "../../src/arxiv/api.js";
import { arxivIdMonth } from "../../src/catalog/arxiv-id.js";
import { candidateStore } from "../../src/db/candidates.js";
import { apiCapture, CAPTURES } from "../support/arxiv-api-server.js";
import { embedsOf, textOf, useDirect, who } from "../support/direct.js";

describe("the year of an approved candidate", () => {
  it("comes from the id: new-style YYMM, old-style archive/YYMMNNN", () => {
    expect(arxivIdMonth("1905.00001")).toBe("2019-05");
    expect(arxivIdMonth("2412.12345")).toBe("2024-12");
    expect(arxivIdMonth("hep-th/9711200")).toBe("1997-11");
    expect(arxivIdMonth("math.AG/0601001")).toBe("2006-01");
    expect(arxivIdMonth("2413.00001")).toBeNull();
    expect(arxivIdMonth("not-an-id")).toBeNull();
  });

  it("is the month arXiv's API gives as published (what /paper-add uses), or the next one after a month's last cut-off", async () => {
    const checked: string[] = [];
    for (const [id, file] of Object.entries(CAPTURES)) {
      const parsed = await parseArxivAtom(apiCapture(file));
      if (parsed?.kind !== "records" || !parsed.records[0]) continue;
      const published = new Date(parsed.records[0].published);
      const next = new Date(Date.UTC(published.getUTCFullYear(), published.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
      expect([published.toISOString().slice(0, 7), next], id).toContain(arxivIdMonth(id));
      checked.push(id);
    }
    // 1601.00001 was submitted on 31 Dec 2015 after the last cut-off: its id (and so its listed year) says 2016.
    expect(checked).toEqual(expect.arrayContaining(["1706.03762", "1207.7214", "hep-th/9711200", "1601.00001"]));
  });

  describe("through /review and the CLI", () => {
    it("a candidate submitted in 2019 and seen by the watch in 2026 is listed as 2019", async () => {
      const direct = useDirect({ env: { BUNDLE_REBUILD_DELAY_SECONDS: "60" } });
      candidateStore(direct.app.db).insert(
        {
          arxivId: "1905.00001",
          version: 1,
          title: "An old retrieval paper",
          authors: ["A"],
          categories: ["cs.CL"],
          abstract: "About retrieval.",
          license: null,
          canonScore: 0.9,
          bonus: 0,
          score: 0.9,
          reasons: { papers: [], topics: ["retrieval"] },
        },
        new Date("2026-11-30T00:00:00Z"),
      );
      const approved = await direct.submit("review-approve:1905.00001", { topics: "retrieval", note: "" }, who.moderator);
      expect(textOf(approved)).toMatch(/^Approved:/);
      const paper = direct.ctx.catalog.papers.find((entry) => entry.arxivId === "1905.00001");
      expect(paper?.year).toBe(2019);
      const shown = await direct.run("paper", { query: "1905.00001" });
      expect(embedsOf(shown)[0]?.fields).toContainEqual(expect.objectContaining({ name: "Year", value: expect.stringMatching(/^2019/) }));
    });
  });
});
