import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { followStore } from "../../src/db/follows.js";
import { migrate, MIGRATIONS } from "../../src/db/migrations.js";

const NOW = new Date("2026-12-07T12:00:00Z");

describe("follow store: followed keywords keep the form the person typed", () => {
  it("a keyword followed before the display column shows its key; one followed after keeps its case beside the key", () => {
    const db = openDatabase(":memory:");
    try {
      const index = MIGRATIONS.findIndex((migration) => migration.name.startsWith("followed keywords keep the form"));
      expect(index).toBeGreaterThan(0);
      migrate(db, MIGRATIONS.slice(0, index));
      db.prepare("INSERT INTO user_follows (user_id, locale, created_at) VALUES ('u1', 'ja', '2026-11-01T00:00:00Z')").run();
      db.prepare("INSERT INTO user_topics (user_id, topic, created_at) VALUES ('u1', 'llmエージェント', '2026-11-01T00:00:00Z')").run();
      migrate(db, MIGRATIONS);
      const store = followStore(db);
      expect(store.get("u1")?.topics).toEqual([{ topic: "llmエージェント", createdAt: "2026-11-01T00:00:00Z" }]);

      expect(store.follow("u2", "ja", "llmエージェント", NOW, "LLMエージェント")).toEqual({ created: true, topic: "added" });
      expect(store.follow("u2", "ja", "retrieval", NOW, "retrieval")).toEqual({ created: false, topic: "added" });
      expect(store.get("u2")?.topics).toEqual([
        { topic: "llmエージェント", createdAt: NOW.toISOString(), display: "LLMエージェント" },
        { topic: "retrieval", createdAt: NOW.toISOString() },
      ]);
      // Alerts still find the follower by the normalised key.
      expect(store.followersOfTopic("llmエージェント").sort()).toEqual(["u1", "u2"]);
    } finally {
      db.close();
    }
  });
});
