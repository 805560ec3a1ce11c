import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { ChannelType, type APIApplicationCommand, type APIMessage } from "discord-api-types/v10";
import { Gateway } from "./gateway.js";
import { HttpFront } from "./http.js";
import { DEFAULT_GUILD } from "./ids.js";
import { clone, describeMatcher, toPredicate } from "./json.js";
import { buildRoutes } from "./rest-routes.js";
import { SERVERS_PER_RECOMMENDED_SHARD } from "./servers.js";
import { HarnessState } from "./state.js";
import { forumChannel, setBotRoleOverwrite } from "./threads.js";
import type {
  DiscordHarnessOptions,
  GatewayConnectionRecord,
  GatewayPayloadRecord,
  HarnessResponse,
  IdentifyRecord,
  InteractionRecord,
  OverrideHandle,
  ReadyRecord,
  RecordedRequest,
  RequestMatcher,
  RespondWithOptions,
  ResumeRecord,
  WaitOptions,
} from "./types.js";

/**
 * Loopback stand-in for Discord's REST API (v10) and gateway, so tests run the real discord.js Client
 * against 127.0.0.1 with no internet.
 *
 *   const harness = await startDiscordHarness();
 *   const client = new Client({ intents: [...], rest: { api: harness.apiUrl } });
 *   await client.login("any.fake.token");
 *
 * One node:http server serves REST under /api/v10/... and the gateway WebSocket (any upgrade path;
 * READY's resume_gateway_url is ws://127.0.0.1:PORT/resume). Everything the client sends is recorded.
 * It answers with plain JSON text frames and never compresses: discord.js only asks for zlib-stream when
 * the optional `zlib-sync` package is installed, and it sends `compress: false` in IDENTIFY.
 */
export class DiscordHarness {
  /** http://127.0.0.1:PORT/api: pass as `rest: { api }`; discord.js appends /v10. */
  readonly apiUrl: string;
  readonly applicationId: string;
  /** Synthetic servers (options.servers) besides the default guild. */
  readonly servers: number;
  /** What GET /gateway/bot answers as `shards`. */
  readonly recommendedShards: number;
  private readonly state = new HarnessState();
  private readonly gateway: Gateway;
  private readonly http: HttpFront;
  private closed = false;

