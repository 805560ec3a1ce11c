/** Helpers for the moderation tests: sending interactions, modal submissions, a guild with a moderator role. */
import {
  ComponentType,
  Events,
  InteractionType,
  PermissionFlagsBits,
  type APIMessage,
  type APIModalSubmitInteraction,
  type Role,
} from "discord.js";
import { DEFAULT_EVERYONE_PERMISSIONS, DEFAULT_GUILD } from "./harness/index.js";
import { button, chatInput, type BaseInteractionInit } from "./interactions.js";
import type { TestBot } from "./bot.js";
import { original, send, type CallbackBody } from "./e2e.js";

export { original, send, type CallbackBody };

export const MOD_ROLE = "1200000000000000077";
export const MODERATOR = { id: "1300000000000000201", username: "mod-mina" };
export const ROLE_MODERATOR = { id: "1300000000000000202", username: "mod-by-role" };
export const MEMBER = { id: "1300000000000000203", username: "member-max" };
export const MANAGE_GUILD = (DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageGuild).toString();

/**
 * Creates a role in the harness guild the way Discord announces one (GUILD_ROLE_CREATE); resolves once the bot has
 * processed it. The bot keeps no roles in its cache (members' role ids come with each interaction), so this waits
 * for discord.js's roleCreate event rather than for the cache.
 */
export async function createGuildRole(t: TestBot, roleId: string, name: string): Promise<void> {
  const processed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      t.bot.client.off(Events.GuildRoleCreate, onRole);
      reject(new Error(`role ${roleId} never reached the bot`));
    }, 5000);
    const onRole = (role: Role) => {
      if (role.id !== roleId) return;
      clearTimeout(timer);
      t.bot.client.off(Events.GuildRoleCreate, onRole);
      resolve();
    };
    t.bot.client.on(Events.GuildRoleCreate, onRole);
  });
  t.harness.dispatch("GUILD_ROLE_CREATE", {
    guild_id: DEFAULT_GUILD.id,
    role: {
      id: roleId,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: 1,
      permissions: "0",
      managed: false,
      mentionable: true,
      flags: 0,
    },
  });
  await processed;
}

/** Interaction fields for each kind of person. */
export const as = {
  moderator: { user: MODERATOR, memberPermissions: MANAGE_GUILD } satisfies BaseInteractionInit,
  roleModerator: { user: ROLE_MODERATOR, memberRoles: [MOD_ROLE] } satisfies BaseInteractionInit,
  member: { user: MEMBER } satisfies BaseInteractionInit,
};

export function customIds(body: CallbackBody): string[] {
  return (body.data.components ?? []).flatMap((row) =>
    row.components.map((component) => String(component["custom_id"] ?? component["url"])),
  );
}

/** Runs a slash command and returns its answer and the message it made (for pressing its buttons). */
export async function command(
  t: TestBot,
  init: Parameters<typeof chatInput>[0],
): Promise<{ body: CallbackBody; message: () => APIMessage }> {
  const payload = chatInput(init);
  const body = await send(t, payload);
  return { body, message: () => original(t, payload) };
}

export function press(init: Parameters<typeof button>[0]) {
  return button(init);
}

/** A modal submission (INTERACTION_CREATE type 5) with text inputs, optionally from a message's button. */
export function modalSubmit(
  init: Parameters<typeof button>[0] extends infer B
    ? Omit<B & object, "message"> & { message?: APIMessage; fields: Record<string, string> }
    : never,
): APIModalSubmitInteraction {
  const { fields, message, ...rest } = init;
  const carrier = message ?? (button({ ...rest, message: placeholderMessage(rest.channelId) }).message as APIMessage);
  const base = button({ ...rest, message: carrier });
  const { data: _data, message: _message, ...envelope } = base;
  return {
    ...envelope,
    type: InteractionType.ModalSubmit,
    ...(message ? { message: structuredClone(message) } : {}),
    data: {
      custom_id: init.customId,
      components: Object.entries(fields).map(([customId, value]) => ({
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id: customId, value }],
      })),
    },
  } as APIModalSubmitInteraction;
}

function placeholderMessage(channelId: string | undefined): APIMessage {
  return {
    id: "1400000000000000001",
    channel_id: channelId ?? (DEFAULT_GUILD.channels ?? [])[0]?.id ?? "0",
    author: { id: "0", username: "x", discriminator: "0", global_name: null, avatar: null },
    content: "",
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
  } as APIMessage;
}
