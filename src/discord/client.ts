import { Client, Events, GatewayIntentBits, Partials } from "discord.js";
import type { Config } from "../config.js";
import { SEND_REST_OPTIONS } from "./rest.js";

/** Non-privileged intents only: no MessageContent, GuildMembers or Presences. */
export const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages] as const;

export function createDiscordClient(config: Config): Client {
  return new Client({
    intents: [...INTENTS],
    // DM channels are not cached until a message arrives in them.
    partials: [Partials.Channel],
    rest: { api: config.discord.apiUrl, ...SEND_REST_OPTIONS },
    allowedMentions: { parse: [] },
  });
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
