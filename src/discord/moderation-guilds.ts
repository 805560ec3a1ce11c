import { Events, type Client } from "discord.js";
import type { Logger } from "../logger.js";

/**
 * Without MODERATION_GUILD_IDS, Manage Server in any server the bot is in moderates the one shared reading list:
 * say so loudly once the bot is in more than one server (at start, or when it joins another).
 * With it, say so when none of the named servers is one the bot is in (a typo, a channel id): nobody can moderate.
 * Checked once the guild list is known (ready) and again whenever the bot joins or leaves a server.
 */
export function warnIfModerationIsOpen(client: Client, guildIds: readonly string[], logger: Logger): void {
  if (guildIds.length > 0) {
    warnIfNoModerationGuild(client, guildIds, logger);
    return;
  }
  let warned = false;
  const check = () => {
    const guilds = client.guilds.cache.size;
    if (warned || guilds <= 1) return;
    warned = true;
    logger.warn(
      "MODERATION_GUILD_IDS is not set: Manage Server in ANY of the bot's servers can add, edit and remove papers and send alerts to every follower; set it to your server's id",
      { guilds },
    );
  };
  client.on(Events.ClientReady, check);
  client.on(Events.GuildCreate, check);
}

function warnIfNoModerationGuild(client: Client, guildIds: readonly string[], logger: Logger): void {
  let ready = false;
  let reachable: boolean | undefined;
  const check = () => {
    if (!ready) return;
    const now = guildIds.some((id) => client.guilds.cache.has(id));
    if (now === reachable) return;
    const before = reachable;
    reachable = now;
    if (!now) {
      logger.warn(
        "MODERATION_GUILD_IDS names no server the bot is in: nobody can add, edit, remove or review papers; check the ids (Server Settings → Widget, or Copy Server ID)",
        { moderationGuildIds: guildIds, guilds: client.guilds.cache.size },
      );
    } else if (before === false) {
      logger.info("MODERATION_GUILD_IDS: the bot is now in a moderation server; moderation works again", {
        moderationGuildIds: guildIds.filter((id) => client.guilds.cache.has(id)),
      });
    }
  };
  client.on(Events.ClientReady, () => {
    ready = true;
    check();
  });
  client.on(Events.GuildCreate, check);
  client.on(Events.GuildDelete, check);
}
