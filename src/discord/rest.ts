import { REST, Routes, type RateLimitData } from "discord.js";
import { z } from "zod";
import type { MessageBody } from "../shared/reply.js";
import { discordEmbeds, discordRows } from "./payload.js";

const channelSchema = z.object({ id: z.string() });

/** The routes our sends use: posting a message, and opening a DM channel. */
const SEND_ROUTE = /^\/(channels\/[^/]+\/messages|users\/@me\/channels)$/;

/**
 * discord.js waits out a route's (or a sublimit's) 429 and retries without end; for our sends it rejects instead
 * (a `RateLimitError`), and the sender's own bounded retry honours Retry-After or sets the destination aside.
 * The global budget (50 requests/s, and a global 429) stays discord.js's to wait out: it holds for every destination.
 */
export function rejectSendRateLimit(data: RateLimitData): boolean {
  return !data.global && SEND_ROUTE.test(data.route);
}

/** discord.js's REST options for every client that sends (the bot's Client and the REST-only CLI). */
export const SEND_REST_OPTIONS = {
  globalRequestsPerSecond: 50,
  retries: 3,
  timeout: 15_000,
  rejectOnRateLimit: rejectSendRateLimit,
} as const;

/** A REST client with the bot token and no gateway; DISCORD_API_URL redirects it (tests, proxies). */
export function createRest(apiUrl: string, token: string): REST {
  // discord.js's queue keeps to Discord's global limit (50 requests/s); 5xx are retried (3 times).
  return new REST({ api: apiUrl, version: "10", ...SEND_REST_OPTIONS }).setToken(token);
}

/** The DM channel with a user (Discord creates it on first use). */
export async function openDmChannel(rest: REST, userId: string, signal?: AbortSignal): Promise<string> {
  return channelSchema.parse(await rest.post(Routes.userChannels(), { body: { recipient_id: userId }, ...(signal ? { signal } : {}) })).id;
}

/**
 * Posts a message with a nonce and enforce_nonce, so a resend after a crash is not posted twice; only the given
 * roles may be mentioned (none by default), whatever the text says. `signal` abandons the request (shutdown).
 */
export async function postMessage(
  rest: REST,
  channelId: string,
  body: MessageBody,
  nonce: string,
  roles: readonly string[] = [],
  signal?: AbortSignal,
): Promise<string | undefined> {
  const posted = await rest.post(Routes.channelMessages(channelId), {
    body: {
      content: body.content ?? "",
      embeds: discordEmbeds(body.embeds ?? []),
      components: discordRows(body.components ?? []),
      allowed_mentions: { parse: [], roles: [...roles] },
      nonce,
      enforce_nonce: true,
    },
    ...(signal ? { signal } : {}),
  });
  // The message's id (vote counts on it are kept current); a body Discord answered without one gives undefined.
  const parsed = channelSchema.safeParse(posted);
  return parsed.success ? parsed.data.id : undefined;
}
