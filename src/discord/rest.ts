import { REST, Routes } from "discord.js";
import { z } from "zod";
import type { MessageBody } from "../shared/reply.js";
import { discordEmbeds, discordRows } from "./payload.js";

const channelSchema = z.object({ id: z.string() });

/** A REST client with the bot token and no gateway; DISCORD_API_URL redirects it (tests, proxies). */
export function createRest(apiUrl: string, token: string): REST {
  // discord.js's queue keeps to Discord's global limit (50 requests/s) and honours 429 retry_after; 5xx are retried.
  return new REST({ api: apiUrl, version: "10", globalRequestsPerSecond: 50, retries: 3, timeout: 15_000 }).setToken(token);
}

/** The DM channel with a user (Discord creates it on first use). */
export async function openDmChannel(rest: REST, userId: string, signal?: AbortSignal): Promise<string> {
  return channelSchema.parse(await rest.post(Routes.userChannels(), { body: { recipient_id: userId }, ...(signal ? { signal } : {}) })).id;
}

/**
 * Posts a message with a nonce and enforce_nonce, so a resend after a crash is not posted twice; only the given
 * roles may be mentioned (none by default), whatever the text says. `signal` abandons the request (shutdown).
 */
export async function postMessage(rest: REST, channelId: string, body: MessageBody, nonce: string, roles: readonly string[] = [], signal?: AbortSignal): Promise<void> {
  await rest.post(Routes.channelMessages(channelId), {
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
}
