// QA on issue 8: ARXIV_CATEGORIES=cs.LG,cs.LG was accepted and the same feed fetched twice per run.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { configProblems } from "./support/app.js";

describe("ARXIV_CATEGORIES listing a feed twice", () => {
  it("is refused, naming the repeated entries, together with the other problems", () => {
    const problems = configProblems({
      ARXIV_CATEGORIES: "cs.LG, cs.CL , cs.LG,cs.lg, cs.AI+cs.CL,cs.CL+cs.AI,stat.ML+stat.ML",
      HTTP_PORT: "x",
    });
    expect(problems.map((problem) => problem.split(" ")[0])).toEqual(["HTTP_PORT", "ARXIV_CATEGORIES"]);
    expect(problems[1]).toMatch(/lists a feed more than once: cs\.LG, cs\.lg, cs\.CL\+cs\.AI, stat\.ML\+stat\.ML \(give each feed once\)$/);
  });

  it("still takes distinct feeds, including a category also joined into another feed", () => {
    const feeds = parseConfig({ ARXIV_CATEGORIES: "cs.CL,cs.CL+cs.LG,cs.LG,cs.AI" }).arxiv.feeds.map((feed) => feed.entry);
    expect(feeds).toEqual(["cs.CL", "cs.CL+cs.LG", "cs.LG", "cs.AI"]);
  });
});
