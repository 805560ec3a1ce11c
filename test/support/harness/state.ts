/** What the loopback Discord knows: its bot and guild, users, channels and messages, interactions and commands. */
import {
  ChannelType,
  MessageFlags,
  type APIApplicationCommand,
  type APIGuildMember,
  type APIMessage,
  type APIUser,
} from "discord-api-types/v10";
import {
  DEFAULT_BOT_USER,
  DEFAULT_GUILD,
  DEFAULT_USER,
  NO_MEMBER_FLAGS,
  dmChannelIdFor,
  snowflake,
  type HarnessGuildConfig,
} from "./ids.js";
import { asNumber, asRecord, asString, clone, fullUser } from "./json.js";
import { botMember, channelPayload } from "./payloads.js";
import type { ChannelState, CommandWriteRecord, InteractionRecord, JsonRecord } from "./types.js";

export class HarnessState {
  readonly botUser: APIUser = { ...DEFAULT_BOT_USER };
  /** For bots the application id equals the bot user's id. */
  readonly applicationId = DEFAULT_BOT_USER.id;
  readonly applicationName = DEFAULT_BOT_USER.username;
  readonly applicationFlags: number = 0;
  readonly owner: APIUser = fullUser(DEFAULT_USER);
  readonly guilds: readonly HarnessGuildConfig[] = [clone(DEFAULT_GUILD)];
  readonly botRoleId = new Map<string, string>();
  readonly users = new Map<string, APIUser>();
  readonly channels = new Map<string, ChannelState>();
  /** enforce_nonce: "<channel>:<nonce>" → the message it created. */
  readonly messagesByNonce = new Map<string, APIMessage>();
  readonly dmChannelByUser = new Map<string, string>();
  readonly guildMembers = new Map<string, Map<string, APIGuildMember>>();
  readonly interactionsById = new Map<string, InteractionRecord>();
  readonly interactionsByToken = new Map<string, InteractionRecord>();
  readonly commandStore = new Map<string, APIApplicationCommand[]>();
  readonly commandWrites: CommandWriteRecord[] = [];
  /** Called with each thread the bot opens (the harness dispatches THREAD_CREATE); see threads.ts. */
  onThreadCreated: ((thread: JsonRecord) => void) | null = null;

  constructor() {
    this.rememberUser(this.botUser);
    this.rememberUser(this.owner);
    for (const guild of this.guilds) {
      this.botRoleId.set(guild.id, snowflake());
      for (const channel of guild.channels) {
        this.channels.set(channel.id, {
          channel: channelPayload(guild, channel),
          guildId: guild.id,
          recipientId: null,
          messages: new Map(),
        });
      }
      this.guildMembers.set(guild.id, new Map([[this.botUser.id, botMember(this, guild)]]));
    }
  }

  /** The commands currently registered (global, or for a guild). */
  registeredCommands(guildId?: string): APIApplicationCommand[] {
    return clone(this.commandStore.get(guildId ?? "global") ?? []);
  }

  /** Learn users, channels, members and interactions from what tests dispatch. */
  observeDispatch(event: string, data: unknown): void {
    const d = asRecord(data);
    if (!d) return;
    if (event === "INTERACTION_CREATE") {
      this.registerInteraction(d);
      return;
    }
    if (event === "MESSAGE_CREATE") {
      const author = asRecord(d["author"]);
      const user = this.rememberUser(author);
      const channelId = asString(d["channel_id"]);
      const guildId = asString(d["guild_id"]);
      if (!channelId) return;
      if (guildId) {
        this.ensureChannel(channelId, { id: channelId, type: ChannelType.GuildText, guild_id: guildId }, guildId, null);
        const member = asRecord(d["member"]);
        if (user && member) this.rememberMember(guildId, { ...member, user });
      } else if (user) {
        this.ensureDmChannel(user, channelId);
      }
      const id = asString(d["id"]);
      if (id) {
        const { guild_id: _guild, member: _member, channel_type: _channelType, ...message } = d;
        this.channels.get(channelId)?.messages.set(id, clone(message) as unknown as APIMessage);
      }
    }
  }

