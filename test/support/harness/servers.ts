/**
 * Many servers for scale tests and the bench: shard routing as Discord does it, and GUILD_CREATEs of the size
 * Discord sends for a community server (about 24 KB: 20 roles, 30 channels, 10 emojis, 2 active threads).
 * Servers are generated from their index on demand, so 50,000 of them cost no memory until sent.
 */
import { ChannelType, type APIUser } from "discord-api-types/v10";
import { DEFAULT_BOT_ROLE_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, guildMemberObject } from "./ids.js";
import type { JsonRecord } from "./types.js";

/** Discord closes an IDENTIFY with 4011 when its shard would hold this many servers or more. */
export const SHARDING_REQUIRED_AT = 2_500;
/** Discord recommends a shard per 1,000 servers (GET /gateway/bot `shards`). */
export const SERVERS_PER_RECOMMENDED_SHARD = 1_000;
/** Timestamp part of the first synthetic server's snowflake (ms since the Discord epoch, 2021). */
const FIRST_SERVER_MS = 200_000_000_000n;

/** Discord's rule: a server's events go to shard (guild_id >> 22) % shard_count. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(Math.max(1, shardCount)));
}

export function syntheticServerId(index: number): string {
  return ((FIRST_SERVER_MS + BigInt(index)) << 22n).toString();
}

/** Indexes of the synthetic servers that shard `shardId` of `shardCount` holds, in order. */
export function* serversOnShard(servers: number, shardId: number, shardCount: number): Generator<number> {
  const count = BigInt(Math.max(1, shardCount));
  const first = Number((((BigInt(shardId) - FIRST_SERVER_MS) % count) + count) % count);
  for (let index = first; index < servers; index += Number(count)) yield index;
}

export function countOnShard(servers: number, shardId: number, shardCount: number): number {
  let count = 0;
  for (const _ of serversOnShard(servers, shardId, shardCount)) count++;
  return count;
}

/** A child snowflake of a server (roles, channels, emojis): same timestamp, distinct low bits. */
function childId(guildId: string, kind: number, index: number): string {
  return (BigInt(guildId) | (BigInt(kind) << 12n) | BigInt(index + 1)).toString();
}

const TOPIC = "Papers, questions and reading notes about large language models; please keep threads on topic and link the arXiv page.";

function role(guildId: string, index: number, botUser: APIUser): JsonRecord {
  const everyone = index === 0;
  const bot = index === 1;
  return {
    id: everyone ? guildId : childId(guildId, 1, index),
    name: everyone ? "@everyone" : bot ? botUser.username : `role ${index}`,
    description: null,
    color: everyone ? 0 : 0x3498db + index,
    colors: { primary_color: everyone ? 0 : 0x3498db + index, secondary_color: null, tertiary_color: null },
    hoist: index % 4 === 0,
    icon: null,
    unicode_emoji: null,
    position: index,
    permissions: (everyone ? DEFAULT_EVERYONE_PERMISSIONS : bot ? DEFAULT_BOT_ROLE_PERMISSIONS : DEFAULT_EVERYONE_PERMISSIONS).toString(),
    managed: bot,
    mentionable: index % 3 === 0,
    flags: 0,
    ...(bot ? { tags: { bot_id: botUser.id } } : {}),
  };
}

const CHANNEL_TYPES = [
  ChannelType.GuildCategory,
  ChannelType.GuildText,
  ChannelType.GuildText,
  ChannelType.GuildVoice,
  ChannelType.GuildForum,
  ChannelType.GuildAnnouncement,
];

function channel(guildId: string, index: number): JsonRecord {
  const type = CHANNEL_TYPES[index % CHANNEL_TYPES.length] ?? ChannelType.GuildText;
  const category = childId(guildId, 2, index - (index % CHANNEL_TYPES.length));
  const common: JsonRecord = {
    id: childId(guildId, 2, index),
    type,
    name: `channel-${index}`,
    position: index,
    flags: 0,
    parent_id: type === ChannelType.GuildCategory ? null : category,
    permission_overwrites: [
      { id: guildId, type: 0, allow: "0", deny: "2048" },
      { id: childId(guildId, 1, 2 + (index % 18)), type: 0, allow: "3072", deny: "0" },
    ],
  };
  if (type === ChannelType.GuildCategory) return common;
  if (type === ChannelType.GuildVoice)
    return { ...common, bitrate: 64000, user_limit: 0, rtc_region: null, nsfw: false, rate_limit_per_user: 0, last_message_id: null };
  const text = {
    ...common,
    topic: TOPIC,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: childId(guildId, 5, index),
    last_pin_timestamp: null,
    default_thread_rate_limit_per_user: 0,
  };
  if (type !== ChannelType.GuildForum) return text;
  return {
    ...text,
    available_tags: ["paper", "question", "discussion"].map((name, tag) => ({
      id: childId(guildId, 6, index * 4 + tag),
      name,
      moderated: false,
      emoji_id: null,
      emoji_name: null,
    })),
    default_reaction_emoji: null,
    default_sort_order: null,
    default_forum_layout: 1,
  };
}

