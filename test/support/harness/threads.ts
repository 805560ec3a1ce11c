/**
 * Threads, forum channels and their tags, and the bot's channel permissions, as Discord answers them:
 * POST /channels/{id}/messages/{msg}/threads, POST /channels/{id}/threads (forum posts with applied_tags),
 * GET/PATCH /channels/{id} (available_tags, at most 20), GET /guilds/{id}/roles, GET /guilds/{id}/members/{user}.
 * Missing View Channel answers 403 50001, a missing permission 403 50013, as Discord does.
 */
import { ChannelType, MessageFlags, MessageType, PermissionFlagsBits } from "discord-api-types/v10";
import { DEFAULT_BOT_ROLE_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, snowflake } from "./ids.js";
import { asArray, asNumber, asRecord, asString, charLength, clone, jsonError, nowIso, ok, unknownChannel, unknownMessage } from "./json.js";
import { newMessage } from "./messages.js";
import { botMember } from "./payloads.js";
import type { HarnessState } from "./state.js";
import type { ChannelState, HarnessResponse, JsonRecord, Route, RouteContext } from "./types.js";
import { emptyMessage, formErrorResponse, isEmptyMessage, validateMessageBody } from "./validation.js";

const P = PermissionFlagsBits;
export const MAX_FORUM_TAGS = 20;
export const MAX_APPLIED_TAGS = 5;
const THREAD_TYPES = new Set<number>([ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread]);
const ALL_PERMISSIONS = Object.values(P).reduce((all, bit) => all | bit, 0n);

export const missingPermissions = (): HarnessResponse => jsonError(403, 50013, "Missing Permissions");
const missingAccess = (): HarnessResponse => jsonError(403, 50001, "Missing Access");

function isThread(channel: JsonRecord): boolean {
  return THREAD_TYPES.has(asNumber(channel["type"]) ?? -1);
}

/** The bot's permissions in a guild channel (a thread reads its parent's overwrites); null for DMs and unknown channels. */
export function botPermissionsIn(state: HarnessState, channelId: string): bigint | null {
  const found = state.channels.get(channelId);
  if (!found || found.guildId === null) return null;
  const parentId = isThread(found.channel) ? asString(found.channel["parent_id"]) : null;
  const target = parentId ? (state.channels.get(parentId) ?? found) : found;
  const guildId = found.guildId;
  const botRole = state.botRoleId.get(guildId) ?? guildId;
  let permissions = DEFAULT_EVERYONE_PERMISSIONS | DEFAULT_BOT_ROLE_PERMISSIONS;
  if (permissions & P.Administrator) return ALL_PERMISSIONS;
  const overwrites = (asArray(target.channel["permission_overwrites"]) ?? []).map((raw) => asRecord(raw) ?? {});
  const apply = (overwrite: JsonRecord | undefined) => {
    if (!overwrite) return;
    permissions &= ~BigInt(asString(overwrite["deny"]) ?? "0");
    permissions |= BigInt(asString(overwrite["allow"]) ?? "0");
  };
  apply(overwrites.find((o) => o["id"] === guildId));
  apply(overwrites.find((o) => o["id"] === botRole && o["type"] === 0));
  apply(overwrites.find((o) => o["id"] === state.botUser.id && o["type"] === 1));
  return permissions;
}

/** 403 unless the bot may see the channel and has every permission in `needed`; null when allowed. */
export function requireBotPermissions(state: HarnessState, channelId: string, needed: bigint): HarnessResponse | null {
  const permissions = botPermissionsIn(state, channelId);
  if (permissions === null) return null;
  if ((permissions & P.ViewChannel) === 0n) return missingAccess();
  return (permissions & needed) === needed ? null : missingPermissions();
}

/** What posting a message in this channel needs (threads: Send Messages in Threads), or Discord's refusal of the type. */
export function messagePostCheck(state: HarnessState, channelId: string): HarnessResponse | null {
  const found = state.channels.get(channelId);
  if (!found || found.guildId === null) return null;
  const type = asNumber(found.channel["type"]);
  if (type === ChannelType.GuildForum || type === ChannelType.GuildMedia)
    return jsonError(400, 50008, "Cannot send messages in a non-text channel");
  return requireBotPermissions(state, channelId, isThread(found.channel) ? P.SendMessagesInThreads : P.SendMessages);
}

