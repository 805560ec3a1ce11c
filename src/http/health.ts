import { z } from "zod";

/** "locked": another process holds the write lock, so follows would be refused with "busy, try again". */
export const DATABASE_STATES = ["ok", "locked", "error"] as const;
export const DISCORD_STATES = ["ready", "connecting", "disconnected", "disabled"] as const;
export type DatabaseHealth = (typeof DATABASE_STATES)[number];
export type DiscordHealth = (typeof DISCORD_STATES)[number];

/** What the bot reports about itself; extra JSON-serialisable fields are passed through to /healthz. */
export interface HealthSnapshot {
  database: DatabaseHealth;
  discord: DiscordHealth;
  [key: string]: unknown;
}

export const healthSnapshotSchema = z.looseObject({
  database: z.enum(DATABASE_STATES),
  discord: z.enum(DISCORD_STATES),
});

export interface HealthBody {
  status: "ok" | "degraded";
  database: DatabaseHealth;
  discord: DiscordHealth;
  bundle: { sha256: string; paperCount: number; builtAt: string } | null;
  [key: string]: unknown;
}
