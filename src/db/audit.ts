import type { Db } from "./connection.js";

/** What moderators (and the operator's CLI) can do; each one is one audit row. */
export const AUDIT_ACTIONS = [
  "channel.follow",
  "channel.unfollow",
  "paper.add",
  "paper.edit",
  "paper.remove",
  "candidate.approve",
  "candidate.reject",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: string; name: string };
  action: AuditAction;
  target: string;
  before: unknown;
  after: unknown;
}

interface AuditRow {
  id: number;
  at: string;
  actor_id: string;
  actor_name: string;
  action: AuditAction;
  target: string;
  before_json: string | null;
  after_json: string | null;
}

export function auditLog(db: Db) {
  const statements = {
    insert: db.prepare<[string, string, string, string, string, string | null, string | null]>(
      "INSERT INTO audit_log (at, actor_id, actor_name, action, target, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ),
    latest: db.prepare<[number], AuditRow>("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?"),
  };
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  return {
    /** Call inside the transaction that makes the change, so the log and the change commit together. */
    record(
      entry: { actor: { id: string; name: string }; action: AuditAction; target: string; before?: unknown; after?: unknown },
      now: Date,
    ): void {
      statements.insert.run(
        now.toISOString(),
        entry.actor.id,
        entry.actor.name,
        entry.action,
        entry.target,
        json(entry.before),
        json(entry.after),
      );
    },
    /** Newest first. */
    latest(limit: number): AuditEntry[] {
      return statements.latest.all(limit).map((row) => ({
        id: row.id,
        at: row.at,
        actor: { id: row.actor_id, name: row.actor_name },
        action: row.action,
        target: row.target,
        before: row.before_json === null ? null : (JSON.parse(row.before_json) as unknown),
        after: row.after_json === null ? null : (JSON.parse(row.after_json) as unknown),
      }));
    },
  };
}

export type AuditLog = ReturnType<typeof auditLog>;
