import { REST, Routes } from "discord.js";
import { z } from "zod";
import type { MessageBody } from "../discord/command.js";
import type { DigestTarget, DigestTransport } from "./run.js";

const channelSchema = z.object({ id: z.string() });
/** DM channel ids remembered within one run; bounded so a 100,000-reader run does not grow without end. */
const DM_CACHE_LIMIT = 10_000;

/** A REST client with the bot token and no gateway; DISCORD_API_URL redirects it (tests, proxies). */
export function createRest(apiUrl: string, token: string): REST {
  // discord.js's queue keeps to Discord's global limit (50 requests/s) and honours 429 retry_after; 5xx are retried.
  return new REST({ api: apiUrl, version: "10", globalRequestsPerSecond: 50, retries: 3, timeout: 15_000 }).setToken(token);
}

export function digestRestTransport(rest: REST): DigestTransport {
  const dmChannels = new Map<string, string>();
  const channelOf = async (target: DigestTarget): Promise<string> => {
    if (target.kind === "channel") return target.id;
    const known = dmChannels.get(target.id);
    if (known) return known;
    const channel = channelSchema.parse(await rest.post(Routes.userChannels(), { body: { recipient_id: target.id } }));
    if (dmChannels.size >= DM_CACHE_LIMIT) dmChannels.clear();
    dmChannels.set(target.id, channel.id);
    return channel.id;
  };
  return {
    async send(target: DigestTarget, body: MessageBody, nonce: string): Promise<void> {
      const channelId = await channelOf(target);
      await rest.post(Routes.channelMessages(channelId), {
        body: {
          content: body.content,
          embeds: body.embeds ?? [],
          components: body.components ?? [],
          allowed_mentions: { parse: [] },
          nonce,
          enforce_nonce: true,
        },
      });
    },
  };
}
