/** The discussion port over Discord's REST API: threads, forum posts and tags, and the bot's permissions in a channel. */
import { ChannelType, DiscordAPIError, PermissionFlagsBits, RESTJSONErrorCodes, Routes, type Client, type REST } from "discord.js";
import { z } from "zod";
import {
  DiscussionError,
  type ChannelKind,
  type DiscussionPermission,
  type DiscussionPort,
  type ForumTag,
  type StepFailure,
} from "../community/discussion.js";
import type { MessageBody } from "../shared/reply.js";
import { discordEmbeds, discordRows } from "./payload.js";
import { classifySendError } from "./sender.js";

const tagSchema = z.object({ id: z.string(), name: z.string() }).passthrough();
const overwriteSchema = z.object({ id: z.string(), type: z.number(), allow: z.string(), deny: z.string() });
const channelSchema = z.object({
  id: z.string(),
  type: z.number(),
  guild_id: z.string().optional(),
  parent_id: z.string().nullable().optional(),
  permission_overwrites: z.array(overwriteSchema).optional(),
  available_tags: z.array(tagSchema).optional(),
});
const idSchema = z.object({ id: z.string() });
const rolesSchema = z.array(z.object({ id: z.string(), permissions: z.string() }));
const memberSchema = z.object({ roles: z.array(z.string()) });

const P = PermissionFlagsBits;
/** Each permission by Discord's bits (all of them needed; ManageTags: either bit). */
const BITS: Record<DiscussionPermission, bigint[]> = {
  ViewChannel: [P.ViewChannel],
  SendMessages: [P.SendMessages],
  CreatePosts: [P.SendMessages],
  CreatePublicThreads: [P.CreatePublicThreads],
  SendMessagesInThreads: [P.SendMessagesInThreads],
  ManageTags: [P.ManageChannels | P.ManageThreads],
};
const THREAD_EXISTS = 160004;

function kindOf(type: number): ChannelKind {
  if (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement) return "text";
  if (type === ChannelType.GuildForum || type === ChannelType.GuildMedia) return "forum";
  return "other";
}

/** Discord's answer as a discussion step reads it. */
export function stepFailure(error: unknown): StepFailure {
  if (error instanceof DiscordAPIError && error.code === THREAD_EXISTS) return { kind: "thread-exists", reason: error.message };
  if (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.MissingPermissions || error.code === RESTJSONErrorCodes.MissingAccess)
  )
    return { kind: "permission", code: error.code, reason: `${error.status} ${error.code} ${error.message}` };
  const failure = classifySendError({ kind: "channel", id: "" }, error);
  if (failure.outcome === "transient")
    return {
      kind: "transient",
      reason: failure.reason,
      ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
    };
  return failure.outcome === "gone" ? { kind: "gone", reason: failure.reason } : { kind: "failed", reason: failure.reason };
}

async function step<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new DiscussionError(stepFailure(error));
  }
}

function messagePayload(body: MessageBody, roleIds: readonly string[]) {
  return {
    content: body.content ?? "",
    embeds: discordEmbeds(body.embeds ?? []),
    components: discordRows(body.components ?? []),
    allowed_mentions: { parse: [], roles: [...roleIds] },
  };
}

/** The bot's permissions in a channel: @everyone and its roles, then the channel's overwrites (Discord's order). */
export function channelPermissions(
  guildId: string,
  botId: string,
  roles: readonly { id: string; permissions: string }[],
  memberRoles: readonly string[],
  overwrites: readonly { id: string; type: number; allow: string; deny: string }[],
): bigint {
  let base = 0n;
  for (const role of roles) if (role.id === guildId || memberRoles.includes(role.id)) base |= BigInt(role.permissions);
  if (base & P.Administrator) return ~0n;
  const everyone = overwrites.find((o) => o.id === guildId);
  if (everyone) base = (base & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && memberRoles.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  base = (base & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === botId);
  if (own) base = (base & ~BigInt(own.deny)) | BigInt(own.allow);
  return base;
}

export function discordDiscussion(rest: REST, client: Pick<Client, "guilds" | "user"> | null): DiscussionPort {
  const get = async (channelId: string, signal?: AbortSignal) =>
    channelSchema.parse(await rest.get(Routes.channel(channelId), signal ? { signal } : {}));
  return {
    channel: (channelId, signal) =>
      step(async () => {
        const channel = await get(channelId, signal);
        return { kind: kindOf(channel.type), tags: (channel.available_tags ?? []).map((tag) => ({ id: tag.id, name: tag.name })) };
      }),
    post: (channelId, body, roleIds, nonce, signal) =>
      step(
        async () =>
          idSchema.parse(
            await rest.post(Routes.channelMessages(channelId), {
              body: { ...messagePayload(body, roleIds), nonce, enforce_nonce: true },
              ...(signal ? { signal } : {}),
            }),
          ).id,
      ),
    startThread: (channelId, messageId, name, signal) =>
      step(
        async () =>
          idSchema.parse(
            await rest.post(Routes.threads(channelId, messageId), {
              body: { name, auto_archive_duration: 10080 },
              ...(signal ? { signal } : {}),
            }),
          ).id,
      ),
    forumPost: (channelId, name, body, tagIds, roleIds, signal) =>
      step(
        async () =>
          idSchema.parse(
            await rest.post(Routes.threads(channelId), {
              body: { name, auto_archive_duration: 10080, message: messagePayload(body, roleIds), applied_tags: [...tagIds] },
              ...(signal ? { signal } : {}),
            }),
          ).id,
      ),
    addForumTags: (channelId, names, signal) =>
      step(async () => {
        // Read fresh: the forum's other tags are sent back unchanged (with their ids), or Discord would delete them.
        const current = (await get(channelId, signal)).available_tags ?? [];
        const next = [...current, ...names.filter((name) => !current.some((tag) => tag.name === name)).map((name) => ({ name }))];
        const updated = channelSchema.parse(
          await rest.patch(Routes.channel(channelId), { body: { available_tags: next }, ...(signal ? { signal } : {}) }),
        );
        return (updated.available_tags ?? []).map((tag): ForumTag => ({ id: tag.id, name: tag.name }));
      }),
    async missing(guildId, channelId, needed) {
      const botId = client?.user?.id;
      if (!botId) return null;
      try {
        const channel = await get(channelId);
        const parent = channel.parent_id && kindOf(channel.type) === "other" ? await get(channel.parent_id) : channel;
        const roles = rolesSchema.parse(await rest.get(Routes.guildRoles(guildId)));
        const member = memberSchema.parse(await rest.get(Routes.guildMember(guildId, botId)));
        const permissions = channelPermissions(guildId, botId, roles, member.roles, parent.permission_overwrites ?? []);
        if ((permissions & P.ViewChannel) === 0n) return ["ViewChannel"];
        return needed.filter((name) => BITS[name].some((bits) => (permissions & bits) === 0n));
      } catch (error) {
        if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.MissingAccess) return ["ViewChannel"];
        return null;
      }
    },
    guildName: (guildId) => client?.guilds.cache.get(guildId)?.name ?? guildId,
  };
}
