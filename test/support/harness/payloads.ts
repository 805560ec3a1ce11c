/** What the harness sends about its guild and application: GUILD_CREATE, roles, GET /applications/@me, stored commands. */
import { randomBytes } from "node:crypto";
import {
  ApplicationCommandType,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  type APIApplicationCommand,
  type APIGuildMember,
  type APIRole,
  type GatewayGuildCreateDispatchData,
  type RoleFlags,
} from "discord-api-types/v10";
import {
  DEFAULT_BOT_ROLE_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  guildMemberObject,
  snowflake,
  type HarnessChannelConfig,
  type HarnessGuildConfig,
} from "./ids.js";
import { asNumber, asString, clone } from "./json.js";
import type { HarnessState } from "./state.js";
import type { JsonRecord } from "./types.js";

/** discord-api-types' flag enums have no 0 member. */
const NO_ROLE_FLAGS = 0 as RoleFlags;

export function channelPayload(guild: HarnessGuildConfig, config: HarnessChannelConfig): JsonRecord {
  return {
    id: config.id,
    type: config.type,
    name: config.name,
    guild_id: guild.id,
    position: guild.channels.indexOf(config),
    permission_overwrites: [],
    parent_id: null,
    flags: 0,
    topic: config.topic ?? null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    last_pin_timestamp: null,
  };
}

export function botMember(state: HarnessState, guild: HarnessGuildConfig): APIGuildMember {
  return guildMemberObject(clone(state.botUser), [state.botRoleId.get(guild.id) ?? guild.id], "2025-01-01T00:00:00.000000+00:00");
}

function guildRoles(state: HarnessState, guild: HarnessGuildConfig): APIRole[] {
  const role = (partial: Partial<APIRole> & { id: string; name: string }, position: number): APIRole => ({
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: "0",
    managed: false,
    mentionable: false,
    flags: NO_ROLE_FLAGS,
    ...partial,
  });
  return [
    role({ id: guild.id, name: "@everyone", permissions: DEFAULT_EVERYONE_PERMISSIONS.toString() }, 0),
    role(
      {
        id: state.botRoleId.get(guild.id) ?? guild.id,
        name: state.botUser.username,
        managed: true,
        permissions: DEFAULT_BOT_ROLE_PERMISSIONS.toString(),
        tags: { bot_id: state.botUser.id },
      },
      1,
    ),
  ];
}

export function guildCreatePayload(state: HarnessState, guild: HarnessGuildConfig): GatewayGuildCreateDispatchData {
  const members = [...(state.guildMembers.get(guild.id)?.values() ?? [])];
  const channels = [...state.channels.values()]
    .filter((c) => c.guildId === guild.id && c.recipientId === null)
    .map((c) => {
      const { guild_id: _guildId, ...channel } = c.channel;
      return channel;
    });
  const firstText = (guild.channels ?? []).find((c) => (c.type ?? ChannelType.GuildText) === ChannelType.GuildText);
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    icon_hash: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId ?? state.owner.id,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: guildRoles(state, guild),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: firstText?.id ?? null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotificationReplies,
    rules_channel_id: null,
    max_presences: null,
    max_members: 25000000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Object.values(Locale).find((l) => l === guild.preferredLocale) ?? Locale.EnglishUS,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: "2025-01-01T00:00:00.000000+00:00",
    large: false,
    unavailable: false,
    member_count: Math.max(members.length, 2),
    voice_states: [],
    members: clone(members),
    channels: clone(channels) as unknown as GatewayGuildCreateDispatchData["channels"],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function applicationPayload(state: HarnessState): JsonRecord {
  return {
    id: state.applicationId,
    name: state.applicationName,
    icon: null,
    description: "",
    summary: "",
    type: null,
    hook: true,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: randomBytes(32).toString("hex"),
    flags: state.applicationFlags,
    owner: clone(state.owner),
    team: null,
    bot: clone(state.botUser),
    approximate_guild_count: state.guilds.length,
    approximate_user_install_count: 0,
    redirect_uris: [],
    interactions_endpoint_url: null,
    integration_types_config: { "0": {} },
    tags: [],
  };
}

export function normaliseCommand(
  state: HarnessState,
  raw: JsonRecord,
  scope: string,
  existing: APIApplicationCommand | undefined,
): APIApplicationCommand {
  const type = asNumber(raw["type"]) ?? ApplicationCommandType.ChatInput;
  const command: JsonRecord = {
    default_member_permissions: null,
    nsfw: false,
    integration_types: [0],
    contexts: null,
    ...clone(raw),
    id: existing?.id ?? snowflake(),
    application_id: state.applicationId,
    version: snowflake(),
    type,
    description: asString(raw["description"]) ?? "",
    ...(scope === "global" ? {} : { guild_id: scope }),
  };
  if (type === ApplicationCommandType.PrimaryEntryPoint) command["handler"] = raw["handler"] ?? 1;
  return command as unknown as APIApplicationCommand;
}
