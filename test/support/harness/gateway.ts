/** The gateway side: WebSocket sessions, IDENTIFY/RESUME/heartbeats, and dispatches with intent gating. */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import { WebSocket, type RawData } from "ws";
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes, type GatewayReadyDispatchData } from "discord-api-types/v10";
import { asArray, asNumber, asRecord, asString, isRecord } from "./json.js";
import { guildCreatePayload } from "./payloads.js";
import { SHARDING_REQUIRED_AT, countOnShard, serversOnShard, shardOf, syntheticGuildCreate, syntheticServerId } from "./servers.js";
import { RecordLog } from "./record-log.js";
import { requiredIntent } from "./intents.js";
import type { HarnessState } from "./state.js";
import type {
  GatewayConnectionRecord,
  GatewayPayloadRecord,
  GatewaySession,
  GatewaySocket,
  IdentifyRecord,
  JsonRecord,
  ReadyRecord,
  ResumeRecord,
} from "./types.js";

export class Gateway {
  readonly identifyLog = new RecordLog<IdentifyRecord>((r) => `identify conn=${r.connectionId} intents=${r.intents}`);
  readonly resumeLog = new RecordLog<ResumeRecord>((r) => `resume conn=${r.connectionId} accepted=${r.accepted}`);
  readonly readyLog = new RecordLog<ReadyRecord>((r) => `ready conn=${r.connectionId} session=${r.sessionId}`);
  readonly receivedLog = new RecordLog<GatewayPayloadRecord>((r) => `op ${r.op} from conn=${r.connectionId}`);
  readonly connections: GatewayConnectionRecord[] = [];
  private readonly sockets = new Set<GatewaySocket>();
  private readonly sessions = new Map<string, GatewaySession>();
  private connectionCounter = 0;

  constructor(
    private readonly state: HarnessState,
    /** ws://127.0.0.1:PORT/resume: READY's resume_gateway_url. */
    private readonly resumeGatewayUrl: string,
    private readonly heartbeatIntervalMs: number,
    private readonly token: string | undefined,
    /** Synthetic servers besides the state's guilds (see servers.ts). */
    private readonly servers = 0,
  ) {}

  /** Whether the session holding `guildId` (or shard 0 for DMs) has READY and all its GUILD_CREATEs sent. */
  isConnected(guildId: string | null): boolean {
    return [...this.sessions.values()].some((s) => s.live && s.connected && s.socket !== null && this.holds(s, guildId));
  }

  private holds(session: GatewaySession, guildId: string | null): boolean {
    const [id, count] = session.shard;
    return guildId === null ? id === 0 : shardOf(guildId, count) === id;
  }

  /** Like dispatch(), but only to the shard holding the event's guild, and 0 (not an error) when it has no session. */
  dispatchToShard(event: string, data: unknown): number {
    const live = [...this.sessions.values()].filter((s) => s.live);
    if (live.length === 0) return 0;
    return this.dispatch(event, data);
  }

  /** Number of gateway sockets currently open. */
  get openConnections(): number {
    return [...this.sockets].filter((s) => s.ws.readyState === WebSocket.OPEN).length;
  }

  /**
   * Send an op 0 dispatch to every live session (buffered for sessions between sockets, replayed on RESUME).
   * Sessions whose intents exclude the event don't get it. Returns how many sessions it went to.
   */
  dispatch(event: string, data: unknown): number {
    const live = [...this.sessions.values()].filter((s) => s.live);
    if (live.length === 0)
      throw new Error(`dispatch(${event}): no gateway session; log the client in and await harness.waitForReady() first`);
    this.state.observeDispatch(event, data);
    let delivered = 0;
    const guildId = isRecord(data) && typeof data["guild_id"] === "string" ? data["guild_id"] : null;
    for (const session of live) {
      if (!this.holds(session, guildId)) continue;
      const needed = requiredIntent(event, data);
      if (needed !== null && (session.intents & needed) === 0) continue;
      this.sendDispatch(session, event, this.applyMessageContentIntent(session, event, data));
      delivered++;
    }
    return delivered;
  }

