/** The digest tables' rows and the values the digest store reads them into (src/db/digest.ts). */
export type DeliveryKind = "channel" | "user";
export type DeliveryStatus = "sending" | "sent" | "partial" | "failed" | "skipped";

export interface GuildDigestSettings {
  guildId: string;
  channelId: string;
  weekday: number;
  time: string;
  timeZone: string;
  locale: string;
  enabled: boolean;
  /** Why the guild's own digest channel is paused (a deleted channel, a missing permission), if it is. */
  pausedReason: string | null;
  pausedAt: string | null;
  updatedBy: string;
  updatedAt: string;
  /** First /digest set: publications before it are not owed to the guild. */
  createdAt: string;
  /** The last edition the guild's digest channel got (any channel it was set to): never posted to the server twice. */
  lastEdition: string | null;
}

/** A destination that failed for good (deleted channel, missing permission) and waits for a moderator. */
export interface DestinationPause {
  kind: DeliveryKind;
  targetId: string;
  guildId: string | null;
  reason: string;
  pausedAt: string;
}

export interface Delivery {
  week: string;
  kind: DeliveryKind;
  targetId: string;
  guildId: string | null;
  status: DeliveryStatus;
  runId: number | null;
  messagesTotal: number;
  messagesSent: number;
  reason: string | null;
  /** A failure before anything went out that a later run may retry (5xx, or after a moderator's fix). */
  retryable: boolean;
  updatedAt: string;
}

export interface DigestRun {
  id: number;
  week: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  outcome: "finished" | "interrupted" | null;
  total: number;
  sent: number;
  failed: number;
}

export interface GuildRow {
  guild_id: string;
  channel_id: string;
  weekday: number;
  time: string;
  time_zone: string;
  locale: string;
  enabled: number;
  paused_reason: string | null;
  paused_at: string | null;
  updated_by: string;
  updated_at: string;
  created_at: string | null;
  last_edition: string | null;
}

export interface DeliveryRow {
  week: string;
  kind: DeliveryKind;
  target_id: string;
  guild_id: string | null;
  status: DeliveryStatus;
  run_id: number | null;
  messages_total: number;
  messages_sent: number;
  reason: string | null;
  retryable: number;
  updated_at: string;
}

export interface RunRow {
  id: number;
  week: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  outcome: "finished" | "interrupted" | null;
  total: number;
  sent: number;
  failed: number;
}

export const toGuild = (row: GuildRow): GuildDigestSettings => ({
  guildId: row.guild_id,
  channelId: row.channel_id,
  weekday: row.weekday,
  time: row.time,
  timeZone: row.time_zone,
  locale: row.locale,
  enabled: row.enabled === 1,
  pausedReason: row.paused_reason,
  pausedAt: row.paused_at,
  updatedBy: row.updated_by,
  updatedAt: row.updated_at,
  createdAt: row.created_at ?? row.updated_at,
  lastEdition: row.last_edition,
});

export const toDelivery = (row: DeliveryRow): Delivery => ({
  week: row.week,
  kind: row.kind,
  targetId: row.target_id,
  guildId: row.guild_id,
  status: row.status,
  runId: row.run_id,
  messagesTotal: row.messages_total,
  messagesSent: row.messages_sent,
  reason: row.reason,
  retryable: row.retryable === 1,
  updatedAt: row.updated_at,
});

export const toRun = (row: RunRow): DigestRun => ({
  id: row.id,
  week: row.week,
  startedAt: row.started_at,
  heartbeatAt: row.heartbeat_at,
  finishedAt: row.finished_at,
  outcome: row.outcome,
  total: row.total,
  sent: row.sent,
  failed: row.failed,
});

export interface PauseRow {
  kind: DeliveryKind;
  target_id: string;
  guild_id: string | null;
  reason: string;
  paused_at: string;
}

export const toPause = (row: PauseRow): DestinationPause => ({
  kind: row.kind,
  targetId: row.target_id,
  guildId: row.guild_id,
  reason: row.reason,
  pausedAt: row.paused_at,
});
