/** The few settings handlers act on (never the whole config: it holds the token and the bundle secret). */
export interface HandlerSettings {
  /** /bundle answers followers only. */
  bundleRequiresFollow: boolean;
  /** How long browse buttons keep working. */
  buttonTtlMs: number;
  /** MODERATOR_ROLE_ID: roles that make a member a moderator (besides Manage Server). */
  moderatorRoleIds: readonly string[];
  /** MODERATION_GUILD_IDS: the servers where moderation works (empty: every server the bot is in). */
  moderationGuildIds?: readonly string[];
}
