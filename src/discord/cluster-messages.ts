import type { MessageBody } from "../shared/reply.js";
import type { DmResult } from "./context.js";

/** Set by the cluster manager in every cluster's environment: this process answers commands only. */
export const CLUSTER_ENV = "PAPERBOT_CLUSTER";

/** A cluster tells the manager its shards are all connected. */
export interface ReadyNote {
  paperbot: "ready";
  guilds: number;
}

/** A cluster asks the manager (which owns the send rate limit) to send a command's DM. */
export interface DmRequest {
  paperbot: "dm";
  userId: string;
  body: MessageBody;
}

export interface DmReply {
  result: DmResult;
}

const DM_RESULTS = new Set<string>(["sent", "refused", "paused", "failed", "unavailable"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function isReadyNote(value: unknown): value is ReadyNote {
  return isRecord(value) && value["paperbot"] === "ready" && typeof value["guilds"] === "number";
}

export function isDmRequest(value: unknown): value is DmRequest {
  return isRecord(value) && value["paperbot"] === "dm" && typeof value["userId"] === "string" && isRecord(value["body"]);
}

/** The manager's answer as a DmResult; anything else (a manager gone, a garbled reply) is a failed send. */
export function dmResultOf(value: unknown): DmResult {
  const result = isRecord(value) ? value["result"] : undefined;
  return typeof result === "string" && DM_RESULTS.has(result) ? (result as DmResult) : "failed";
}