  /** Use startDiscordHarness(). */
  constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    port: number,
    options: DiscordHarnessOptions,
  ) {
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    this.applicationId = this.state.applicationId;
    this.servers = options.servers ?? 0;
    this.recommendedShards = Math.max(1, Math.ceil((this.state.guilds.length + this.servers) / SERVERS_PER_RECOMMENDED_SHARD));
    this.gateway = new Gateway(
      this.state,
      `ws://127.0.0.1:${port}/resume`,
      options.heartbeatIntervalMs ?? 41_250,
      options.token,
      this.servers,
    );
    const gatewayBot = { shards: this.recommendedShards, maxConcurrency: options.maxConcurrency ?? 1 };
    this.http = new HttpFront(buildRoutes(this.state, `ws://127.0.0.1:${port}`, gatewayBot), options.token);
    this.state.onThreadCreated = (thread) => void this.gateway.dispatchToShard("THREAD_CREATE", thread);
    wss.on("connection", (ws, req) => this.gateway.onConnection(ws, req));
    server.on("request", (req, res) => void this.http.onHttpRequest(req, res));
  }

  // ------------------------------------------------------------------ what was recorded

  /** Every REST request, in arrival order. */
  get requests(): readonly RecordedRequest[] {
    return this.http.requestLog.items;
  }
  /** Requests no route knew (answered 404 {message: "404: Not Found", code: 0}). */
  get unmatchedRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.route === null && !request.overridden);
  }
  get identifies(): readonly IdentifyRecord[] {
    return this.gateway.identifyLog.items;
  }
  get connections(): readonly GatewayConnectionRecord[] {
    return this.gateway.connections;
  }
  /** Number of gateway sockets currently open. */
  get openConnections(): number {
    return this.gateway.openConnections;
  }

  /** The commands currently registered (global, or for a guild). */
  registeredCommands(guildId?: string): APIApplicationCommand[] {
    return this.state.registeredCommands(guildId);
  }

  /** The last body written with PUT to the global (or a guild's) commands endpoint; null if none. */
  lastCommandPayload(guildId?: string): unknown {
    const scope = guildId ?? "global";
    const write = this.state.commandWrites.findLast((candidate) => candidate.scope === scope && candidate.method === "PUT");
    return write ? clone(write.body) : null;
  }

  /** State of an interaction the harness dispatched (by id or token). */
  interaction(idOrToken: string): InteractionRecord | null {
    return this.state.interactionsById.get(idOrToken) ?? this.state.interactionsByToken.get(idOrToken) ?? null;
  }

  /** Messages the harness knows in a channel (created via REST or carried by dispatches), oldest first. */
  messagesIn(channelId: string): APIMessage[] {
    return clone([...(this.state.channels.get(channelId)?.messages.values() ?? [])]);
  }

  /** A text channel the bot may post in besides the default guild's two (for REST-only senders, which see no GUILD_CREATE). */
  addChannel(channelId: string, guildId: string = DEFAULT_GUILD.id): void {
    this.state.ensureChannel(channelId, { id: channelId, type: ChannelType.GuildText, guild_id: guildId }, guildId, null);
  }

  /** A forum channel (type 15) with these tags; `requireTag` sets REQUIRE_TAG (posts must carry a tag). */
  addForumChannel(
    channelId: string,
    options: { guildId?: string; name?: string; tags?: readonly string[]; requireTag?: boolean } = {},
  ): void {
    const guildId = options.guildId ?? DEFAULT_GUILD.id;
    const channel = forumChannel(channelId, guildId, options.name ?? "papers-forum", options.tags ?? [], options.requireTag ?? false);
    this.state.ensureChannel(channelId, channel, guildId, null);
  }

  /** The bot role's permission overwrite on a guild channel (replaced): e.g. deny CreatePublicThreads, allow ManageChannels. */
  setBotPermissions(channelId: string, overwrite: { allow?: bigint; deny?: bigint }): void {
    setBotRoleOverwrite(this.state, channelId, overwrite.allow ?? 0n, overwrite.deny ?? 0n);
  }

  /** The channel (or thread) as the harness holds it now (available_tags, thread_metadata…); null if unknown. */
  channel(channelId: string): Record<string, unknown> | null {
    const found = this.state.channels.get(channelId);
    return found ? clone(found.channel) : null;
  }

  /** Threads (and forum posts) opened under a channel, oldest first. */
  threadsIn(parentId: string): Record<string, unknown>[] {
    return [...this.state.channels.values()].filter((c) => c.channel["parent_id"] === parentId).map((c) => clone(c.channel));
  }

  // ------------------------------------------------------------------ overrides and waiting

  /**
   * Answer matching REST requests with `response` instead of the default behaviour (first registered
   * matching override wins). For 429s without a Retry-After header, one is derived from body.retry_after.
   */
  respondWith(
    matcher: RequestMatcher,
    response: HarnessResponse | ((request: RecordedRequest) => HarnessResponse),
    options: RespondWithOptions = {},
  ): OverrideHandle {
    return this.http.respondWith(matcher, response, options);
  }

  /**
   * Discord keeps rate-limiting one channel (a guild channel or a DM channel, see dmChannelIdFor): every message
   * posted to it is answered 429 with `Retry-After: retryAfterSeconds` (a route limit, not global) until removed.
   */
  rateLimitChannel(channelId: string, retryAfterSeconds: number): OverrideHandle {
    return this.http.respondWith(
      { method: "POST", path: `/channels/${channelId}/messages` },
      {
        status: 429,
        headers: { "Retry-After": String(retryAfterSeconds), "X-RateLimit-Scope": "user" },
        body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global: false },
      },
    );
  }

  /**
   * Resolve with the first recorded request matching `matcher` made after this call (or at/after
   * `options.since`, an index into harness.requests, which also covers ones already recorded).
   * It resolves once the harness has decided its response (request.response is set).
   */
  waitForRequest(matcher: RequestMatcher, timeoutMsOrOptions: number | WaitOptions = 5000): Promise<RecordedRequest> {
    const options = typeof timeoutMsOrOptions === "number" ? { timeoutMs: timeoutMsOrOptions } : timeoutMsOrOptions;
    const log = this.http.requestLog;
    return log.wait(toPredicate(matcher), `request ${describeMatcher(matcher)}`, options, log.items.length);
  }

  /** Calls `listener` with every REST request once its response is decided; returns the unsubscribe function. */
  onRequest(listener: (request: RecordedRequest) => void): () => void {
    return this.http.requestLog.listen(listener);
  }

  /** Every READY (with its shard) whose GUILD_CREATEs have all been sent, in order. */
  get readies(): readonly ReadyRecord[] {
    return this.gateway.readyLog.items;
  }

  /** Every recorded request matching `matcher`. */
  findRequests(matcher: RequestMatcher): RecordedRequest[] {
    return this.requests.filter(toPredicate(matcher));
  }

  /** Resolve with identifies[since] (default 0: the first IDENTIFY ever), waiting if not there yet. */
  waitForIdentify(options: WaitOptions = {}): Promise<IdentifyRecord> {
    return this.gateway.identifyLog.wait(() => true, "IDENTIFY", options, 0);
  }

  /** Resolve once READY and every GUILD_CREATE of readies[since] (default 0) have been sent. */
  waitForReady(options: WaitOptions = {}): Promise<ReadyRecord> {
    return this.gateway.readyLog.wait(() => true, "READY", options, 0);
  }

  /** Resolve with resumes[since] (default: the next RESUME after this call). */
  waitForResume(options: WaitOptions = {}): Promise<ResumeRecord> {
    const log = this.gateway.resumeLog;
    return log.wait(() => true, "RESUME", options, log.items.length);
  }

  /** Resolve with the next gateway payload from a client matching `predicate` (e.g. op 1 heartbeats). */
  waitForGatewayPayload(predicate: (payload: GatewayPayloadRecord) => boolean, options: WaitOptions = {}): Promise<GatewayPayloadRecord> {
    const log = this.gateway.receivedLog;
    return log.wait(predicate, "gateway payload", options, log.items.length);
  }

  // ------------------------------------------------------------------ gateway control

  /**
   * Send an op 0 dispatch to every live session whose intents allow it; returns how many it went to.
   * Throws when no client has identified yet.
   */
  dispatch(event: string, data: unknown): number {
    return this.gateway.dispatch(event, data);
  }

  /** Dispatch INTERACTION_CREATE and return the payload (so `const i = harness.dispatchInteraction(chatInput(...))`). */
  dispatchInteraction<T extends object>(payload: T): T {
    this.dispatch("INTERACTION_CREATE", payload);
    return payload;
  }

  /** Like dispatch(), but returns 0 instead of throwing when no session has identified yet (load generators). */
  dispatchToShard(event: string, data: unknown): number {
    return this.gateway.dispatchToShard(event, data);
  }

  /** Whether the shard holding `guildId` (shard 0 for DMs: null) has its READY and every GUILD_CREATE sent. */
  isConnected(guildId: string | null): boolean {
    return this.gateway.isConnected(guildId);
  }

  /** Send op 7 RECONNECT: discord.js closes with 4200 and RESUMEs on resume_gateway_url. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Close sockets and the server. Idempotent; pending waiters reject. Destroy clients first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.http.requestLog.rejectAll("discord harness closed");
    this.gateway.close();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Start the loopback Discord on 127.0.0.1 with a random port. Always `await harness.close()`. */
export async function startDiscordHarness(options: DiscordHarnessOptions = {}): Promise<DiscordHarness> {
  const server = createServer();
  server.keepAliveTimeout = 1000;
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return new DiscordHarness(server, wss, address.port, options);
}
