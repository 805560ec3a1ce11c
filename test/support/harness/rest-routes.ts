/** The REST routes the bot and the tests use, with Discord's answers (the rest are recorded as 404s). */
import { performance } from "node:perf_hooks";
import { InteractionResponseType, InteractionType, MessageFlags, MessageType, type APIMessage } from "discord-api-types/v10";
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  clone,
  fullUser,
  jsonError,
  missingAccess,
  noContent,
  ok,
  unknownChannel,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from "./json.js";
import { applyEdit, newMessage } from "./messages.js";
import { applicationPayload, normaliseCommand } from "./payloads.js";
import type { HarnessState } from "./state.js";
import type { ChannelState, HarnessResponse, InteractionRecord, Route, RouteContext } from "./types.js";
import { emptyMessage, formErrorResponse, isEmptyMessage, validateCallback, validateCommands, validateMessageBody } from "./validation.js";
import { messagePostCheck, threadRoutes } from "./threads.js";

export interface GatewayBotAnswer {
  /** Recommended shards (Discord: about one per 1,000 servers). */
  shards: number;
  maxConcurrency: number;
}

export function buildRoutes(
  state: HarnessState,
  gatewayUrl: string,
  gatewayBot: GatewayBotAnswer = { shards: 1, maxConcurrency: 1 },
): Route[] {
  const route = (method: string, pattern: string, handle: Route["handle"], auth = true): Route => ({ method, pattern, handle, auth });
  const unknownApplication = () => jsonError(404, 10002, "Unknown Application");
  return [
    route("GET", "/gateway/bot", () =>
      ok({
        url: gatewayUrl,
        shards: gatewayBot.shards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: gatewayBot.maxConcurrency },
      }),
    ),
    route("POST", "/users/@me/channels", (ctx) => openDm(state, ctx)),
    route("GET", "/users/:userId", (ctx) => {
      const user = state.users.get(ctx.params["userId"] ?? "");
      return user ? ok(clone(user)) : jsonError(404, 10013, "Unknown User");
    }),
    route("GET", "/applications/@me", () => ok(applicationPayload(state))),
    route("PUT", "/applications/:app/commands", (ctx) =>
      ctx.params["app"] === state.applicationId ? putCommands(state, ctx, "global") : unknownApplication(),
    ),
    route("PUT", "/applications/:app/guilds/:guild/commands", (ctx) => {
      if (ctx.params["app"] !== state.applicationId) return unknownApplication();
      const guildId = ctx.params["guild"] ?? "";
      return state.guilds.some((guild) => guild.id === guildId) ? putCommands(state, ctx, guildId) : missingAccess();
    }),
    route("POST", "/interactions/:id/:token/callback", (ctx) => interactionCallback(state, ctx), false),
    route("POST", "/webhooks/:app/:token", (ctx) => webhookExecute(state, ctx), false),
    route("PATCH", "/webhooks/:app/:token/messages/:message", (ctx) => webhookMessage(state, ctx, "PATCH"), false),
    route("DELETE", "/webhooks/:app/:token/messages/:message", (ctx) => webhookMessage(state, ctx, "DELETE"), false),
    route("POST", "/channels/:channel/messages", (ctx) => createChannelMessage(state, ctx)),
    ...threadRoutes(state),
    // votes (issue 18): the bot edits its own posts' buttons.
    route("PATCH", "/channels/:channel/messages/:message", (ctx) => editChannelMessage(state, ctx)),
  ];
}

