import { MessageFlags, PermissionFlagsBits, type Interaction } from "discord.js";
import { localeFromDiscord } from "../i18n/index.js";
import type { Requester } from "./command.js";
import type { InteractionFacts } from "./gateway-interactions.js";
import { messageRows } from "./vote-edits.js";

/**
 * Who is asking, and from where, in our vocabulary: what every handler gets instead of the discord.js interaction.
 * `facts` (from the gateway packet) carry the member's roles; without them they come from discord.js's member object.
 */
export function requesterOf(interaction: Interaction, facts?: InteractionFacts): Requester {
  return {
    userId: interaction.user.id,
    username: interaction.user.username,
    locale: localeFromDiscord(interaction.locale),
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    canManageGuild: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
    roleIds: facts ? (facts.memberRoleIds ?? []) : memberRoleIds(interaction),
    canPostInChannel: canPostIn(interaction),
    isBot: interaction.user.bot,
    ...pressedMessage(interaction),
  };
}

/** The message a button is on, with its rows in our vocabulary (a vote press answers with them relabelled). */
function pressedMessage(interaction: Interaction): Pick<Requester, "message"> {
  if (!interaction.isButton()) return {};
  const components = messageRows(interaction.message.components.map((component) => component.toJSON()));
  if (!components) return {};
  const ephemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
  return {
    message: { id: interaction.message.id, channelId: interaction.message.channelId, components, ...(ephemeral ? { ephemeral } : {}) },
  };
}

/** Interactions carry the member's and the bot's permissions in the channel they came from (overwrites applied). */
function canPostIn(interaction: Interaction): boolean {
  if (!interaction.inGuild()) return false;
  const send = interaction.channel?.isThread() ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  const needed = [PermissionFlagsBits.ViewChannel, send, PermissionFlagsBits.EmbedLinks];
  return [interaction.memberPermissions, interaction.appPermissions].every((permissions) => permissions?.has(needed) ?? false);
}

/** A cached GuildMember has a role manager; an uncached one (API member) a plain id list. */
function memberRoleIds(interaction: Interaction): string[] {
  const roles = interaction.member?.roles;
  if (!roles) return [];
  return Array.isArray(roles) ? [...roles] : [...roles.cache.keys()].filter((id) => id !== interaction.guildId);
}
