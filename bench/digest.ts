import { performance } from "node:perf_hooks";
import { TOPICS } from "../src/catalog/schema.js";
import type { Locale } from "../src/i18n/index.js";
import { createForYouPlanner, type DigestCandidate, type Edition, type EditionPaper } from "../src/digest/content.js";
import { renderDigestMessages } from "../src/digest/render.js";
import { openDatabase } from "../src/db/connection.js";
import { digestStore } from "../src/db/digest.js";
import { followStore } from "../src/db/follows.js";
import { migrate } from "../src/db/migrations.js";
import { databaseSources } from "../src/digest/sources.js";

/** A deterministic generator, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const KEYWORDS = Array.from({ length: 60 }, (_, index) => `keyword${index}`);

function syntheticEdition(papers: number, next: () => number): Edition {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const paperList: EditionPaper[] = Array.from({ length: papers }, (_, index) => ({
    id: `paper-${index}`,
    title: `Paper ${index} on ${pick(KEYWORDS)} and ${pick(KEYWORDS)} for language models`,
    titleJa: `論文 ${index}`,
    url: `https://arxiv.org/abs/2611.${String(index).padStart(5, "0")}`,
    topics: [pick(TOPICS), pick(TOPICS)],
    summary: {
      en: `We study ${pick(KEYWORDS)} in large language models. More text follows here.`,
      ja: `大規模言語モデルにおける ${pick(KEYWORDS)} を調べる。`,
    },
  }));
  const candidates: DigestCandidate[] = Array.from({ length: 5 }, (_, index) => ({
    arxivId: `2611.9${String(index).padStart(4, "0")}`,
    title: `Candidate ${index} about ${pick(KEYWORDS)}`,
    url: `https://arxiv.org/abs/2611.9${String(index).padStart(4, "0")}`,
    score: 0.9 - index / 10,
    topics: [pick(TOPICS)],
    excerpt: "An abstract.",
  }));
  return {
    week: "2026-W48",
    start: "2026-11-23T00:00:00.000Z",
    end: "2026-11-30T00:00:00.000Z",
    papers: paperList,
    candidates,
    picks: paperList.slice(0, 1),
  };
}

/** Followers with 0 to 4 topics, catalog topics more often than keywords. */
function syntheticFollowers(count: number, next: () => number): { locale: Locale; topics: string[] }[] {
  return Array.from({ length: count }, () => {
    const topics = new Set<string>();
    const wanted = Math.floor(next() * 5);
    while (topics.size < wanted)
      topics.add(
        next() < 0.7
          ? (TOPICS[Math.floor(next() * TOPICS.length)] ?? "retrieval")
          : (KEYWORDS[Math.floor(next() * KEYWORDS.length)] ?? "keyword0"),
      );
    return { locale: next() < 0.3 ? "ja" : "en", topics: [...topics] };
  });
}

/** Decides every follower's content (edition plus "for your topics", as ids); returns the number of assignments. */
function fanout(edition: Edition, followers: readonly { topics: string[] }[]): number {
  const planner = createForYouPlanner(edition);
  let assigned = 0;
  for (const follower of followers) {
    const forYou = planner(follower.topics);
    assigned += forYou ? forYou.papers.length + forYou.candidates.length : 0;
  }
  return assigned;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function benchDigest(log: (line: string) => void) {
  const next = random(11);
  const edition = syntheticEdition(1000, next);
  const result: Record<string, number> = { papers: edition.papers.length };
  for (const count of [10_000, 100_000]) {
    const followers = syntheticFollowers(count, next);
    fanout(edition, followers.slice(0, 1000)); // warm-up
    const times: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const start = performance.now();
      fanout(edition, followers);
      times.push(performance.now() - start);
    }
    result[`fanout_ms_${count / 1000}k`] = Math.round(median(times) * 10) / 10;
    log(`digest: fanout for ${count} followers: ${result[`fanout_ms_${count / 1000}k`]} ms (median of 5)`);
  }
  // The same decision starting from the database: followers and their topics read through DigestSources.readers().
  for (const count of [10_000, 100_000]) {
    const db = openDatabase(":memory:");
    migrate(db);
    const follows = followStore(db);
    const since = new Date("2026-11-01T00:00:00Z");
    db.transaction(() => {
      syntheticFollowers(count, next).forEach((follower, index) => {
        const userId = String(1_000_000_000_000_000_000n + BigInt(index));
        follows.follow(userId, follower.locale, follower.topics[0], since);
        for (const topic of follower.topics.slice(1)) follows.follow(userId, follower.locale, topic, since);
      });
    })();
    const sources = databaseSources(digestStore(db), () => []);
    const times: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const start = performance.now();
      fanout(edition, sources.readers());
      times.push(performance.now() - start);
    }
    db.close();
    result[`fanout_with_db_ms_${count / 1000}k`] = Math.round(median(times) * 10) / 10;
    log(`digest: fanout for ${count} followers read from SQLite: ${result[`fanout_with_db_ms_${count / 1000}k`]} ms (median of 3)`);
  }
  result["fanout_ratio_100k_over_10k"] =
    Math.round(((result["fanout_ms_100k"] ?? 0) / Math.max(0.001, result["fanout_ms_10k"] ?? 1)) * 100) / 100;

  const sample = syntheticFollowers(1000, next);
  const planner = createForYouPlanner(edition);
  const links = { web: "https://paperbot.example/digest/2026-W48", list: "https://paperbot.example/" };
  let messages = 0;
  const start = performance.now();
  for (const follower of sample)
    messages += renderDigestMessages(edition, { locale: follower.locale, forYou: planner(follower.topics) }, links).length;
  const elapsed = performance.now() - start;
  result["render_ms_per_destination"] = Math.round((elapsed / sample.length) * 1000) / 1000;
  result["messages_per_destination"] = Math.round((messages / sample.length) * 10) / 10;
  return result;
}