function putCommands(discord: HarnessState, ctx: RouteContext, scope: string): HarnessResponse {
  const list = asArray(ctx.request.body);
  if (!list) return formErrorResponse([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array" }]);
  const errors = validateCommands(list);
  if (list.length > 100) errors.push({ path: [], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." });
  if (errors.length) return formErrorResponse(errors);
  const previous = discord.commandStore.get(scope) ?? [];
  const next = list.map((raw) => {
    const record = asRecord(raw) ?? {};
    const same = previous.find((c) => c.name === record["name"] && c.type === (asNumber(record["type"]) ?? 1));
    return normaliseCommand(discord, record, scope, same);
  });
  discord.commandStore.set(scope, next);
  discord.commandWrites.push({ scope, method: "PUT", body: clone(ctx.request.body), at: performance.now() });
  return ok(clone(next));
}

function openDm(discord: HarnessState, ctx: RouteContext): HarnessResponse {
  const recipientId = asString(ctx.body?.["recipient_id"]);
  if (!recipientId) return formErrorResponse([{ path: ["recipient_id"], code: "BASE_TYPE_REQUIRED", message: "This field is required" }]);
  if (recipientId === discord.botUser.id) return jsonError(400, 50007, "Cannot send messages to this user");
  const user = discord.users.get(recipientId) ?? fullUser({ id: recipientId });
  discord.users.set(recipientId, user);
  const state = discord.ensureDmChannel(user);
  return ok(clone(state.channel));
}

function channelFor(discord: HarnessState, ctx: RouteContext): ChannelState | null {
  return discord.channels.get(ctx.params["channel"] ?? "") ?? null;
}

function createChannelMessage(discord: HarnessState, ctx: RouteContext): HarnessResponse {
  const state = channelFor(discord, ctx);
  if (!state) return unknownChannel();
  const refused = messagePostCheck(discord, ctx.params["channel"] ?? "");
  if (refused) return refused;
  const body = ctx.body ?? {};
  if (isEmptyMessage(body, ctx.request.files.length)) return emptyMessage();
  const errors = validateMessageBody(body, []);
  if (errors.length) return formErrorResponse(errors);
  const channelId = ctx.params["channel"] ?? "";
  // Discord: with enforce_nonce, a nonce seen recently in the channel returns that message instead of a new one.
  const nonce =
    body["enforce_nonce"] === true && (typeof body["nonce"] === "string" || typeof body["nonce"] === "number")
      ? `${channelId}:${String(body["nonce"])}`
      : null;
  const earlier = nonce ? discord.messagesByNonce.get(nonce) : undefined;
  if (earlier) return ok(clone(earlier));
  const message = newMessage(discord, channelId, body, ctx.request.files, {
    type: MessageType.Default,
    flags:
      (asNumber(body["flags"]) ?? 0) & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2),
  });
  if (nonce) discord.messagesByNonce.set(nonce, clone(message));
  state.messages.set(message.id, clone(message));
  state.channel["last_message_id"] = message.id;
  return ok(message);
}

function interactionCallback(discord: HarnessState, ctx: RouteContext): HarnessResponse {
  const interaction = discord.interactionsById.get(ctx.params["id"] ?? "");
  if (!interaction) return unknownInteraction();
  if (interaction.token !== ctx.params["token"]) return jsonError(401, 50027, "Invalid Webhook Token");
  if (interaction.callback) return jsonError(400, 40060, "Interaction has already been acknowledged.");
  const body = ctx.body ?? {};
  const type = asNumber(body["type"]);
  if (type === null) return formErrorResponse([{ path: ["type"], code: "BASE_TYPE_REQUIRED", message: "This field is required" }]);
  const data = asRecord(body["data"]);
  if (type === InteractionResponseType.ChannelMessageWithSource && (!data || isEmptyMessage(data, ctx.request.files.length)))
    return emptyMessage();
  const invalid = validateCallback(type, interaction.type, data);
  if (invalid) return invalid;
  interaction.callback = { type, data: clone(body["data"]), at: ctx.request.receivedAt };
  const channelId = interaction.channelId ?? "0";
  const isCommand = interaction.type === InteractionType.ApplicationCommand;
  const replyType = isCommand ? MessageType.ChatInputCommand : MessageType.Default;
  const source = asRecord(interaction.payload["message"]);
  const sourceMessage = (): APIMessage | null => {
    const id = asString(source?.["id"]);
    const stored = id ? discord.channels.get(asString(source?.["channel_id"]) ?? channelId)?.messages.get(id) : undefined;
    return stored ? clone(stored) : source ? (clone(source) as unknown as APIMessage) : null;
  };
  let message: APIMessage | null = null;
  switch (type) {
    case InteractionResponseType.ChannelMessageWithSource:
      message = newMessage(discord, channelId, data ?? {}, ctx.request.files, { type: replyType, interaction });
      break;
    case InteractionResponseType.DeferredChannelMessageWithSource: {
      const ephemeral = (asNumber(data?.["flags"]) ?? 0) & MessageFlags.Ephemeral;
      message = newMessage(discord, channelId, {}, [], { type: replyType, interaction, flags: ephemeral | MessageFlags.Loading });
      break;
    }
    case InteractionResponseType.DeferredMessageUpdate:
      message = sourceMessage();
      break;
    case InteractionResponseType.UpdateMessage: {
      const current = sourceMessage();
      message = current ? applyEdit(discord, current, data ?? {}, ctx.request.files, true) : null;
      break;
    }
    case InteractionResponseType.ApplicationCommandAutocompleteResult:
      interaction.choices = clone(asArray(data?.["choices"]) ?? []);
      break;
    case InteractionResponseType.Modal:
      interaction.modal = clone(body["data"]);
      break;
    default:
      break;
  }
  if (message) {
    interaction.original = message;
    if (type !== InteractionResponseType.DeferredMessageUpdate) discord.storeMessage(message);
  }
  if (ctx.request.query.get("with_response") !== "true") return noContent();
  const createsMessage =
    type === InteractionResponseType.ChannelMessageWithSource ||
    type === InteractionResponseType.DeferredChannelMessageWithSource ||
    type === InteractionResponseType.UpdateMessage;
  return ok({
    interaction: {
      id: interaction.id,
      type: interaction.type,
      ...(message && createsMessage
        ? {
            response_message_id: message.id,
            response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
            response_message_ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
          }
        : {}),
    },
    ...(message && createsMessage
      ? { resource: { type, message: clone(message) } }
      : type === InteractionResponseType.DeferredMessageUpdate || type === InteractionResponseType.Modal
        ? {}
        : { resource: { type } }),
  });
}

function webhookInteraction(discord: HarnessState, ctx: RouteContext): InteractionRecord | HarnessResponse {
  const interaction = discord.interactionsByToken.get(ctx.params["token"] ?? "");
  if (!interaction || ctx.params["app"] !== discord.applicationId) return unknownWebhook();
  // The interaction webhook only exists once the interaction was acknowledged.
  if (!interaction.callback) return unknownWebhook();
  return interaction;
}

function webhookExecute(discord: HarnessState, ctx: RouteContext): HarnessResponse {
  const interaction = webhookInteraction(discord, ctx);
  if (!("token" in interaction)) return interaction;
  const body = ctx.body ?? {};
  if (isEmptyMessage(body, ctx.request.files.length)) return emptyMessage();
  const errors = validateMessageBody(body, []);
  if (errors.length) return formErrorResponse(errors);
  const message = newMessage(discord, interaction.channelId ?? "0", body, ctx.request.files, {
    type: MessageType.Default,
    webhook: true,
    interaction,
  });
  interaction.followups.push(message);
  discord.storeMessage(message);
  return ctx.request.query.get("wait") === "true" ? ok(clone(message)) : noContent();
}

function webhookMessage(discord: HarnessState, ctx: RouteContext, method: "PATCH" | "DELETE"): HarnessResponse {
  const interaction = webhookInteraction(discord, ctx);
  if (!("token" in interaction)) return interaction;
  const messageId = ctx.params["message"] ?? "";
  const isOriginal = messageId === "@original" || messageId === interaction.original?.id;
  const followupAt = interaction.followups.findIndex((m) => m.id === messageId);
  const current = isOriginal ? (interaction.originalDeleted ? null : interaction.original) : (interaction.followups[followupAt] ?? null);
  if (!current) return unknownMessage();
  if (method === "DELETE") {
    if (isOriginal) interaction.originalDeleted = true;
    else interaction.followups.splice(followupAt, 1);
    discord.channels.get(current.channel_id)?.messages.delete(current.id);
    return noContent();
  }
  const body = ctx.body ?? {};
  const errors = validateMessageBody(body, []);
  if (errors.length) return formErrorResponse(errors);
  const wasLoading = ((current.flags ?? 0) & MessageFlags.Loading) !== 0;
  const next = applyEdit(discord, current, body, ctx.request.files, !wasLoading);
  if (wasLoading) {
    next.flags = (next.flags ?? 0) & ~MessageFlags.Loading;
    if (isEmptyMessage(body, ctx.request.files.length) && next.content === "" && next.embeds.length === 0) return emptyMessage();
  }
  if (isOriginal) interaction.original = next;
  else interaction.followups[followupAt] = next;
  discord.storeMessage(next);
  return ok(clone(next));
}

/** PATCH a message in a channel: only the bot's own messages (Discord: 50005 for another author's). */
function editChannelMessage(discord: HarnessState, ctx: RouteContext): HarnessResponse {
  const state = channelFor(discord, ctx);
  if (!state) return unknownChannel();
  const current = state.messages.get(ctx.params["message"] ?? "");
  if (!current) return unknownMessage();
  if (current.author.id !== discord.botUser.id) return jsonError(403, 50005, "Cannot edit a message authored by another user");
  const body = ctx.body ?? {};
  const errors = validateMessageBody(body, []);
  if (errors.length) return formErrorResponse(errors);
  const next = applyEdit(discord, current, body, ctx.request.files, true);
  discord.storeMessage(next);
  return ok(clone(next));
}
