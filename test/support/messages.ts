/** MESSAGE_CREATE payloads (a user writing to the bot in DMs or in a guild channel), built like ./interactions.ts's. */
import { ChannelType, MessageType } from "discord-api-types/v10";
import type { APIUser, GatewayMessageCreateDispatchData, MessageFlags } from "discord-api-types/v10";
import { DEFAULT_BOT_USER, DEFAULT_GUILD, dmChannelIdFor, snowflake } from "./harness/index.js";
import { fullUser, member } from "./interactions.js";

const NO_MESSAGE_FLAGS = 0 as MessageFlags;

export interface MessageCreateInit {
  content: string;
  user?: Partial<APIUser>;
  channelId?: string;
  id?: string;
  attachments?: GatewayMessageCreateDispatchData["attachments"];
  /** Adds the bot to `mentions` (and a leading <@bot> is up to you). */
  mentionsBot?: boolean;
}

export interface GuildMessageCreateInit extends MessageCreateInit {
  guildId?: string;
  memberRoles?: string[];
}

function messageBase(init: MessageCreateInit, author: APIUser, channelId: string): GatewayMessageCreateDispatchData {
  const id = init.id ?? snowflake();
  return {
    id,
    channel_id: channelId,
    author,
    content: init.content,
    timestamp: new Date().toISOString().replace("Z", "+00:00"),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: init.mentionsBot ? [{ ...DEFAULT_BOT_USER }] : [],
    mention_roles: [],
    attachments: init.attachments ?? [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    flags: NO_MESSAGE_FLAGS,
    components: [],
    nonce: snowflake(),
  };
}

// discord.js 14.28 builds the (partial) channel of a MESSAGE_CREATE from `channel_type`; without it a DM
// message from an uncached DM channel is silently dropped even with Partials.Channel.

/** MESSAGE_CREATE data for a user writing to the bot in DMs (no guild_id, no member). */
export function dmMessageCreate(init: MessageCreateInit): GatewayMessageCreateDispatchData {
  const author = fullUser(init.user);
  return { ...messageBase(init, author, init.channelId ?? dmChannelIdFor(author.id)), channel_type: ChannelType.DM };
}

/** MESSAGE_CREATE data for a user writing in a guild channel (with guild_id and member). */
export function guildMessageCreate(init: GuildMessageCreateInit): GatewayMessageCreateDispatchData {
  const author = fullUser(init.user);
  const guildId = init.guildId ?? DEFAULT_GUILD.id;
  const channelId = init.channelId ?? (guildId === DEFAULT_GUILD.id ? (DEFAULT_GUILD.channels ?? [])[0]?.id : undefined) ?? snowflake();
  return {
    ...messageBase(init, author, channelId),
    channel_type: ChannelType.GuildText,
    guild_id: guildId,
    // A message's member object is the interaction one without user and permissions.
    member: (({ user: _user, permissions: _permissions, ...rest }) => rest)(member(author, { memberRoles: init.memberRoles ?? [] })),
  };
}
