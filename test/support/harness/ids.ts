/** Snowflakes, the default bot, user and guild, and permission constants (shared with ../interactions.ts). */
import {
  ChannelType,
  PermissionFlagsBits,
  type APIGuildMember,
  type APIUser,
  type GuildMemberFlags,
  type Locale,
} from "discord-api-types/v10";

const DISCORD_EPOCH = 1420070400000n;
let snowflakeLastMs = 0n;
let snowflakeIncrement = 0n;

/** A real-looking, unique, time-ordered snowflake (timestamp bits from `atMs`, default now). */
export function snowflake(atMs: number = Date.now()): string {
  const ms = BigInt(Math.floor(atMs));
  if (ms === snowflakeLastMs) {
    snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  } else {
    snowflakeLastMs = ms;
    snowflakeIncrement = 0n;
  }
  const worker = 1n;
  const processId = BigInt(process.pid & 0x1f);
  return (((ms - DISCORD_EPOCH) << 22n) | (worker << 17n) | (processId << 12n) | snowflakeIncrement).toString();
}

const dmChannelIds = new Map<string, string>();

/** The id of "the" DM channel between the bot and a user, stable within a test run (builders and harness agree). */
export function dmChannelIdFor(userId: string): string {
  let id = dmChannelIds.get(userId);
  if (!id) {
    id = snowflake();
    dmChannelIds.set(userId, id);
  }
  return id;
}

export const DEFAULT_BOT_USER: APIUser = Object.freeze({
  id: "1300000000000000001",
  username: "paperbot",
  discriminator: "0",
  global_name: null,
  avatar: null,
  bot: true,
});

/** For bots the application id equals the bot user's id. */
export const DEFAULT_APPLICATION_ID = DEFAULT_BOT_USER.id;

/** The human used by the interaction builders unless a test names another. */
export const DEFAULT_USER: APIUser = Object.freeze({
  id: "1100000000000000001",
  username: "reader",
  discriminator: "0",
  global_name: "Reader",
  avatar: null,
});

export interface HarnessChannelConfig {
  id: string;
  name: string;
  type: ChannelType.GuildText;
  topic?: string | null;
}

export interface HarnessGuildConfig {
  id: string;
  name: string;
  ownerId: string;
  preferredLocale: `${Locale}`;
  channels: HarnessChannelConfig[];
}

const defaultGuild: HarnessGuildConfig = {
  id: "1200000000000000001",
  name: "Paper Club",
  ownerId: DEFAULT_USER.id,
  preferredLocale: "en-US",
  channels: [
    { id: "1200000000000000010", name: "general", type: ChannelType.GuildText },
    { id: "1200000000000000011", name: "papers", type: ChannelType.GuildText, topic: "New LLM papers" },
  ],
};
export const DEFAULT_GUILD: Readonly<HarnessGuildConfig> = Object.freeze(defaultGuild);

/** discord-api-types' flag enums have no 0 member. */
export const NO_MEMBER_FLAGS = 0 as GuildMemberFlags;

/** A guild member as GUILD_CREATE carries it: no nickname, avatar, boost or timeout. */
export function guildMemberObject(user: APIUser, roles: string[], joinedAt: string): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: NO_MEMBER_FLAGS,
    pending: false,
    communication_disabled_until: null,
  };
}

const P = PermissionFlagsBits;
/** @everyone's permissions in harness guilds (a typical community server). */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  P.ViewChannel |
  P.SendMessages |
  P.SendMessagesInThreads |
  P.CreatePublicThreads |
  P.EmbedLinks |
  P.AttachFiles |
  P.AddReactions |
  P.UseExternalEmojis |
  P.UseExternalStickers |
  P.ReadMessageHistory |
  P.UseApplicationCommands |
  P.CreateInstantInvite |
  P.ChangeNickname |
  P.Connect |
  P.Speak |
  P.Stream |
  P.UseVAD;
/** Permissions of the bot's managed role (what an invite with "Send Messages + Embed Links..." grants). */
export const DEFAULT_BOT_ROLE_PERMISSIONS: bigint =
  P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.AddReactions;
/** What `app_permissions` says in a harness guild by default. */
export const DEFAULT_APP_PERMISSIONS: string = (DEFAULT_EVERYONE_PERMISSIONS | DEFAULT_BOT_ROLE_PERMISSIONS).toString();
/** `app_permissions` Discord reports in the bot's DMs. */
export const DM_APP_PERMISSIONS: string = (
  P.ViewChannel |
  P.SendMessages |
  P.EmbedLinks |
  P.AttachFiles |
  P.ReadMessageHistory |
  P.AddReactions |
  P.UseExternalEmojis |
  P.UseApplicationCommands
).toString();
