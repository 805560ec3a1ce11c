import { Client, Events, GatewayIntentBits, Partials } from "discord.js";
import type { Config } from "../config.js";
import { leanCacheOptions, skipUnreadGuildData } from "./caches.js";
import { SEND_REST_OPTIONS } from "./rest.js";

/** Non-privileged intents only: no MessageContent, GuildMembers or Presences. */
export const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages] as const;

/** Shards are planned from GET /gateway/bot before login (see shards.ts); caches keep only what the bot reads. */
export function createDiscordClient(config: Config): Client {
  const client = new Client({
    intents: [...INTENTS],
    ...leanCacheOptions,
    // Set by planShards(); until then, not discord.js's own reading of SHARD_COUNT/SHARDS from the environment.
    shards: "auto",
    // DM channels are not cached until a message arrives in them.
    partials: [Partials.Channel],
    rest: { api: config.discord.apiUrl, ...SEND_REST_OPTIONS },
    allowedMentions: { parse: [] },
  });
  skipUnreadGuildData(client);
  return client;
}

export type DiscordStatus = "disabled" | "connecting" | "ready" | "disconnected";

export function trackStatus(client: Client): () => DiscordStatus {
  let status: DiscordStatus = "connecting";
  client.on(Events.ClientReady, () => {
    status = "ready";
  });
  client.on(Events.ShardDisconnect, () => {
    status = "disconnected";
  });
  client.on(Events.ShardReconnecting, () => {
    status = "connecting";
  });
  client.on(Events.ShardResume, () => {
    status = "ready";
  });
  return () => status;
}
