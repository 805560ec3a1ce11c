import { describe, expect, it } from "vitest";
import { loadCatalogFile } from "../../src/catalog/load.js";
import { searchDocument } from "../../src/catalog/search-document.js";
import { syncCatalog } from "../../src/catalog/sync.js";
import { openDatabase } from "../../src/db/connection.js";
import { migrate } from "../../src/db/migrations.js";
import { paperStore } from "../../src/db/papers.js";
import { catalogPath } from "../support/app.js";

const entries = loadCatalogFile(catalogPath);

function freshDb() {
  const db = openDatabase(":memory:");
  migrate(db);
  return db;
}

describe("catalog sync", () => {
  it("inserts everything once, then touches nothing", () => {
    const db = freshDb();
    const first = syncCatalog(db, entries, new Date("2026-01-01T00:00:00Z"));
    expect(first.inserted).toHaveLength(entries.length);
    const before = db.prepare("SELECT id, updated_at FROM papers ORDER BY id").all();
    const second = syncCatalog(db, entries, new Date("2026-02-01T00:00:00Z"));
    expect(second).toEqual({ inserted: [], updated: [], unchanged: entries.length, removed: [], skipped: [] });
    expect(db.prepare("SELECT id, updated_at FROM papers ORDER BY id").all()).toEqual(before);
    expect(db.prepare("SELECT count(*) AS n FROM paper_search").get()).toEqual({ n: entries.length });
  });

  it("updates a changed entry and its search index, and removes dropped catalog entries", () => {
    const db = freshDb();
    syncCatalog(db, entries, new Date("2026-01-01T00:00:00Z"));
    const changed = entries
      .filter((entry) => entry.id !== "gpt-2")
      .map((entry) => (entry.id === "lora" ? { ...entry, aliases: [...entry.aliases, "zzlowrankzz"] } : entry));
    const report = syncCatalog(db, changed, new Date("2026-02-01T00:00:00Z"));
    expect(report.updated).toEqual(["lora"]);
    expect(report.removed).toEqual(["gpt-2"]);
    expect(db.prepare("SELECT count(*) AS n FROM paper_search WHERE paper_search MATCH 'zzlowrankzz'").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM paper_search").get()).toEqual({ n: entries.length - 1 });
    expect(paperStore(db).get("lora")?.addedAt).toBe("2026-01-01T00:00:00.000Z");
  });

  it("never overwrites or deletes a moderator-added paper", () => {
    const db = freshDb();
    const store = paperStore(db);
    const [first] = entries;
    if (!first) throw new Error("empty catalog");
    const moderated = {
      ...first,
      id: "my-paper",
      arxivId: "2501.00001",
      url: "https://arxiv.org/abs/2501.00001",
      pdfUrl: "https://arxiv.org/pdf/2501.00001",
    };
    store.insert(moderated, searchDocument(moderated), "moderator", 100_000, new Date("2026-01-01T00:00:00Z"));
    const clash = { ...first, id: "my-paper", title: "Catalog wants this id too" };
    const report = syncCatalog(db, [...entries, clash], new Date("2026-01-02T00:00:00Z"));
    expect(report.skipped).toEqual(["my-paper"]);
    expect(store.get("my-paper")?.title).toBe(first.title);
    expect(store.get("my-paper")?.source).toBe("moderator");
    syncCatalog(db, entries, new Date("2026-01-03T00:00:00Z"));
    expect(store.get("my-paper")).toBeDefined();
  });
});
