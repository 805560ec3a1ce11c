import { it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { parseArxivFeed } from "../src/arxiv/parse.js";
import { CanonIndex } from "../src/arxiv/score.js";
import { createTestApp } from "./support/app.js";
import { TOPICS } from "../src/catalog/schema.js";
import { t } from "../src/i18n/index.js";
it("x", async () => {
  const app = createTestApp();
  const labels = Object.fromEntries(TOPICS.map((tp) => [tp, t("en", `topic.${tp}`)])) as never;
  const index = new CanonIndex(app.catalog.papers, labels, ["reasoning"]);
  const dir = "/work/shared/fixtures/real/arxiv-rss/";
  const seen = new Map();
  for (const f of readdirSync(dir)) for (const item of (await parseArxivFeed(readFileSync(dir + f, "utf8"))).items) seen.set(item.arxivId, item);
  const rows = [...seen.values()].map((item) => ({ item, s: index.score(item) })).sort((a, b) => b.s.canon - a.s.canon);
  for (const [i, r] of rows.entries()) console.log(i, r.s.canon.toFixed(3), r.item.announceType.padEnd(13), r.item.title.slice(0, 90), "|", r.s.reasons.papers.join(","), "|", r.s.reasons.topics.join(","));
});
