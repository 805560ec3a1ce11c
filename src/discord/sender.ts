import { setTimeout as delay } from "node:timers/promises";
import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes, type REST } from "discord.js";
import type { MessageBody } from "../shared/reply.js";
import {
  DEFAULT_SEND_POLICY,
  SendError,
  type MessageSender,
  type SendFailure,
  type SendOptions,
  type SendPolicy,
  type SendTarget,
} from "../shared/sender.js";
import { openDmChannel, postMessage } from "./rest.js";

/** DM channel ids remembered within one run; bounded so a 100,000-reader run does not grow without end. */
const DM_CACHE_LIMIT = 10_000;

/** Discord's answers that mean "this user does not take DMs from us" rather than a passing fault. */
const DM_REFUSED = new Set<number>([RESTJSONErrorCodes.CannotSendMessagesToThisUser, RESTJSONErrorCodes.UnknownUser]);
/** Channel errors that mean "this channel is gone or closed to us". */
const CHANNEL_GONE = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
]);

/** How long a rate limit asks us to wait, in ms (discord.js gives both; the larger one is the truth). */
export function rateLimitWaitMs(error: RateLimitError): number {
  const wait = Math.max(error.retryAfter, error.timeToReset, error.sublimitTimeout);
  return Number.isFinite(wait) ? Math.max(0, Math.ceil(wait)) : Number.MAX_SAFE_INTEGER;
}

const seconds = (ms: number) => (ms >= 60_000 * 60 ? ">1 h" : `${Math.ceil(ms / 100) / 10} s`);

/** Discord's answer as a feature reads it; whether it may pass (5xx after the REST queue's retries, network errors, timeouts). */
export function classifySendError(target: SendTarget, error: unknown): SendFailure {
  if (error instanceof RateLimitError) {
    const retryAfterMs = rateLimitWaitMs(error);
    return {
      outcome: "transient",
      reason: `429 rate limited (${error.scope}); retry after ${seconds(retryAfterMs)}`,
      code: null,
      status: 429,
      cause: error,
      retryAfterMs,
    };
  }
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === "number" ? error.code : null;
    const reason = `${error.status} ${code ?? ""} ${error.message}`.replace(/\s+/g, " ").trim();
    const outcome =
      error.status >= 500
        ? "transient"
        : code !== null && target.kind === "user" && DM_REFUSED.has(code)
          ? "refused"
          : code !== null && target.kind === "channel" && CHANNEL_GONE.has(code)
            ? "gone"
            : "failed";
    return { outcome, reason, code: error.code, status: error.status, cause: error };
  }
  if (error instanceof HTTPError) {
    return {
      outcome: error.status >= 500 || error.status === 429 ? "transient" : "failed",
      reason: `${error.status} ${error.message}`,
      code: null,
      status: error.status,
      cause: error,
    };
  }
  return { outcome: "transient", reason: error instanceof Error ? error.message : String(error), code: null, status: null, cause: error };
}

export interface DiscordSenderOptions {
  /** Keep DM channel ids (a digest run sends several messages to each reader). */
  rememberDmChannels?: boolean;
  policy?: Partial<SendPolicy>;
  /** Waits out a short Retry-After; injected by tests (fake time). Rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told of every message posted (votes: a post with vote buttons has its counts kept current). Must not throw. */
  onPosted?: (channelId: string, messageId: string, body: MessageBody) => void;
}

const realSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, signal ? { signal } : {});

/**
 * The Discord transport behind the `MessageSender` port: discord.js's REST client (which keeps to the global budget
 * and retries 5xx, but rejects a route's 429: see rest.ts), a nonce with enforce_nonce, Discord's errors turned into
 * `SendError`s, and the send budget (`SendPolicy`): a deadline per send and a bounded retry of rate limits.
 * Each request listens on a signal of its own (the caller's and the deadline's), so a process-long shutdown signal
 * gathers no listener per send.
 */
export function discordSender(rest: REST, options: DiscordSenderOptions = {}): MessageSender {
  const policy: SendPolicy = { ...DEFAULT_SEND_POLICY, ...options.policy };
  const sleep = options.sleep ?? realSleep;
  const dmChannels = new Map<string, string>();
  const channelOf = async (target: SendTarget, signal: AbortSignal): Promise<string> => {
    if (target.kind === "channel") return target.id;
    const known = dmChannels.get(target.id);
    if (known) return known;
    const channelId = await openDmChannel(rest, target.id, signal);
    if (options.rememberDmChannels) {
      if (dmChannels.size >= DM_CACHE_LIMIT) dmChannels.clear();
      dmChannels.set(target.id, channelId);
    }
    return channelId;
  };
  return {
    async send(target: SendTarget, body: MessageBody, nonce: string, sendOptions: SendOptions = {}): Promise<void> {
      const { roles = [], signal: callerSignal } = sendOptions;
      // A signal of this send's own, let go when it ends: discord.js never removes the listener it adds per request,
      // so only this short-lived signal gathers them, and the caller's gets one listener for the send's duration.
      const own = new AbortController();
      let timedOut = false;
      const deadline = setTimeout(() => {
        timedOut = true;
        own.abort(new Error("send deadline"));
      }, policy.deadlineMs);
      deadline.unref();
      const onCallerAbort = () => own.abort(callerSignal?.reason);
      if (callerSignal?.aborted) own.abort(callerSignal.reason);
      else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
      const started = performance.now();
      try {
        for (let attempt = 1; ; attempt += 1) {
          try {
            const channelId = await channelOf(target, own.signal);
            const messageId = await postMessage(rest, channelId, body, nonce, roles, own.signal);
            if (messageId) options.onPosted?.(channelId, messageId, body);
            return;
          } catch (error) {
            if (timedOut && !callerSignal?.aborted) {
              throw new SendError({
                outcome: "transient",
                reason: `no answer within the send deadline (${seconds(policy.deadlineMs)})`,
                code: null,
                status: null,
                cause: error,
              });
            }
            const failure = classifySendError(target, error);
            const waitMs = failure.retryAfterMs;
            const left = policy.deadlineMs - (performance.now() - started);
            if (
              own.signal.aborted ||
              waitMs === undefined ||
              attempt >= policy.attempts ||
              waitMs > policy.maxRetryAfterMs ||
              waitMs >= left
            )
              throw new SendError(failure);
            try {
              await sleep(waitMs, own.signal);
            } catch {
              throw new SendError(failure);
            }
          }
        }
      } finally {
        clearTimeout(deadline);
        callerSignal?.removeEventListener("abort", onCallerAbort);
      }
    },
  };
}
