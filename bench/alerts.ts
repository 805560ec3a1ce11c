import { performance } from "node:perf_hooks";
import { TOPICS } from "../src/catalog/schema.js";
import type { Paper } from "../src/catalog/types.js";
import { openDatabase } from "../src/db/connection.js";
import { migrate } from "../src/db/migrations.js";
import { createLogger } from "../src/logger.js";
import { createAlerts } from "../src/moderation/alerts.js";

/** A small deterministic generator, so every run measures the same followers. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const KEYWORDS = Array.from({ length: 300 }, (_, index) => `keyword ${index}`).concat([
  "speculative decoding",
  "dense retrieval",
  "long context",
  "tool use",
]);

function seedFollowers(db: ReturnType<typeof openDatabase>, count: number, everyoneFollowsRetrieval: boolean): void {
  const next = random(count);
  const user = db.prepare("INSERT INTO user_follows (user_id, locale, created_at, dm_paused_at) VALUES (?, ?, ?, ?)");
  const topic = db.prepare("INSERT OR IGNORE INTO user_topics (user_id, topic, created_at) VALUES (?, ?, ?)");
  const channel = db.prepare(
    "INSERT INTO channel_follows (channel_id, guild_id, topic, created_by, created_at, role_id, locale) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (let index = 0; index < count; index += 1) {
      const id = String(1_300_000_000_000_000_000n + BigInt(index));
      user.run(id, next() < 0.3 ? "ja" : "en", "2026-01-01T00:00:00.000Z", next() < 0.02 ? "2026-02-01T00:00:00.000Z" : null);
      if (everyoneFollowsRetrieval) topic.run(id, "retrieval", "2026-01-01T00:00:00.000Z");
      const topics = 1 + Math.floor(next() * 3);
      for (let t = 0; t < topics; t += 1)
        topic.run(id, TOPICS[Math.floor(next() * TOPICS.length)] ?? "retrieval", "2026-01-01T00:00:00.000Z");
      if (next() < 0.1) topic.run(id, KEYWORDS[Math.floor(next() * KEYWORDS.length)] ?? "tool use", "2026-01-01T00:00:00.000Z");
    }
    for (let index = 0; index < count / 1000; index += 1) {
      channel.run(
        String(1_200_000_000_000_100_000n + BigInt(index)),
        "1200000000000000001",
        TOPICS[index % TOPICS.length] ?? "retrieval",
        "1",
        "2026-01-01T00:00:00.000Z",
        index % 2 ? "1200000000000000088" : null,
        "en",
      );
    }
  })();
}

function paper(index: number): Paper {
  return {
    id: `bench-paper-${index}`,
    arxivId: null,
    url: "https://example.org/paper",
    pdfUrl: null,
    title: "Dense retrieval agents with tool use",
    titleJa: "Dense retrieval agents with tool use",
    authors: ["A"],
    organisation: "arXiv",
    year: 2026,
    topics: ["retrieval", "agents"],
    aliases: [],
    keyResults: { en: ["x"], ja: ["x"] },
    summary: { en: "We study dense retrieval for agents that use tools over long context.", ja: "x" },
    position: 0,
    source: "moderator",
    addedAt: "2026-01-01T00:00:00.000Z",
  };
}

/** Median time to decide who gets one paper and record the intents (no sending), over three papers. */
function measure(count: number, log: (line: string) => void, everyoneMatches = false): { ms: number; intents: number } {
  const db = openDatabase(":memory:");
  migrate(db);
  seedFollowers(db, count, everyoneMatches);
  const alerts = createAlerts({
    db,
    clock: { now: () => new Date() },
    logger: createLogger("silent"),
    maxDelayMs: 86_400_000,
    paper: () => undefined,
    transport: null,
  });
  const times: number[] = [];
  let intents = 0;
  for (let run = 0; run < 3; run += 1) {
    const start = performance.now();
    const decided = alerts.fanout(paper(run));
    times.push(performance.now() - start);
    intents = decided.users + decided.channels;
  }
  db.close();
  const ms = Math.round(([...times].sort((a, b) => a - b)[1] ?? 0) * 10) / 10;
  log(`alerts: ${count} followers${everyoneMatches ? " (all matching)" : ""} → ${intents} intents in ${ms} ms`);
  return { ms, intents };
}

export function benchAlerts(log: (line: string) => void) {
  const small = measure(10_000, log);
  const large = measure(100_000, log);
  const worst = measure(100_000, log, true);
  return {
    fanout_ms: large.ms,
    followers: 100_000,
    intents: large.intents,
    fanout_ms_10k: small.ms,
    intents_10k: small.intents,
    /** 10× the followers: linear growth is about 10. */
    growth_10x: Math.round((large.ms / Math.max(small.ms, 0.1)) * 10) / 10,
    /** Every one of the 100,000 followers gets the paper. */
    fanout_ms_all_match: worst.ms,
    intents_all_match: worst.intents,
  };
}
