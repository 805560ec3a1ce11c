import { Events, type Client } from "discord.js";
import type { Logger } from "../logger.js";

/**
 * Without MODERATION_GUILD_IDS, Manage Server in any server the bot is in moderates the one shared reading list:
 * say so loudly once the bot is in more than one server (at start, or when it joins another).
 */
export function warnIfModerationIsOpen(client: Client, guildIds: readonly string[], logger: Logger): void {
  if (guildIds.length > 0) return;
  let warned = false;
  const check = () => {
    const guilds = client.guilds.cache.size;
    if (warned || guilds <= 1) return;
    warned = true;
    logger.warn("MODERATION_GUILD_IDS is not set: Manage Server in ANY of the bot's servers can add, edit and remove papers and send alerts to every follower; set it to your server's id", { guilds });
  };
  client.on(Events.ClientReady, check);
  client.on(Events.GuildCreate, check);
}
