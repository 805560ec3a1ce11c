/**
 * Builders for realistic gateway payloads (INTERACTION_CREATE, MESSAGE_CREATE), modelled on real captures
 * in ../shared/fixtures/real/discord/ plus the fields Discord sends today (app_permissions, locale,
 * entitlements, authorizing_integration_owners, context, channel, guild, attachment_size_limit).
 *
 * Every builder returns a fresh payload with a unique snowflake id and interaction token; defaults line up
 * with startDiscordHarness()'s defaults (DEFAULT_GUILD, DEFAULT_APPLICATION_ID, DEFAULT_USER).
 *
 * The real captures themselves are read by ./real-interactions.ts.
 */
import { randomBytes } from "node:crypto";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
} from "discord-api-types/v10";
import type {
  APIApplicationCommandAutocompleteInteraction,
  APIApplicationCommandInteractionDataOption,
  APIChatInputApplicationCommandInteraction,
  APIEntitlement,
  APIInteractionDataResolved,
  APIInteractionGuildMember,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIMessageComponentSelectMenuInteraction,
  APIUser,
  ChannelFlags,
  GuildMemberFlags,
} from "discord-api-types/v10";
import {
  DEFAULT_APP_PERMISSIONS,
  DEFAULT_APPLICATION_ID,
  DEFAULT_EVERYONE_PERMISSIONS,
  DEFAULT_GUILD,
  DEFAULT_USER,
  DM_APP_PERMISSIONS,
  dmChannelIdFor,
  snowflake,
} from "./harness/index.js";

export { dmChannelIdFor };

export type LocaleString = `${Locale}`;

/** Discord's attachment_size_limit for a guild without boosts (10 MiB). */
export const DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

export interface BaseInteractionInit {
  id?: string;
  token?: string;
  /** Default DEFAULT_APPLICATION_ID (the harness default). */
  applicationId?: string;
  /** A guild id, or null for the bot's DM (context 1, `user` instead of `member`). Default DEFAULT_GUILD.id. */
  guildId?: string | null;
  /** Default: the guild's first channel (DEFAULT_GUILD: #general) or the user's DM channel. */
  channelId?: string;
  channelName?: string;
  /** Who invoked it; merged over DEFAULT_USER. */
  user?: Partial<APIUser>;
  /** The invoking user's client locale. Default "en-US". */
  locale?: LocaleString;
  /** Guild interactions only. Default "en-US". */
  guildLocale?: LocaleString;
  /** The member's permissions (guild only). Default: @everyone's permissions in the harness guild. */
  memberPermissions?: string;
  memberRoles?: string[];
  nick?: string | null;
  /** Default DEFAULT_APP_PERMISSIONS in guilds, DM_APP_PERMISSIONS in DMs. */
  appPermissions?: string;
  entitlements?: APIEntitlement[];
  /** Override authorizing_integration_owners. Default {"0": guildId} in guilds, {"0": "0"} in bot DMs. */
  integrationOwners?: Partial<Record<ApplicationIntegrationType, string>>;
  attachmentSizeLimit?: number;
}

export interface ChatInputInit extends BaseInteractionInit {
  name: string;
  options?: APIApplicationCommandInteractionDataOption[];
  /** Default: a stable id per command name (same name → same id within a test run). */
  commandId?: string;
  resolved?: APIInteractionDataResolved;
  /** Set for guild-scoped commands (data.guild_id). */
  commandGuildId?: string;
}

export interface AutocompleteInit extends BaseInteractionInit {
  name: string;
  /** Exactly one option (possibly nested in a subcommand) must have focused: true. */
  options: APIApplicationCommandInteractionDataOption[];
  commandId?: string;
}

export interface ButtonInit extends BaseInteractionInit {
  customId: string;
  /** The message carrying the button, e.g. a recorded callback's resource.message or harness.interaction(id).original. */
  message: APIMessage;
}

export interface StringSelectInit extends ButtonInit {
  values: string[];
}

// ---------------------------------------------------------------------------------------------------

const commandIds = new Map<string, string>();

/** The id chatInput()/autocomplete() use for a command name unless given one. */
export function commandIdFor(name: string): string {
  let id = commandIds.get(name);
  if (!id) {
    id = snowflake();
    commandIds.set(name, id);
  }
  return id;
}

/** An interaction token shaped like Discord's (base64url of "interaction:<id>:<random>"). */
export function interactionToken(id: string): string {
  return Buffer.from(`interaction:${id}:${randomBytes(48).toString("base64url")}`).toString("base64url");
}

