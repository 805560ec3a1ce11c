import { randomBytes } from "node:crypto";
import type { Db } from "./connection.js";

export function settingsStore(db: Db) {
  const get = db.prepare<[string], { value: string }>("SELECT value FROM settings WHERE key = ?");
  const insert = db.prepare<[string, string]>("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING");
  const upsert = db.prepare<[string, string]>(
    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  return {
    get: (key: string): string | undefined => get.get(key)?.value,
    set: (key: string, value: string): void => void upsert.run(key, value),
    /** The stored value, or `create()`'s, stored once even if two processes race. Writes only when missing. */
    getOrCreate(key: string, create: () => string): string {
      const stored = get.get(key)?.value;
      if (stored !== undefined) return stored;
      insert.run(key, create());
      const value = get.get(key)?.value;
      if (value === undefined) throw new Error(`setting ${key} could not be stored`);
      return value;
    },
  };
}

export function bundleSecret(db: Db, configured: string | undefined): string {
  return configured ?? settingsStore(db).getOrCreate("bundle_secret", () => randomBytes(32).toString("base64url"));
}
