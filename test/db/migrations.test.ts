import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { latestSchemaVersion, migrate, MIGRATIONS, schemaVersion } from "../../src/db/migrations.js";

describe("migrations", () => {
  it("are numbered 1..n in order", () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  for (const migration of MIGRATIONS) {
    it(`${migration.version}: ${migration.name} applies on :memory: after the ones before it`, () => {
      const db = openDatabase(":memory:");
      migrate(db, MIGRATIONS.slice(0, migration.version - 1));
      expect(schemaVersion(db)).toBe(migration.version - 1);
      expect(migrate(db, MIGRATIONS.slice(0, migration.version))).toEqual([migration.version]);
      expect(schemaVersion(db)).toBe(migration.version);
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.pragma("foreign_key_check")).toEqual([]);
      db.close();
    });
  }

  it("8 drops the organisation and key results invented for moderator-added papers, and only those", () => {
    const db = openDatabase(":memory:");
    migrate(db, MIGRATIONS.slice(0, 7));
    const insert = db.prepare(
      "INSERT INTO papers (id, arxiv_id, source, position, content_hash, data_json, added_at, updated_at) VALUES (?, ?, ?, ?, 'h', ?, 't', 't')",
    );
    const entry = (organisation: string) => ({
      id: "x",
      title: "T",
      organisation,
      year: 2024,
      keyResults: { en: ["First sentence."], ja: ["First sentence."] },
      summary: { en: "S", ja: "S" },
    });
    insert.run("added", "2401.00001", "moderator", 1, JSON.stringify({ ...entry("arXiv cs.CL"), id: "added" }));
    insert.run("curated", "2401.00002", "catalog", 0, JSON.stringify({ ...entry("Google Brain"), id: "curated" }));
    const key = db.prepare("INSERT INTO paper_lookup_keys (key, seq) SELECT ?, seq FROM papers WHERE id = ?");
    key.run("added", "added");
    key.run("curated", "curated");
    migrate(db, MIGRATIONS.slice(0, 8));
    // The added paper's keys are gone, so the next catalog sync re-indexes it from the cleaned data.
    expect(db.prepare("SELECT key FROM paper_lookup_keys ORDER BY key").all()).toEqual([{ key: "curated" }]);
    const data = (id: string) =>
      JSON.parse((db.prepare("SELECT data_json FROM papers WHERE id = ?").get(id) as { data_json: string }).data_json) as Record<
        string,
        unknown
      >;
    expect(data("added")).toEqual({ id: "added", title: "T", year: 2024, keyResults: { en: [], ja: [] }, summary: { en: "S", ja: "S" } });
    expect(data("curated")).toEqual({ ...entry("Google Brain"), id: "curated" });
    db.close();
  });

  it("pauses per destination: a legacy guild-wide pause moves to the channel its reason names; each guild's last edition is set", () => {
    const db = openDatabase(":memory:");
    const index = MIGRATIONS.findIndex((migration) => migration.name.startsWith("weekly digest: pauses per destination"));
    migrate(db, MIGRATIONS.slice(0, index));
    const guild = db.prepare(
      "INSERT INTO digest_guilds (guild_id, channel_id, weekday, time, time_zone, enabled, paused_reason, paused_at, updated_by, updated_at) VALUES (?, ?, 1, '09:00', 'UTC', 1, ?, ?, ?, '2026-11-01T00:00:00Z')",
    );
    guild.run("g1", "11", "<#12>: 404 10003 Unknown Channel", "2026-11-30T11:00:00Z", "mod");
    guild.run("g2", "21", "403 50013 Missing Permissions", "2026-11-30T11:00:00Z", "mod");
    guild.run("g3", "31", "<#31>: 404 10003 Unknown Channel", "2026-11-30T11:00:00Z", "paperbot"); // written by the old pause for a /follow channel
    db.prepare(
      "INSERT INTO digest_deliveries (week, kind, target_id, guild_id, status, updated_at) VALUES ('2026-W48', 'channel', '11', 'g1', 'sent', 't')",
    ).run();
    migrate(db, MIGRATIONS.slice(0, index + 1));
    expect(db.prepare("SELECT kind, target_id, guild_id, reason FROM digest_pauses ORDER BY target_id").all()).toEqual([
      { kind: "channel", target_id: "12", guild_id: "g1", reason: "<#12>: 404 10003 Unknown Channel" },
      { kind: "channel", target_id: "21", guild_id: "g2", reason: "403 50013 Missing Permissions" },
      { kind: "channel", target_id: "31", guild_id: "g3", reason: "<#31>: 404 10003 Unknown Channel" },
    ]);
    expect(db.prepare("SELECT guild_id, paused_reason, last_edition, created_at FROM digest_guilds ORDER BY guild_id").all()).toEqual([
      { guild_id: "g1", paused_reason: null, last_edition: "2026-W48", created_at: "2026-11-01T00:00:00Z" },
      { guild_id: "g2", paused_reason: null, last_edition: null, created_at: "2026-11-01T00:00:00Z" },
    ]);
    db.close();
  });

  it("is idempotent and leaves the connection configured", () => {
    const db = openDatabase(":memory:");
    expect(migrate(db)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(migrate(db)).toEqual([]);
    expect(schemaVersion(db)).toBe(latestSchemaVersion());
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    db.close();
  });

  it("refuses a database from a newer paperbot", () => {
    const db = openDatabase(":memory:");
    db.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this paperbot/);
    db.close();
  });

  it("rolls back a failing migration completely", () => {
    const db = openDatabase(":memory:");
    const broken = [
      ...MIGRATIONS,
      { version: latestSchemaVersion() + 1, name: "broken", sql: "CREATE TABLE half (id INTEGER); SELECT * FROM missing;" },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(latestSchemaVersion());
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });
});
