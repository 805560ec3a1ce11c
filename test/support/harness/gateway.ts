/** The gateway side: WebSocket sessions, IDENTIFY/RESUME/heartbeats, and dispatches with intent gating. */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import { WebSocket, type RawData } from "ws";
import { GatewayCloseCodes, GatewayIntentBits, GatewayOpcodes, type GatewayReadyDispatchData } from "discord-api-types/v10";
import { asArray, asNumber, asRecord, asString, isRecord } from "./json.js";
import { guildCreatePayload } from "./payloads.js";
import { RecordLog } from "./record-log.js";
import type { HarnessState } from "./state.js";
import type { GatewayConnectionRecord, GatewayPayloadRecord, GatewaySession, GatewaySocket, IdentifyRecord, JsonRecord, ReadyRecord, ResumeRecord } from "./types.js";

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
  ) {}

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
    if (live.length === 0) throw new Error(`dispatch(${event}): no gateway session; log the client in and await harness.waitForReady() first`);
    this.state.observeDispatch(event, data);
    let delivered = 0;
    for (const session of live) {
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
      if (socket.session && socket.ws.readyState === WebSocket.OPEN) this.sendRaw(socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
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
    const session: GatewaySession = { id: sessionId, token, intents, seq: 0, log: [], socket, live: true };
    this.sessions.set(sessionId, session);
    socket.session = session;
    const ready: GatewayReadyDispatchData & JsonRecord = {
      v: 10,
      user: { ...this.state.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: this.state.guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: sessionId,
      session_type: "normal",
      resume_gateway_url: this.resumeGatewayUrl,
      shard: [0, 1],
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
    if ((intents & GatewayIntentBits.Guilds) !== 0) {
      for (const guild of this.state.guilds) {
        this.sendDispatch(session, "GUILD_CREATE", guildCreatePayload(this.state, guild));
        guildIds.push(guild.id);
      }
    }
    this.readyLog.push({ connectionId: socket.record.id, sessionId, guildIds, sentAt: performance.now() });
  }

  private onResume(socket: GatewaySocket, d: JsonRecord): void {
    const sessionId = asString(d["session_id"]) ?? "";
    const seq = asNumber(d["seq"]);
    const token = asString(d["token"]) ?? "";
    const session = this.sessions.get(sessionId);
    if (!session || !session.live || session.token !== token || (this.token !== undefined && token !== this.token)) {
      this.resumeLog.push({ connectionId: socket.record.id, sessionId, seq, token, accepted: false, replayed: 0, receivedAt: performance.now() });
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
    for (const entry of missed) this.sendRaw(socket, { op: GatewayOpcodes.Dispatch, t: entry.t, s: entry.s, d: entry.d });
    this.resumeLog.push({ connectionId: socket.record.id, sessionId, seq, token, accepted: true, replayed: missed.length, receivedAt: performance.now() });
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
    const fatal = code === GatewayCloseCodes.AuthenticationFailed || code === GatewayCloseCodes.InvalidSeq || code === GatewayCloseCodes.SessionTimedOut;
    if (socket.session && fatal) socket.session.live = false;
    if (socket.ws.readyState === WebSocket.OPEN || socket.ws.readyState === WebSocket.CONNECTING) socket.ws.close(code, reason);
  }

  private sendRaw(socket: GatewaySocket, payload: JsonRecord): void {
    if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(JSON.stringify(payload));
  }

  private sendDispatch(session: GatewaySession, t: string, d: unknown): void {
    const s = ++session.seq;
    session.log.push({ s, t, d });
    const socket = session.socket;
    const delivered = socket !== null && socket.ws.readyState === WebSocket.OPEN;
    if (socket && delivered) this.sendRaw(socket, { op: GatewayOpcodes.Dispatch, t, s, d });
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

/** The intent a session needs to receive `event` (null: always delivered). */
function requiredIntent(event: string, data: unknown): number | null {
  const inGuild = isRecord(data) && typeof data["guild_id"] === "string";
  switch (event) {
    case "GUILD_CREATE":
    case "GUILD_UPDATE":
    case "GUILD_DELETE":
    case "GUILD_ROLE_CREATE":
    case "GUILD_ROLE_UPDATE":
    case "GUILD_ROLE_DELETE":
    case "CHANNEL_CREATE":
    case "CHANNEL_UPDATE":
    case "CHANNEL_DELETE":
    case "THREAD_CREATE":
    case "THREAD_UPDATE":
    case "THREAD_DELETE":
    case "THREAD_LIST_SYNC":
    case "THREAD_MEMBER_UPDATE":
    case "STAGE_INSTANCE_CREATE":
    case "STAGE_INSTANCE_UPDATE":
    case "STAGE_INSTANCE_DELETE":
      return GatewayIntentBits.Guilds;
    case "CHANNEL_PINS_UPDATE":
      return inGuild ? GatewayIntentBits.Guilds : GatewayIntentBits.DirectMessages;
    case "GUILD_MEMBER_ADD":
    case "GUILD_MEMBER_UPDATE":
    case "GUILD_MEMBER_REMOVE":
    case "THREAD_MEMBERS_UPDATE":
      return GatewayIntentBits.GuildMembers;
    case "PRESENCE_UPDATE":
      return GatewayIntentBits.GuildPresences;
    case "MESSAGE_CREATE":
    case "MESSAGE_UPDATE":
    case "MESSAGE_DELETE":
    case "MESSAGE_DELETE_BULK":
    case "MESSAGE_POLL_VOTE_ADD":
    case "MESSAGE_POLL_VOTE_REMOVE":
      return inGuild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    case "MESSAGE_REACTION_ADD":
    case "MESSAGE_REACTION_REMOVE":
    case "MESSAGE_REACTION_REMOVE_ALL":
    case "MESSAGE_REACTION_REMOVE_EMOJI":
      return inGuild ? GatewayIntentBits.GuildMessageReactions : GatewayIntentBits.DirectMessageReactions;
    case "TYPING_START":
      return inGuild ? GatewayIntentBits.GuildMessageTyping : GatewayIntentBits.DirectMessageTyping;
    default:
      return null;
  }
}
