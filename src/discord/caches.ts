import {
  Collection,
  DMChannel,
  Events,
  GatewayDispatchEvents,
  Options,
  type CacheFactory,
  type Client,
  type ClientOptions,
  type SweeperOptions,
} from "discord.js";

/**
 * What the bot reads from discord.js's caches: the servers it is in (client.guilds), its own user and member, and
 * DM channels while it answers a DM. Everything else a command needs (locale, member permissions and roles, the
 * app's permissions in the channel or thread, channel ids) comes with the interaction itself. So the caches keep
 * nothing else: at 50,000 servers the full caches took about 53 KB a server (2.7 GB) and garbage collection stalled
 * every command for up to 1.8 s.
 */

/**
 * A cache that keeps only what `keep` accepts, the `maxSize` most recent of them; collections derived from it
 * (filter, map…) are plain ones. It is a Collection without a maxSize property, so discord.js does not warn about
 * an overridden cache.
 */
class KeepOnly<K, V> extends Collection<K, V> {
  static override get [Symbol.species]() {
    return Collection;
  }

  constructor(
    private readonly keep: (value: V) => boolean = () => false,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    // Map's constructor calls set() before the subclass's fields exist.
    if (this.keep === undefined || !this.keep(value)) return this;
    if (!this.has(key) && this.size >= this.limit) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

// discord.js warns about any channel or role cache whose class is not named "Collection", though this one is a Collection.
Object.defineProperty(KeepOnly, "name", { value: "Collection" });

/** DM channels the bot talks in right now (message.channel is looked up in the cache); older ones are fetched again. */
const DM_CHANNELS_KEPT = 1_000;

function isDmChannel(value: unknown): boolean {
  return value instanceof DMChannel;
}

/**
 * Managers discord.js does not let cacheWithLimits type (channels, roles, permission overwrites) get a KeepOnly:
 * no guild channel, thread or role is kept; the client's channel cache keeps recent DM channels only.
 */
const KEEP_NOTHING = new Set(["GuildChannelManager", "RoleManager", "PermissionOverwriteManager"]);

const limited = Options.cacheWithLimits({
  ApplicationCommandManager: 0,
  ApplicationEmojiManager: 0,
  AutoModerationRuleManager: 0,
  BaseGuildEmojiManager: 0,
  DMMessageManager: 0,
  EntitlementManager: 0,
  GuildBanManager: 0,
  GuildEmojiManager: 0,
  GuildForumThreadManager: 0,
  GuildInviteManager: 0,
  GuildMessageManager: 0,
  GuildScheduledEventManager: 0,
  GuildStickerManager: 0,
  GuildTextThreadManager: 0,
  MessageManager: 0,
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  StageInstanceManager: 0,
  ThreadManager: 0,
  ThreadMemberManager: 0,
  VoiceStateManager: 0,
  GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
  UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
});

export const leanCache: CacheFactory = (managerType, holds, manager) => {
  const name = String(manager.name);
  if (name === "ChannelManager") return new KeepOnly(isDmChannel, DM_CHANNELS_KEPT) as ReturnType<CacheFactory>;
  if (KEEP_NOTHING.has(name)) return new KeepOnly() as ReturnType<CacheFactory>;
  return limited(managerType, holds, manager);
};

/** Caches that still hold something (the bot's own user and member) need no sweeping; these catch anything that slips in. */
export const leanSweepers: SweeperOptions = {
  ...Options.DefaultSweeperSettings,
  users: { interval: 3_600, filter: () => (user) => user.id !== user.client.user.id },
  guildMembers: { interval: 3_600, filter: () => (member) => member.id !== member.client.user.id },
  messages: { interval: 3_600, lifetime: 1_800 },
};

export const leanCacheOptions: Pick<ClientOptions, "makeCache" | "sweepers"> = { makeCache: leanCache, sweepers: leanSweepers };

/** GUILD_CREATE lists the caches above would build objects for only to drop them at once. */
const UNREAD_GUILD_LISTS = [
  "channels",
  "threads",
  "roles",
  "emojis",
  "stickers",
  "presences",
  "voice_states",
  "stage_instances",
  "guild_scheduled_events",
  "soundboard_sounds",
];

/**
 * Empties, in each GUILD_CREATE, the lists whose objects the caches would not keep (and keeps only the bot's own
 * member), before discord.js builds anything from it: the 'raw' event is emitted with the packet discord.js then
 * handles. At 24 KB a server that was most of the work of connecting a shard.
 */
export function skipUnreadGuildData(client: Client): void {
  client.on(Events.Raw, (packet: unknown) => {
    if (!isRecord(packet) || packet["t"] !== GatewayDispatchEvents.GuildCreate) return;
    const guild = packet["d"];
    if (!isRecord(guild)) return;
    for (const list of UNREAD_GUILD_LISTS) if (Array.isArray(guild[list])) guild[list] = [];
    const members = guild["members"];
    const own = client.user?.id;
    if (Array.isArray(members))
      guild["members"] = members.filter((member) => isRecord(member) && isRecord(member["user"]) && member["user"]["id"] === own);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
