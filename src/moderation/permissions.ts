import type { Requester, Reply } from "../shared/reply.js";
import type { HandlerSettings } from "../shared/settings.js";
import { notice } from "../shared/embeds.js";

/** Anything that carries the handler settings (a BotContext does). */
type SettingsHolder = { readonly settings: HandlerSettings };

/** MODERATION_GUILD_IDS: when set, the shared reading list is moderated only from those servers. */
export function isModerationGuild(ctx: SettingsHolder, guildId: string | null | undefined): boolean {
  if (!guildId) return false;
  const allowed = ctx.settings.moderationGuildIds ?? [];
  return allowed.length === 0 || allowed.includes(guildId);
}

/**
 * Manage Server in the guild, or one of MODERATOR_ROLE_ID's roles: who runs this server's own settings (its digest
 * channel, its channel follows), in every server the bot is in. MODERATION_GUILD_IDS does not limit it.
 */
export function managesGuild(ctx: SettingsHolder, requester: Requester): boolean {
  if (!requester.guildId) return false;
  if (requester.canManageGuild) return true;
  const roles = new Set(requester.roleIds ?? []);
  return ctx.settings.moderatorRoleIds.some((id) => roles.has(id));
}

/** Moderates the one shared reading list: manages a server that is a moderation guild. Never outside a guild. */
export function isModerator(ctx: SettingsHolder, requester: Requester): boolean {
  return isModerationGuild(ctx, requester.guildId) && managesGuild(ctx, requester);
}

/** The refusal every shared-list moderator command and button answers with first; null lets the moderator through. */
export function refuseUnlessModerator(ctx: SettingsHolder, requester: Requester): Reply | null {
  if (!requester.guildId) return notice(requester.locale, "moderation.guildOnly");
  if (!isModerationGuild(ctx, requester.guildId)) return notice(requester.locale, "moderation.otherGuild");
  return isModerator(ctx, requester) ? null : notice(requester.locale, "moderation.notModerator");
}

/** The refusal for a server's own settings (`/digest`): Manage Server or the moderator role, in any server. */
export function refuseUnlessGuildManager(ctx: SettingsHolder, requester: Requester): Reply | null {
  if (!requester.guildId) return notice(requester.locale, "moderation.guildOnly");
  return managesGuild(ctx, requester) ? null : notice(requester.locale, "moderation.notModerator");
}

/** Who did it, as the audit log records it. */
export const actorOf = (requester: Requester) => ({ id: requester.userId, name: requester.username });