  registerInteraction(d: JsonRecord): void {
    const id = asString(d["id"]);
    const token = asString(d["token"]);
    if (!id || !token) return;
    const member = asRecord(d["member"]);
    const user = this.rememberUser(asRecord(d["user"]) ?? asRecord(member?.["user"]));
    const guildId = asString(d["guild_id"]);
    if (guildId && member && user) this.rememberMember(guildId, { ...member, user });
    const channel = asRecord(d["channel"]);
    const channelId = asString(d["channel_id"]) ?? asString(channel?.["id"]);
    if (channelId) {
      const channelType = asNumber(channel?.["type"]);
      if (channelType === ChannelType.DM || (!guildId && channelType === null)) {
        if (user) this.ensureDmChannel(user, channelId);
      } else {
        this.ensureChannel(
          channelId,
          channel ?? { id: channelId, type: ChannelType.GuildText, ...(guildId ? { guild_id: guildId } : {}) },
          guildId,
          null,
        );
      }
    }
    const dataRecord = asRecord(d["data"]);
    const resolvedUsers = asRecord(asRecord(dataRecord?.["resolved"])?.["users"]);
    for (const resolved of Object.values(resolvedUsers ?? {})) this.rememberUser(asRecord(resolved));
    const sourceMessage = asRecord(d["message"]);
    const sourceChannel = asString(sourceMessage?.["channel_id"]) ?? channelId;
    if (sourceMessage && sourceChannel && typeof sourceMessage["id"] === "string") {
      const state = this.channels.get(sourceChannel);
      if (state && !state.messages.has(sourceMessage["id"]))
        state.messages.set(sourceMessage["id"], clone(sourceMessage) as unknown as APIMessage);
    }
    const record: InteractionRecord = {
      id,
      token,
      type: asNumber(d["type"]) ?? 0,
      applicationId: asString(d["application_id"]),
      guildId,
      channelId,
      user,
      commandName: asString(dataRecord?.["name"]),
      customId: asString(dataRecord?.["custom_id"]),
      payload: clone(d),
      dispatchedAt: performance.now(),
      callback: null,
      original: null,
      originalDeleted: false,
      followups: [],
      choices: null,
      modal: null,
    };
    this.interactionsById.set(id, record);
    this.interactionsByToken.set(token, record);
  }

  rememberUser(raw: JsonRecord | APIUser | null | undefined): APIUser | null {
    if (!raw) return null;
    const id = asString(raw["id"]);
    const username = asString(raw["username"]);
    if (!id || !username) return null;
    const user: APIUser = {
      ...(clone(raw) as unknown as APIUser),
      id,
      username,
      discriminator: asString(raw["discriminator"]) ?? "0",
      global_name: asString(raw["global_name"]),
      avatar: asString(raw["avatar"]),
    };
    this.users.set(id, { ...this.users.get(id), ...user });
    return user;
  }

  rememberMember(guildId: string, member: JsonRecord & { user: APIUser }): void {
    let members = this.guildMembers.get(guildId);
    if (!members) {
      members = new Map();
      this.guildMembers.set(guildId, members);
    }
    const { permissions: _permissions, ...rest } = member;
    const given = clone(rest) as unknown as Partial<APIGuildMember>;
    members.set(member.user.id, {
      nick: null,
      roles: [],
      joined_at: null,
      deaf: false,
      mute: false,
      flags: NO_MEMBER_FLAGS,
      ...given,
      user: member.user,
    });
  }

  ensureChannel(id: string, channel: JsonRecord, guildId: string | null, recipientId: string | null): ChannelState {
    let state = this.channels.get(id);
    if (!state) {
      const { permissions: _permissions, ...rest } = channel;
      state = { channel: { ...clone(rest), ...(guildId ? { guild_id: guildId } : {}) }, guildId, recipientId, messages: new Map() };
      this.channels.set(id, state);
    }
    return state;
  }

  ensureDmChannel(user: APIUser, channelId?: string): ChannelState {
    const id = channelId ?? this.dmChannelByUser.get(user.id) ?? dmChannelIdFor(user.id);
    if (!this.dmChannelByUser.has(user.id)) this.dmChannelByUser.set(user.id, id);
    return this.ensureChannel(id, { id, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [clone(user)] }, null, user.id);
  }

  storeMessage(message: APIMessage): void {
    if ((message.flags ?? 0) & MessageFlags.Ephemeral) return;
    this.channels.get(message.channel_id)?.messages.set(message.id, clone(message));
  }
}