  /** Send op 7 RECONNECT: discord.js closes with 4200 and RESUMEs on resume_gateway_url. */
  requestReconnect(): void {
    for (const socket of this.sockets) {
      if (socket.session && socket.ws.readyState === WebSocket.OPEN)
        this.sendRaw(socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    }
  }

  /** Terminates every socket and rejects pending waits. */
  close(): void {
    for (const log of [this.identifyLog, this.resumeLog, this.readyLog, this.receivedLog]) log.rejectAll("discord harness closed");
    for (const socket of this.sockets) {
      if (socket.record.closedAt === null) {
        socket.record.closedAt = performance.now();
        socket.record.closedBy = "server";
        socket.record.closeCode = 1006;
      }
      socket.ws.terminate();
    }
    this.sockets.clear();
  }

  onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = req.url ?? "/";
    const record: GatewayConnectionRecord = {
      id: ++this.connectionCounter,
      url,
      query: new URL(url, "http://127.0.0.1").searchParams,
      openedAt: performance.now(),
      closedAt: null,
      closeCode: null,
      closedBy: null,
    };
    this.connections.push(record);
    const socket: GatewaySocket = { record, ws, session: null };
    this.sockets.add(socket);
    ws.on("message", (data, isBinary) => this.onGatewayMessage(socket, data, isBinary));
    ws.on("close", (code) => this.onGatewayClose(socket, code));
    ws.on("error", () => undefined);
    const version = record.query.get("v");
    const encoding = record.query.get("encoding");
    if (version !== null && version !== "10") {
      this.serverClose(socket, GatewayCloseCodes.InvalidAPIVersion, "Invalid API version");
      return;
    }
    if (encoding !== null && encoding !== "json") {
      this.serverClose(socket, GatewayCloseCodes.DecodeError, "Only encoding=json is supported by the harness");
      return;
    }
    if (record.query.has("compress")) {
      this.serverClose(socket, GatewayCloseCodes.DecodeError, "The harness does not implement transport compression");
      return;
    }
    this.sendRaw(socket, {
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['["gateway-harness",{"micros":0}]'] },
      s: null,
      t: null,
    });
  }

  private onGatewayMessage(socket: GatewaySocket, data: RawData, isBinary: boolean): void {
    let payload: unknown;
    try {
      if (isBinary) throw new Error("binary");
      payload = JSON.parse(data.toString());
    } catch {
      this.serverClose(socket, GatewayCloseCodes.DecodeError, "Error while decoding payload.");
      return;
    }
    const message = asRecord(payload);
    const op = asNumber(message?.["op"]);
    if (!message || op === null) {
      this.serverClose(socket, GatewayCloseCodes.DecodeError, "Error while decoding payload.");
      return;
    }
    const d = message["d"];
    this.receivedLog.push({ connectionId: socket.record.id, op, d, receivedAt: performance.now() });
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.sendRaw(socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.onIdentify(socket, asRecord(d) ?? {});
        return;
      case GatewayOpcodes.Resume:
        this.onResume(socket, asRecord(d) ?? {});
        return;
      default:
        break;
    }
    if (!socket.session) {
      this.serverClose(socket, GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
      return;
    }
    switch (op) {
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
      case GatewayOpcodes.RequestGuildMembers:
        return;
      default:
        this.serverClose(socket, GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
    }
  }

  private onIdentify(socket: GatewaySocket, d: JsonRecord): void {
    if (socket.session) {
      this.serverClose(socket, GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
      return;
    }
    const token = asString(d["token"]) ?? "";
    const intents = asNumber(d["intents"]);
    const sessionId = randomBytes(16).toString("hex");
    this.identifyLog.push({
      connectionId: socket.record.id,
      sessionId,
      token,
      intents: intents ?? -1,
      properties: asRecord(d["properties"]) ?? {},
      shard: d["shard"],
      compress: d["compress"],
      largeThreshold: d["large_threshold"],
      presence: d["presence"],
      raw: d,
      receivedAt: performance.now(),
    });
    if (this.token !== undefined && token !== this.token) {
      this.serverClose(socket, GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
      return;
    }
    if (intents === null || intents < 0) {
      this.serverClose(socket, GatewayCloseCodes.InvalidIntents, "Invalid intent(s).");
      return;
    }
    const shard = shardField(d["shard"]);
    if (!shard) {
      this.serverClose(socket, GatewayCloseCodes.InvalidShard, "Invalid shard.");
      return;
    }
    const [shardId, shardCount] = shard;
    const held = this.state.guilds.filter((guild) => shardOf(guild.id, shardCount) === shardId);
    if (held.length + countOnShard(this.servers, shardId, shardCount) >= SHARDING_REQUIRED_AT) {
      this.serverClose(socket, GatewayCloseCodes.ShardingRequired, "Sharding required.");
      return;
    }
    const session: GatewaySession = { id: sessionId, token, intents, seq: 0, log: [], socket, live: true, shard, connected: false };
    this.sessions.set(sessionId, session);
    socket.session = session;
    const ready: GatewayReadyDispatchData & JsonRecord = {
      v: 10,
      user: { ...this.state.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: [...held.map((guild) => guild.id), ...[...serversOnShard(this.servers, shardId, shardCount)].map(syntheticServerId)].map(
        (id) => ({ id, unavailable: true }),
      ),
      session_id: sessionId,
      session_type: "normal",
      resume_gateway_url: this.resumeGatewayUrl,
      shard,
      application: { id: this.state.applicationId, flags: this.state.applicationFlags, flags_new: String(this.state.applicationFlags) },
      user_settings: {},
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ["us-east"],
      auth_session_id_hash: randomBytes(16).toString("base64"),
      _trace: ['["gateway-harness",{"micros":0}]'],
    };
    this.sendDispatch(session, "READY", ready);
    const guildIds: string[] = [];
    const finish = () => {
      session.connected = true;
      this.readyLog.push({ connectionId: socket.record.id, sessionId, shard, guildIds, sentAt: performance.now() });
    };
    if ((intents & GatewayIntentBits.Guilds) === 0) return finish();
    for (const guild of held) {
      this.sendDispatch(session, "GUILD_CREATE", guildCreatePayload(this.state, guild));
      guildIds.push(guild.id);
    }
    if (this.servers === 0) return finish();
    // Discord streams a shard's servers after READY; batches keep the harness (and the bench's clock) responsive.
    const pending = serversOnShard(this.servers, shardId, shardCount);
    const sendBatch = () => {
      if (!session.live || session.socket !== socket) return;
      for (let sent = 0; sent < GUILD_CREATE_BATCH; sent++) {
        const next = pending.next();
        if (next.done) return finish();
        const index = next.value;
        this.sendDispatch(session, "GUILD_CREATE", () => syntheticGuildCreate(index, this.state.botUser));
        guildIds.push(syntheticServerId(index));
      }
      setImmediate(sendBatch);
    };
    sendBatch();
  }

  private onResume(socket: GatewaySocket, d: JsonRecord): void {
    const sessionId = asString(d["session_id"]) ?? "";
    const seq = asNumber(d["seq"]);
    const token = asString(d["token"]) ?? "";
    const session = this.sessions.get(sessionId);
    if (!session || !session.live || session.token !== token || (this.token !== undefined && token !== this.token)) {
      this.resumeLog.push({
        connectionId: socket.record.id,
        sessionId,
        seq,
        token,
        accepted: false,
        replayed: 0,
        receivedAt: performance.now(),
      });
      this.sendRaw(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    const previous = session.socket;
    if (previous && previous !== socket) {
      previous.session = null;
      this.serverClose(previous, GatewayCloseCodes.UnknownError, "Session resumed elsewhere");
    }
    session.socket = socket;
    socket.session = session;
    const missed = session.log.filter((entry) => entry.s > (seq ?? 0));
    for (const entry of missed)
      this.sendRaw(socket, { op: GatewayOpcodes.Dispatch, t: entry.t, s: entry.s, d: entry.lazy ? entry.lazy() : entry.d });
    this.resumeLog.push({
      connectionId: socket.record.id,
      sessionId,
      seq,
      token,
      accepted: true,
      replayed: missed.length,
      receivedAt: performance.now(),
    });
    this.sendDispatch(session, "RESUMED", { _trace: ['["gateway-harness",{"micros":0}]'] });
  }

  private onGatewayClose(socket: GatewaySocket, code: number): void {
    if (socket.record.closedAt === null) {
      socket.record.closedAt = performance.now();
      socket.record.closeCode = code;
      socket.record.closedBy = "client";
    }
    this.sockets.delete(socket);
    const session = socket.session;
    if (session && session.socket === socket) {
      session.socket = null;
      // Closing with 1000/1001 invalidates the session (Discord docs); other codes keep it resumable.
      if (socket.record.closedBy === "client" && (code === 1000 || code === 1001)) session.live = false;
    }
  }

  private serverClose(socket: GatewaySocket, code: number, reason: string): void {
    if (socket.record.closedAt === null) {
      socket.record.closedAt = performance.now();
      socket.record.closeCode = code;
      socket.record.closedBy = "server";
    }
    const fatal =
      code === GatewayCloseCodes.AuthenticationFailed ||
      code === GatewayCloseCodes.InvalidSeq ||
      code === GatewayCloseCodes.SessionTimedOut;
    if (socket.session && fatal) socket.session.live = false;
    if (socket.ws.readyState === WebSocket.OPEN || socket.ws.readyState === WebSocket.CONNECTING) socket.ws.close(code, reason);
  }

  private sendRaw(socket: GatewaySocket, payload: JsonRecord): void {
    if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(JSON.stringify(payload));
  }

  /** `d` as a function: generated now and again for a RESUME's replay instead of being kept. */
  private sendDispatch(session: GatewaySession, t: string, d: unknown): void {
    const s = ++session.seq;
    const lazy = typeof d === "function" ? (d as () => unknown) : undefined;
    session.log.push(lazy ? { s, t, d: null, lazy } : { s, t, d });
    const socket = session.socket;
    const delivered = socket !== null && socket.ws.readyState === WebSocket.OPEN;
    if (socket && delivered) this.sendRaw(socket, { op: GatewayOpcodes.Dispatch, t, s, d: lazy ? lazy() : d });
  }

  private applyMessageContentIntent(session: GatewaySession, event: string, data: unknown): unknown {
    if (event !== "MESSAGE_CREATE" && event !== "MESSAGE_UPDATE") return data;
    if ((session.intents & GatewayIntentBits.MessageContent) !== 0) return data;
    const message = asRecord(data);
    if (!message || typeof message["guild_id"] !== "string") return data; // DMs keep content
    const author = asRecord(message["author"]);
    if (author?.["id"] === this.state.botUser.id) return data;
    const mentions = asArray(message["mentions"]) ?? [];
    if (mentions.some((m) => asRecord(m)?.["id"] === this.state.botUser.id)) return data;
    const stripped: JsonRecord = { ...message, content: "", embeds: [], attachments: [], components: [] };
    delete stripped["poll"];
    return stripped;
  }
}

const GUILD_CREATE_BATCH = 25;

/** IDENTIFY's `shard` ([0, 1] when absent); null when invalid. */
function shardField(value: unknown): [number, number] | null {
  if (value === undefined || value === null) return [0, 1];
  const pair = asArray(value);
  const id = asNumber(pair?.[0]);
  const count = asNumber(pair?.[1]);
  if (id === null || count === null || !Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) return null;
  return [id, count];
}