function toLocale(value: LocaleString | undefined, fallback: Locale): Locale {
  if (value === undefined) return fallback;
  const found = Object.values(Locale).find((l) => l === value);
  if (!found) throw new Error(`unknown Discord locale ${value}`);
  return found;
}

export function fullUser(partial: Partial<APIUser> | undefined): APIUser {
  return { ...DEFAULT_USER, ...partial };
}

// discord-api-types' flag enums have no 0 member.
const NO_MEMBER_FLAGS = 0 as GuildMemberFlags;
const NO_CHANNEL_FLAGS = 0 as ChannelFlags;

export function member(user: APIUser, init: BaseInteractionInit): APIInteractionGuildMember {
  return {
    user,
    roles: init.memberRoles ?? [],
    premium_since: null,
    permissions: init.memberPermissions ?? DEFAULT_EVERYONE_PERMISSIONS.toString(),
    pending: false,
    nick: init.nick ?? null,
    mute: false,
    joined_at: "2024-04-01T09:30:00.000000+00:00",
    deaf: false,
    flags: NO_MEMBER_FLAGS,
    avatar: null,
    banner: null,
    communication_disabled_until: null,
  };
}

interface Envelope {
  id: string;
  token: string;
  application_id: string;
  version: 1;
  app_permissions: string;
  locale: Locale;
  entitlements: APIEntitlement[];
  authorizing_integration_owners: Partial<Record<ApplicationIntegrationType, string>>;
  context: InteractionContextType;
  attachment_size_limit: number;
  channel_id: string;
  channel: APIChatInputApplicationCommandInteraction["channel"];
  guild_id?: string;
  guild?: { id: string; locale: Locale; features: [] };
  guild_locale?: Locale;
  member?: APIInteractionGuildMember;
  user?: APIUser;
}

function envelope(init: BaseInteractionInit): Envelope {
  const id = init.id ?? snowflake();
  const user = fullUser(init.user);
  const guildId = init.guildId === undefined ? DEFAULT_GUILD.id : init.guildId;
  const common = {
    id,
    token: init.token ?? interactionToken(id),
    application_id: init.applicationId ?? DEFAULT_APPLICATION_ID,
    version: 1 as const,
    locale: toLocale(init.locale, Locale.EnglishUS),
    entitlements: init.entitlements ?? [],
    attachment_size_limit: init.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_SIZE_LIMIT,
  };
  if (guildId === null) {
    const channelId = init.channelId ?? dmChannelIdFor(user.id);
    return {
      ...common,
      app_permissions: init.appPermissions ?? DM_APP_PERMISSIONS,
      authorizing_integration_owners: init.integrationOwners ?? { [ApplicationIntegrationType.GuildInstall]: "0" },
      context: InteractionContextType.BotDM,
      channel_id: channelId,
      channel: { id: channelId, type: ChannelType.DM, last_message_id: null, flags: NO_CHANNEL_FLAGS, recipients: [user] },
      user,
    };
  }
  const guildChannel = guildId === DEFAULT_GUILD.id ? (DEFAULT_GUILD.channels ?? [])[0] : undefined;
  const channelId = init.channelId ?? guildChannel?.id ?? snowflake();
  const channelName = init.channelName ?? (init.channelId === undefined ? guildChannel?.name : undefined) ?? "general";
  const guildLocale = toLocale(init.guildLocale, Locale.EnglishUS);
  return {
    ...common,
    app_permissions: init.appPermissions ?? DEFAULT_APP_PERMISSIONS,
    authorizing_integration_owners: init.integrationOwners ?? { [ApplicationIntegrationType.GuildInstall]: guildId },
    context: InteractionContextType.Guild,
    channel_id: channelId,
    channel: {
      id: channelId,
      type: ChannelType.GuildText,
      name: channelName,
      guild_id: guildId,
      position: 0,
      permission_overwrites: [],
      parent_id: null,
      topic: null,
      nsfw: false,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: NO_CHANNEL_FLAGS,
    },
    guild_id: guildId,
    guild: { id: guildId, locale: guildLocale, features: [] },
    guild_locale: guildLocale,
    member: member(user, init),
  };
}

/** A slash command (INTERACTION_CREATE type 2, data.type 1). */
export function chatInput(init: ChatInputInit): APIChatInputApplicationCommandInteraction {
  const base = envelope(init);
  return {
    ...base,
    type: InteractionType.ApplicationCommand,
    data: {
      id: init.commandId ?? commandIdFor(init.name),
      type: ApplicationCommandType.ChatInput,
      name: init.name,
      ...(init.options
        ? { options: init.options as APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommand>[] }
        : {}),
      ...(init.resolved ? { resolved: init.resolved } : {}),
      ...(init.commandGuildId ? { guild_id: init.commandGuildId } : {}),
    },
  };
}