function thread(guildId: string, index: number, ownerId: string): JsonRecord {
  return {
    id: childId(guildId, 7, index),
    type: ChannelType.PublicThread,
    guild_id: guildId,
    parent_id: childId(guildId, 2, 1),
    owner_id: ownerId,
    name: `reading group ${index}`,
    last_message_id: childId(guildId, 9, index),
    rate_limit_per_user: 0,
    flags: 0,
    message_count: 12,
    member_count: 4,
    total_message_sent: 12,
    thread_metadata: {
      archived: false,
      archive_timestamp: "2026-01-01T00:00:00.000000+00:00",
      auto_archive_duration: 1440,
      locked: false,
      create_timestamp: "2026-01-01T00:00:00.000000+00:00",
    },
  };
}

function emoji(guildId: string, index: number): JsonRecord {
  return {
    id: childId(guildId, 3, index),
    name: `paper_${index}`,
    roles: [],
    require_colons: true,
    managed: false,
    animated: index % 5 === 0,
    available: true,
  };
}

/** The GUILD_CREATE of synthetic server `index`, about 24 KB as JSON. */
export function syntheticGuildCreate(index: number, botUser: APIUser): JsonRecord {
  const id = syntheticServerId(index);
  const botRole = childId(id, 1, 1);
  return {
    id,
    name: `Reading Circle ${index}`,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: childId(id, 8, 0),
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    roles: Array.from({ length: 20 }, (_, n) => role(id, n, botUser)),
    emojis: Array.from({ length: 10 }, (_, n) => emoji(id, n)),
    stickers: [],
    features: ["COMMUNITY", "NEWS", "THREADS_ENABLED"],
    mfa_level: 0,
    application_id: null,
    system_channel_id: childId(id, 2, 1),
    system_channel_flags: 0,
    rules_channel_id: childId(id, 2, 2),
    max_presences: null,
    max_members: 500000,
    vanity_url_code: null,
    description: "A community reading group for machine learning papers.",
    banner: null,
    premium_tier: 1,
    premium_subscription_count: 3,
    preferred_locale: index % 3 === 0 ? "ja" : "en-US",
    public_updates_channel_id: childId(id, 2, 2),
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: "2025-01-01T00:00:00.000000+00:00",
    large: true,
    unavailable: false,
    member_count: 1200 + (index % 500),
    voice_states: [],
    members: [guildMemberObject(botUser, [botRole], "2025-01-01T00:00:00.000000+00:00")],
    channels: Array.from({ length: 30 }, (_, n) => channel(id, n)),
    // The bot opened the first thread; a member opened the second.
    threads: Array.from({ length: 2 }, (_, n) => thread(id, n, n === 0 ? botUser.id : childId(id, 8, n))),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A realistic event for server `index` that the bot's intents receive but that needs no answer (the bench's background load). */
export function syntheticGuildEvent(index: number, sequence: number): { event: string; data: JsonRecord } {
  const guildId = syntheticServerId(index);
  const kind = sequence % 3;
  if (kind === 0)
    return { event: "CHANNEL_UPDATE", data: { ...channel(guildId, 1 + (sequence % 29)), guild_id: guildId, name: `renamed-${sequence}` } };
  if (kind === 1)
    return {
      event: "GUILD_ROLE_UPDATE",
      data: {
        guild_id: guildId,
        role: role(guildId, 2 + (sequence % 18), { id: "0", username: "x", discriminator: "0", global_name: null, avatar: null }),
      },
    };
  return { event: "THREAD_UPDATE", data: { ...thread(guildId, 1, childId(guildId, 8, 1)), name: `reading group ${sequence}` } };
}
