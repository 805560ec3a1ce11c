import { DiscordAPIError, HTTPError, RESTJSONErrorCodes, type REST } from "discord.js";
import type { MessageBody } from "../shared/reply.js";
import { SendError, type MessageSender, type SendFailure, type SendOptions, type SendTarget } from "../shared/sender.js";
import { openDmChannel, postMessage } from "./rest.js";

/** DM channel ids remembered within one run; bounded so a 100,000-reader run does not grow without end. */
const DM_CACHE_LIMIT = 10_000;

/** Discord's answers that mean "this user does not take DMs from us" rather than a passing fault. */
const DM_REFUSED = new Set<number>([RESTJSONErrorCodes.CannotSendMessagesToThisUser, RESTJSONErrorCodes.UnknownUser]);
/** Channel errors that mean "this channel is gone or closed to us". */
const CHANNEL_GONE = new Set<number>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions]);

/** Discord's answer as a feature reads it; whether it may pass (5xx after the REST queue's retries, network errors, timeouts). */
export function classifySendError(target: SendTarget, error: unknown): SendFailure {
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
    return { outcome: error.status >= 500 || error.status === 429 ? "transient" : "failed", reason: `${error.status} ${error.message}`, code: null, status: error.status, cause: error };
  }
  return { outcome: "transient", reason: error instanceof Error ? error.message : String(error), code: null, status: null, cause: error };
}

/**
 * The Discord transport behind the `MessageSender` port: discord.js's REST client (which waits out 429s per
 * `retry_after` and retries 5xx), a nonce with enforce_nonce, and Discord's errors turned into `SendError`s.
 * `rememberDmChannels`: keep DM channel ids (a digest run sends several messages to each reader).
 */
export function discordSender(rest: REST, options: { rememberDmChannels?: boolean } = {}): MessageSender {
  const dmChannels = new Map<string, string>();
  const channelOf = async (target: SendTarget, signal?: AbortSignal): Promise<string> => {
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
      const { roles = [], signal } = sendOptions;
      try {
        await postMessage(rest, await channelOf(target, signal), body, nonce, roles, signal);
      } catch (error) {
        throw new SendError(classifySendError(target, error));
      }
    },
  };
}
