/** Messages the harness creates and edits (channel posts, interaction responses, follow-ups). */
import {
  InteractionType,
  MessageFlags,
  MessageType,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageReference,
  type APIMessageTopLevelComponent,
  type APIUser,
} from "discord-api-types/v10";
import { snowflake } from "./ids.js";
import { asArray, asNumber, asRecord, asString, clone, nowIso } from "./json.js";
import type { HarnessState } from "./state.js";
import type { InteractionRecord, JsonRecord, RecordedFile } from "./types.js";

function buildAttachments(channelId: string, files: RecordedFile[], body: JsonRecord | null): APIAttachment[] {
  const declared = asArray(body?.["attachments"]) ?? [];
  return files.map((file, index) => {
    const fieldIndex = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? String(index);
    const meta = declared.map(asRecord).find((a) => a !== null && String(a["id"]) === fieldIndex) ?? null;
    const id = snowflake();
    const filename = asString(meta?.["filename"]) ?? file.name;
    const description = asString(meta?.["description"]);
    return {
      id,
      filename,
      size: file.size,
      url: `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
      proxy_url: `https://media.discordapp.net/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
      content_type: file.contentType,
      ...(description !== null ? { description } : {}),
    };
  });
}

function mentionsIn(state: HarnessState, content: string): APIUser[] {
  const users: APIUser[] = [];
  for (const match of content.matchAll(/<@!?(\d{15,21})>/g)) {
    const user = match[1] ? state.users.get(match[1]) : undefined;
    if (user && !users.some((u) => u.id === user.id)) users.push(clone(user));
  }
  return users;
}

export function newMessage(
  state: HarnessState,
  channelId: string,
  body: JsonRecord,
  files: RecordedFile[],
  extra: { type: MessageType; flags?: number; webhook?: boolean; interaction?: InteractionRecord; reply?: boolean },
): APIMessage {
  const content = asString(body["content"]) ?? "";
  const keptFlags = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;
  const flags = extra.flags ?? (asNumber(body["flags"]) ?? 0) & keptFlags;
  const id = snowflake();
  const message: APIMessage = {
    id,
    channel_id: channelId,
    author: clone(state.botUser),
    content,
    timestamp: nowIso(),
    edited_timestamp: null,
    tts: body["tts"] === true,
    mention_everyone: false,
    mentions: mentionsIn(state, content),
    mention_roles: [],
    attachments: buildAttachments(channelId, files, body),
    embeds: normaliseEmbeds(body["embeds"]),
    components: (asArray(body["components"]) ?? []) as APIMessageTopLevelComponent[],
    pinned: false,
    type: extra.type,
    flags,
  };
  const reference = asRecord(body["message_reference"]);
  const referencedId = asString(reference?.["message_id"]);
  if (reference && referencedId) {
    const refChannel = asString(reference["channel_id"]) ?? channelId;
    message.message_reference = {
      type: 0,
      message_id: referencedId,
      channel_id: refChannel,
      ...(reference["guild_id"] ? { guild_id: String(reference["guild_id"]) } : {}),
    } as APIMessageReference;
    message.referenced_message = clone(state.channels.get(refChannel)?.messages.get(referencedId) ?? null);
    if (extra.type === MessageType.Default) message.type = MessageType.Reply;
  }
  if (extra.webhook || extra.interaction) {
    message.webhook_id = state.applicationId;
    message.application_id = state.applicationId;
  }
  const interaction = extra.interaction;
  if (interaction?.user) {
    const owners = asRecord(interaction.payload["authorizing_integration_owners"]) ?? {};
    if (interaction.type === InteractionType.MessageComponent) {
      message.interaction_metadata = {
        id: interaction.id,
        type: InteractionType.MessageComponent,
        user: clone(interaction.user),
        authorizing_integration_owners: clone(owners),
        interacted_message_id: asString(asRecord(interaction.payload["message"])?.["id"]) ?? "0",
      };
    } else if (interaction.type === InteractionType.ApplicationCommand) {
      message.interaction_metadata = {
        id: interaction.id,
        type: InteractionType.ApplicationCommand,
        user: clone(interaction.user),
        authorizing_integration_owners: clone(owners),
        ...(interaction.original && interaction.original.id !== id ? { original_response_message_id: interaction.original.id } : {}),
      };
      message.interaction = {
        id: interaction.id,
        type: InteractionType.ApplicationCommand,
        name: interaction.commandName ?? "",
        user: clone(interaction.user),
      };
    }
  }
  return message;
}

function normaliseEmbeds(raw: unknown): APIEmbed[] {
  return (asArray(raw) ?? []).map((embed) => ({ type: "rich", ...(asRecord(embed) ?? {}) }) as APIEmbed);
}

export function applyEdit(
  state: HarnessState,
  message: APIMessage,
  body: JsonRecord,
  files: RecordedFile[],
  markEdited: boolean,
): APIMessage {
  const next = clone(message);
  if ("content" in body) {
    next.content = asString(body["content"]) ?? "";
    next.mentions = mentionsIn(state, next.content);
  }
  if ("embeds" in body) next.embeds = normaliseEmbeds(body["embeds"]);
  if ("components" in body) next.components = (asArray(body["components"]) ?? []) as APIMessageTopLevelComponent[];
  if ("flags" in body) {
    const requested = asNumber(body["flags"]) ?? 0;
    const editable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
    next.flags = ((next.flags ?? 0) & ~editable) | (requested & editable);
  }
  if ("attachments" in body || files.length) {
    const keep = asArray(body["attachments"]);
    const keptIds = keep ? new Set(keep.map((a) => String(asRecord(a)?.["id"]))) : null;
    const existing = (next.attachments ?? []).filter((a) => keptIds === null || keptIds.has(a.id));
    next.attachments = [...existing, ...buildAttachments(next.channel_id, files, body)];
  }
  if (markEdited) next.edited_timestamp = nowIso();
  return next;
}
