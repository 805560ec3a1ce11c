import type { MessageBody } from "./reply.js";

/**
 * The one port features send messages through. The transport (src/discord/sender.ts) does the talking and turns its
 * errors into a `SendFailure` a feature can act on without knowing the transport's error codes.
 */

/** A guild channel, or a user's direct messages. */
export interface SendTarget {
  kind: "channel" | "user";
  id: string;
}

/**
 * - `transient`: the fault may pass (5xx after the transport's retries, 429, network, timeout): try again later.
 * - `refused`: the user does not take DMs from us (or is unknown).
 * - `gone`: the channel is unknown or closed to us (no access, no permission).
 * - `failed`: every other lasting refusal of this message (a malformed request): don't retry it, the destination stays.
 */
export type SendOutcome = "transient" | "refused" | "gone" | "failed";

export interface SendFailure {
  outcome: SendOutcome;
  /** One line for logs and the delivery record, e.g. "403 50007 Cannot send messages to this user". */
  reason: string;
  /** The transport's error code (Discord's JSON code), when it gave one. */
  code: number | string | null;
  /** The HTTP status, when there was an answer. */
  status: number | null;
  /** The original error, for logs. */
  cause: unknown;
  /** Rate limited: how long Discord asked us to wait before trying this destination again. */
  retryAfterMs?: number;
}

/** What `send` throws when the message did not go through. */
export class SendError extends Error {
  constructor(readonly failure: SendFailure) {
    super(failure.reason);
    this.name = "SendError";
  }
}

export interface SendOptions {
  /** Roles that may be mentioned (none by default), whatever the text says. */
  roles?: readonly string[];
  /**
   * Abandons the request (shutdown). It may live as long as the process: the transport listens on a signal of its
   * own per send, never on this one directly.
   */
  signal?: AbortSignal;
}

/**
 * Every send's budget: it ends (sent, or a `SendError`) within `deadlineMs`, whatever Discord does. A 429 asking for
 * at most `maxRetryAfterMs` is waited out and tried again (`attempts` tries in all); a longer one ends the send at
 * once as transient with `retryAfterMs`, so the caller sets that destination aside and goes on with the others.
 */
export interface SendPolicy {
  deadlineMs: number;
  attempts: number;
  maxRetryAfterMs: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = { deadlineMs: 20_000, attempts: 3, maxRetryAfterMs: 2_000 };

export interface MessageSender {
  /**
   * Posts `body` to the target. `nonce` makes a resend after a crash not post twice. Resolves when sent; rejects with
   * a `SendError` (anything else it rejects with is read as transient).
   */
  send(target: SendTarget, body: MessageBody, nonce: string, options?: SendOptions): Promise<void>;
}

/** How a failed send reads to a feature: a `SendError`'s classification, or transient for anything unforeseen. */
export function sendFailureOf(error: unknown): SendFailure {
  if (error instanceof SendError) return error.failure;
  return { outcome: "transient", reason: error instanceof Error ? error.message : String(error), code: null, status: null, cause: error };
}