function threadName(errors: Parameters<typeof formErrorResponse>[0], name: unknown): void {
  if (typeof name !== "string") errors.push({ path: ["name"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
  else if (charLength(name) < 1 || charLength(name) > 100)
    errors.push({ path: ["name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
}

const ARCHIVE_DURATIONS = new Set([60, 1440, 4320, 10080]);

function archiveDuration(errors: Parameters<typeof formErrorResponse>[0], body: JsonRecord): number {
  const value = body["auto_archive_duration"];
  if (value === undefined || value === null) return 4320;
  const minutes = asNumber(value);
  if (minutes === null || !ARCHIVE_DURATIONS.has(minutes))
    errors.push({ path: ["auto_archive_duration"], code: "BASE_TYPE_CHOICES", message: "Value must be one of {60, 1440, 4320, 10080}." });
  return minutes ?? 4320;
}

function newThread(state: HarnessState, parent: ChannelState, id: string, name: string, minutes: number, tags: string[]): JsonRecord {
  const thread: JsonRecord = {
    id,
    type: ChannelType.PublicThread,
    guild_id: parent.guildId,
    parent_id: parent.channel["id"],
    owner_id: state.botUser.id,
    name,
    last_message_id: null,
    message_count: 0,
    member_count: 1,
    rate_limit_per_user: 0,
    flags: 0,
    total_message_sent: 0,
    applied_tags: tags,
    thread_metadata: {
      archived: false,
      auto_archive_duration: minutes,
      archive_timestamp: nowIso(),
      locked: false,
      create_timestamp: nowIso(),
    },
    member: { id, user_id: state.botUser.id, join_timestamp: nowIso(), flags: 0 },
  };
  state.channels.set(id, { channel: thread, guildId: parent.guildId, recipientId: null, messages: new Map() });
  // Discord tells the bot about the thread it opened (Guilds intent).
  state.onThreadCreated?.({ ...clone(thread), newly_created: true });
  return thread;
}

function startThreadFromMessage(state: HarnessState, ctx: RouteContext): HarnessResponse {
  const channelId = ctx.params["channel"] ?? "";
  const parent = state.channels.get(channelId);
  if (!parent) return unknownChannel();
  const type = asNumber(parent.channel["type"]);
  if (type !== ChannelType.GuildText && type !== ChannelType.GuildAnnouncement)
    return jsonError(400, 50024, "Cannot execute action on this channel type");
  const refused = requireBotPermissions(state, channelId, P.CreatePublicThreads);
  if (refused) return refused;
  const message = parent.messages.get(ctx.params["message"] ?? "");
  if (!message) return unknownMessage();
  if (message.thread) return jsonError(400, 160004, "A thread has already been created for this message");
  const body = ctx.body ?? {};
  const errors: Parameters<typeof formErrorResponse>[0] = [];
  threadName(errors, body["name"]);
  const minutes = archiveDuration(errors, body);
  if (errors.length) return formErrorResponse(errors);
  // A thread started from a message has the message's id.
  const thread = newThread(state, parent, message.id, String(body["name"]), minutes, []);
  message.thread = clone(thread) as unknown as NonNullable<typeof message.thread>;
  message.flags = (message.flags ?? 0) | MessageFlags.HasThread;
  return ok(clone(thread));
}

function createForumPost(state: HarnessState, ctx: RouteContext): HarnessResponse {
  const channelId = ctx.params["channel"] ?? "";
  const parent = state.channels.get(channelId);
  if (!parent) return unknownChannel();
  const type = asNumber(parent.channel["type"]);
  if (type !== ChannelType.GuildForum && type !== ChannelType.GuildMedia)
    // Threads without a message in text channels (private/public) are not used by the bot; Discord's refusal for the rest.
    return jsonError(400, 50024, "Cannot execute action on this channel type");
  // In a forum, Send Messages is "Create Posts".
  const refused = requireBotPermissions(state, channelId, P.SendMessages);
  if (refused) return refused;
  const body = ctx.body ?? {};
  const errors: Parameters<typeof formErrorResponse>[0] = [];
  threadName(errors, body["name"]);
  const minutes = archiveDuration(errors, body);
  const message = asRecord(body["message"]);
  if (!message) errors.push({ path: ["message"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
  else errors.push(...validateMessageBody(message, ["message"]));
  const available = (asArray(parent.channel["available_tags"]) ?? []).map((tag) => asRecord(tag) ?? {});
  const applied = asArray(body["applied_tags"]) ?? [];
  if (applied.length > MAX_APPLIED_TAGS)
    errors.push({ path: ["applied_tags"], code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${MAX_APPLIED_TAGS} or fewer in length.` });
  applied.forEach((id, i) => {
    if (!available.some((tag) => tag["id"] === id))
      errors.push({ path: ["applied_tags", i], code: "FORUM_TAG_INVALID", message: "Unknown tag" });
  });
  const flags = asNumber(parent.channel["flags"]) ?? 0;
  if (flags & 16 && applied.length === 0)
    errors.push({
      path: ["applied_tags"],
      code: "REQUIRED_TAG_MISSING",
      message: "A tag is required to create a forum post in this channel",
    });
  if (errors.length) return formErrorResponse(errors);
  if (!message || isEmptyMessage(message, ctx.request.files.length)) return emptyMessage();
  const id = snowflake();
  const thread = newThread(state, parent, id, String(body["name"]), minutes, applied.map(String));
  const threadState = state.channels.get(id);
  // The starter message has the thread's id.
  const starter = { ...newMessage(state, id, message, ctx.request.files, { type: MessageType.Default }), id };
  threadState?.messages.set(id, clone(starter));
  thread["last_message_id"] = id;
  thread["message_count"] = 1;
  return ok({ ...clone(thread), message: clone(starter) });
}

function validateTags(tags: unknown[]): Parameters<typeof formErrorResponse>[0] {
  const errors: Parameters<typeof formErrorResponse>[0] = [];
  if (tags.length > MAX_FORUM_TAGS)
    errors.push({ path: ["available_tags"], code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${MAX_FORUM_TAGS} or fewer in length.` });
  const names = new Set<string>();
  tags.forEach((raw, i) => {
    const tag = asRecord(raw);
    const name = asString(tag?.["name"]);
    if (name === null) errors.push({ path: ["available_tags", i, "name"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    else if (charLength(name) < 1 || charLength(name) > 20)
      errors.push({ path: ["available_tags", i, "name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 20 in length." });
    else if (names.has(name))
      errors.push({ path: ["available_tags", i, "name"], code: "FORUM_TAG_NAME_DUPLICATE", message: "Tag names must be unique" });
    if (name !== null) names.add(name);
  });
  return errors;
}

function modifyChannel(state: HarnessState, ctx: RouteContext): HarnessResponse {
  const channelId = ctx.params["channel"] ?? "";
  const found = state.channels.get(channelId);
  if (!found || found.guildId === null) return unknownChannel();
  const body = ctx.body ?? {};
  const onlyTags = Object.keys(body).every((key) => key === "available_tags");
  // Editing a forum's tags takes Manage Channels (or Manage Threads for the tags alone); anything else Manage Channels.
  const permissions = botPermissionsIn(state, channelId) ?? 0n;
  if ((permissions & P.ViewChannel) === 0n) return missingAccess();
  const allowed = (permissions & P.ManageChannels) !== 0n || (onlyTags && (permissions & P.ManageThreads) !== 0n);
  if (!allowed) return missingPermissions();
  const errors: Parameters<typeof formErrorResponse>[0] = [];
  const name = body["name"];
  if (name !== undefined && (typeof name !== "string" || charLength(name) < 1 || charLength(name) > 100))
    errors.push({ path: ["name"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 100 in length." });
  const tags = body["available_tags"] === undefined ? null : asArray(body["available_tags"]);
  if (body["available_tags"] !== undefined && tags === null)
    errors.push({ path: ["available_tags"], code: "BASE_TYPE_ARRAY", message: "Must be an array" });
  if (tags) errors.push(...validateTags(tags));
  if (errors.length) return formErrorResponse(errors);
  if (typeof name === "string") found.channel["name"] = name;
  if (typeof body["topic"] === "string" || body["topic"] === null) found.channel["topic"] = body["topic"];
  if (tags) {
    found.channel["available_tags"] = tags.map((raw) => {
      const tag = asRecord(raw) ?? {};
      return {
        id: asString(tag["id"]) ?? snowflake(),
        name: asString(tag["name"]) ?? "",
        moderated: tag["moderated"] === true,
        emoji_id: asString(tag["emoji_id"]),
        emoji_name: asString(tag["emoji_name"]),
      };
    });
  }
  return ok(clone(found.channel));
}

function getChannel(state: HarnessState, ctx: RouteContext): HarnessResponse {
  const channelId = ctx.params["channel"] ?? "";
  const found = state.channels.get(channelId);
  if (!found) return unknownChannel();
  const permissions = botPermissionsIn(state, channelId);
  if (permissions !== null && (permissions & P.ViewChannel) === 0n) return missingAccess();
  return ok(clone(found.channel));
}

function guildRolesAnswer(state: HarnessState, ctx: RouteContext): HarnessResponse {
  const guildId = ctx.params["guild"] ?? "";
  if (!state.guilds.some((guild) => guild.id === guildId)) return missingAccess();
  const botRole = state.botRoleId.get(guildId) ?? guildId;
  return ok([
    { id: guildId, name: "@everyone", permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(), position: 0, managed: false },
    { id: botRole, name: state.botUser.username, permissions: DEFAULT_BOT_ROLE_PERMISSIONS.toString(), position: 1, managed: true },
  ]);
}

function guildMemberAnswer(state: HarnessState, ctx: RouteContext): HarnessResponse {
  const guild = state.guilds.find((candidate) => candidate.id === ctx.params["guild"]);
  if (!guild) return missingAccess();
  const userId = ctx.params["user"] ?? "";
  const member = userId === state.botUser.id ? botMember(state, guild) : state.guildMembers.get(guild.id)?.get(userId);
  return member ? ok(clone(member)) : jsonError(404, 10007, "Unknown Member");
}

export function threadRoutes(state: HarnessState): Route[] {
  const route = (method: string, pattern: string, handle: Route["handle"]): Route => ({ method, pattern, handle, auth: true });
  return [
    route("GET", "/channels/:channel", (ctx) => getChannel(state, ctx)),
    route("PATCH", "/channels/:channel", (ctx) => modifyChannel(state, ctx)),
    route("POST", "/channels/:channel/messages/:message/threads", (ctx) => startThreadFromMessage(state, ctx)),
    route("POST", "/channels/:channel/threads", (ctx) => createForumPost(state, ctx)),
    route("GET", "/guilds/:guild/roles", (ctx) => guildRolesAnswer(state, ctx)),
    route("GET", "/guilds/:guild/members/:user", (ctx) => guildMemberAnswer(state, ctx)),
  ];
}

/** A forum channel (type 15) with these tags (ids made up). */
export function forumChannel(id: string, guildId: string, name: string, tags: readonly string[], requireTag: boolean): JsonRecord {
  return {
    id,
    type: ChannelType.GuildForum,
    name,
    guild_id: guildId,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    flags: requireTag ? 16 : 0,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    available_tags: tags.map((tag) => ({ id: snowflake(), name: tag, moderated: false, emoji_id: null, emoji_name: null })),
    default_reaction_emoji: null,
    default_sort_order: null,
    default_forum_layout: 0,
    default_thread_rate_limit_per_user: 0,
  };
}

/** Sets (replaces) the overwrite for the bot's role on a channel. */
export function setBotRoleOverwrite(state: HarnessState, channelId: string, allow: bigint, deny: bigint): void {
  const found = state.channels.get(channelId);
  if (!found || found.guildId === null) throw new Error(`setBotPermissions: no guild channel ${channelId}`);
  const botRole = state.botRoleId.get(found.guildId) ?? found.guildId;
  const others = (asArray(found.channel["permission_overwrites"]) ?? []).filter((raw) => asRecord(raw)?.["id"] !== botRole);
  found.channel["permission_overwrites"] = [...others, { id: botRole, type: 0, allow: allow.toString(), deny: deny.toString() }];
}
