/** Which gateway intent each dispatch needs (Discord's intent table). */
import { GatewayIntentBits } from "discord-api-types/v10";
import { isRecord } from "./json.js";

/** The intent a session needs to receive `event` (null: always delivered). */
export function requiredIntent(event: string, data: unknown): number | null {
  const inGuild = isRecord(data) && typeof data["guild_id"] === "string";
  switch (event) {
    case "GUILD_CREATE":
    case "GUILD_UPDATE":
    case "GUILD_DELETE":
    case "GUILD_ROLE_CREATE":
    case "GUILD_ROLE_UPDATE":
    case "GUILD_ROLE_DELETE":
    case "CHANNEL_CREATE":
    case "CHANNEL_UPDATE":
    case "CHANNEL_DELETE":
    case "THREAD_CREATE":
    case "THREAD_UPDATE":
    case "THREAD_DELETE":
    case "THREAD_LIST_SYNC":
    case "THREAD_MEMBER_UPDATE":
    case "STAGE_INSTANCE_CREATE":
    case "STAGE_INSTANCE_UPDATE":
    case "STAGE_INSTANCE_DELETE":
      return GatewayIntentBits.Guilds;
    case "CHANNEL_PINS_UPDATE":
      return inGuild ? GatewayIntentBits.Guilds : GatewayIntentBits.DirectMessages;
    case "GUILD_MEMBER_ADD":
    case "GUILD_MEMBER_UPDATE":
    case "GUILD_MEMBER_REMOVE":
    case "THREAD_MEMBERS_UPDATE":
      return GatewayIntentBits.GuildMembers;
    case "PRESENCE_UPDATE":
      return GatewayIntentBits.GuildPresences;
    case "MESSAGE_CREATE":
    case "MESSAGE_UPDATE":
    case "MESSAGE_DELETE":
    case "MESSAGE_DELETE_BULK":
    case "MESSAGE_POLL_VOTE_ADD":
    case "MESSAGE_POLL_VOTE_REMOVE":
      return inGuild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    case "MESSAGE_REACTION_ADD":
    case "MESSAGE_REACTION_REMOVE":
    case "MESSAGE_REACTION_REMOVE_ALL":
    case "MESSAGE_REACTION_REMOVE_EMOJI":
      return inGuild ? GatewayIntentBits.GuildMessageReactions : GatewayIntentBits.DirectMessageReactions;
    case "TYPING_START":
      return inGuild ? GatewayIntentBits.GuildMessageTyping : GatewayIntentBits.DirectMessageTyping;
    default:
      return null;
  }
}
