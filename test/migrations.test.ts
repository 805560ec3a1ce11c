import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/connection.js";
import { latestSchemaVersion, migrate, MIGRATIONS, schemaVersion } from "../src/db/migrations.js";

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
    const broken = [...MIGRATIONS, { version: latestSchemaVersion() + 1, name: "broken", sql: "CREATE TABLE half (id INTEGER); SELECT * FROM missing;" }];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(latestSchemaVersion());
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });
});