function countFocused(options: readonly APIApplicationCommandInteractionDataOption[]): number {
  let count = 0;
  for (const option of options) {
    if ("focused" in option && option.focused === true) count++;
    if ("options" in option && option.options) count += countFocused(option.options);
  }
  return count;
}

/** An autocomplete request (INTERACTION_CREATE type 4); exactly one option must be focused. */
export function autocomplete(init: AutocompleteInit): APIApplicationCommandAutocompleteInteraction {
  const focused = countFocused(init.options);
  if (focused !== 1) throw new Error(`autocomplete(${init.name}) needs exactly one focused option, got ${focused}`);
  const base = envelope(init);
  return {
    ...base,
    type: InteractionType.ApplicationCommandAutocomplete,
    data: {
      id: init.commandId ?? commandIdFor(init.name),
      type: ApplicationCommandType.ChatInput,
      name: init.name,
      version: snowflake(),
      options: init.options as APIApplicationCommandInteractionDataOption<InteractionType.ApplicationCommandAutocomplete>[],
    },
  } as APIApplicationCommandAutocompleteInteraction;
}

function componentEnvelope(init: ButtonInit): Envelope {
  return envelope({ ...init, channelId: init.channelId ?? init.message.channel_id });
}

/** A button press (INTERACTION_CREATE type 3, component_type 2) on `message`. */
export function button(init: ButtonInit): APIMessageComponentButtonInteraction {
  return {
    ...componentEnvelope(init),
    type: InteractionType.MessageComponent,
    message: structuredClone(init.message),
    data: { custom_id: init.customId, component_type: ComponentType.Button },
  };
}

/** A string select choice (INTERACTION_CREATE type 3, component_type 3) on `message`. */
export function stringSelect(init: StringSelectInit): APIMessageComponentSelectMenuInteraction {
  return {
    ...componentEnvelope(init),
    type: InteractionType.MessageComponent,
    message: structuredClone(init.message),
    data: { custom_id: init.customId, component_type: ComponentType.StringSelect, values: [...init.values] },
  };
}

/** Options for chatInput()/autocomplete(), e.g. `option.string("query", "attention")`. */
export const option = {
  string: (name: string, value: string): APIApplicationCommandInteractionDataOption => ({
    type: ApplicationCommandOptionType.String,
    name,
    value,
  }),
  integer: (name: string, value: number): APIApplicationCommandInteractionDataOption => ({
    type: ApplicationCommandOptionType.Integer,
    name,
    value,
  }),
  number: (name: string, value: number): APIApplicationCommandInteractionDataOption => ({
    type: ApplicationCommandOptionType.Number,
    name,
    value,
  }),
  boolean: (name: string, value: boolean): APIApplicationCommandInteractionDataOption => ({
    type: ApplicationCommandOptionType.Boolean,
    name,
    value,
  }),
  user: (name: string, userId: string): APIApplicationCommandInteractionDataOption => ({
    type: ApplicationCommandOptionType.User,
    name,
    value: userId,
  }),
  channel: (name: string, channelId: string): APIApplicationCommandInteractionDataOption => ({
    type: ApplicationCommandOptionType.Channel,
    name,
    value: channelId,
  }),
  /** The option being typed in an autocomplete request; Discord sends its value as a string whatever the type. */
  focused: (
    name: string,
    partial: string,
    type:
      | ApplicationCommandOptionType.String
      | ApplicationCommandOptionType.Integer
      | ApplicationCommandOptionType.Number = ApplicationCommandOptionType.String,
  ): APIApplicationCommandInteractionDataOption =>
    ({ type, name, value: partial, focused: true }) as APIApplicationCommandInteractionDataOption,
  subcommand: (name: string, options: APIApplicationCommandInteractionDataOption[] = []): APIApplicationCommandInteractionDataOption =>
    ({ type: ApplicationCommandOptionType.Subcommand, name, options }) as APIApplicationCommandInteractionDataOption,
  group: (name: string, subcommands: APIApplicationCommandInteractionDataOption[]): APIApplicationCommandInteractionDataOption =>
    ({ type: ApplicationCommandOptionType.SubcommandGroup, name, options: subcommands }) as APIApplicationCommandInteractionDataOption,
};

// ---------------------------------------------------------------------------------------------------
// Real captured payloads from ../shared (read-only; never copied into the repo)
// ---------------------------------------------------------------------------------------------------
