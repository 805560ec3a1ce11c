/** The harness's public record and option types, and the internal shapes its modules share. */
import type { APIMessage, APIUser, InteractionResponseType } from "discord-api-types/v10";
import type { WebSocket } from "ws";

export interface DiscordHarnessOptions {
  /** If set, authed REST calls with another token answer 401, and IDENTIFY/RESUME with another token close 4004. */
  token?: string;
  /** HELLO's heartbeat_interval (ms). Default 41250 like Discord. */
  heartbeatIntervalMs?: number;
  /** Synthetic servers of realistic size besides the default guild (scale tests, bench). Default 0. */
  servers?: number;
  /** GET /gateway/bot's session_start_limit.max_concurrency. Default 1. */
  maxConcurrency?: number;
}

export interface RecordedFile {
  /** Multipart field name, e.g. "files[0]". */
  field: string;
  name: string;
  size: number;
  contentType: string;
  data: Buffer;
}

export interface HarnessResponse {
  status: number;
  /** JSON-serialised; undefined → empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  /** Position in harness.requests. */
  index: number;
  method: string;
  /**
   * Path without /api/v10 and without query, percent-decoded per segment, e.g.
   * "/webhooks/1/abc/messages/@original" (discord.js sends "%40original"; see rawPath).
   */
  path: string;
  /** The path as sent (still percent-encoded, still with /api/v10). */
  rawPath: string;
  /** The route pattern that handled it, e.g. "POST /interactions/:id/:token/callback"; null when unmatched (404). */
  route: string | null;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  contentType: string | null;
  /** Parsed JSON; for multipart bodies the parsed payload_json part; text otherwise; null when empty. */
  body: unknown;
  /** Non-file, non-payload_json multipart fields. */
  formFields: Record<string, string>;
  files: RecordedFile[];
  receivedAt: number;
  /** What the harness answered. */
  response: HarnessResponse;
  /** True when a respondWith() override produced the response. */
  overridden: boolean;
}

export type RequestPredicate = (request: RecordedRequest) => boolean;

export interface RequestMatcherObject {
  method?: string;
  /** Exact path, a pattern with :params ("/interactions/:id/:token/callback"), or a RegExp. */
  path?: string | RegExp;
}

export type RequestMatcher = RequestPredicate | RequestMatcherObject;

export interface RespondWithOptions {
  /** How many requests to answer before the override retires. Default: unlimited. */
  times?: number;
  /** Hold the answer until this settles (a slow Discord that the test releases when it chooses). */
  until?: PromiseLike<unknown>;
}

export interface OverrideHandle {
  readonly hits: number;
  remove(): void;
}

export interface WaitOptions {
  /** Consider records from this index on (also already recorded ones). Default: only records made after the call. */
  since?: number;
  timeoutMs?: number;
}

export interface GatewayConnectionRecord {
  id: number;
  /** Request URL of the upgrade, e.g. "/?v=10&encoding=json". */
  url: string;
  query: URLSearchParams;
  openedAt: number;
  closedAt: number | null;
  closeCode: number | null;
  /** Who closed: "client", "server" or null while open. */
  closedBy: "client" | "server" | null;
}

export interface IdentifyRecord {
  connectionId: number;
  sessionId: string;
  token: string;
  intents: number;
  properties: Record<string, unknown>;
  shard: unknown;
  compress: unknown;
  largeThreshold: unknown;
  presence: unknown;
  raw: Record<string, unknown>;
  receivedAt: number;
}

export interface ResumeRecord {
  connectionId: number;
  sessionId: string;
  seq: number | null;
  token: string;
  /** False when the harness answered op 9 (invalid session). */
  accepted: boolean;
  replayed: number;
  receivedAt: number;
}

export interface ReadyRecord {
  connectionId: number;
  sessionId: string;
  /** [shard_id, num_shards] of the session. */
  shard: [number, number];
  guildIds: string[];
  sentAt: number;
}

export interface GatewayPayloadRecord {
  connectionId: number;
  op: number;
  d: unknown;
  receivedAt: number;
}

export interface InteractionCallbackRecord {
  type: InteractionResponseType;
  data: unknown;
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  applicationId: string | null;
  guildId: string | null;
  channelId: string | null;
  user: APIUser | null;
  commandName: string | null;
  customId: string | null;
  payload: Record<string, unknown>;
  dispatchedAt: number;
  callback: InteractionCallbackRecord | null;
  /** The @original response message (for components after type 6/7: the message the component is on). */
  original: APIMessage | null;
  originalDeleted: boolean;
  followups: APIMessage[];
  /** Autocomplete choices sent with callback type 8. */
  choices: unknown[] | null;
  /** Modal sent with callback type 9. */
  modal: unknown;
}

export interface CommandWriteRecord {
  /** "global" or the guild id. */
  scope: string;
  method: string;
  body: unknown;
  at: number;
}

// ---------------------------------------------------------------------------------------------------
// Internal shapes (not exported from the index)

export type JsonRecord = Record<string, unknown>;

export interface ChannelState {
  channel: JsonRecord;
  guildId: string | null;
  recipientId: string | null;
  messages: Map<string, APIMessage>;
}

export interface GatewaySocket {
  record: GatewayConnectionRecord;
  ws: WebSocket;
  session: GatewaySession | null;
}

export interface GatewaySession {
  id: string;
  token: string;
  intents: number;
  seq: number;
  /** Payloads generated on demand (synthetic GUILD_CREATEs) keep `lazy` instead of `d`. */
  log: Array<{ s: number; t: string; d: unknown; lazy?: () => unknown }>;
  socket: GatewaySocket | null;
  live: boolean;
  /** IDENTIFY's [shard_id, num_shards] ([0, 1] when not sent). */
  shard: [number, number];
  /** READY and every GUILD_CREATE of the session have been sent. */
  connected: boolean;
}

export interface Override {
  predicate: RequestPredicate;
  response: HarnessResponse | ((request: RecordedRequest) => HarnessResponse);
  remaining: number;
  until: PromiseLike<unknown> | undefined;
  hits: number;
}

export interface RouteContext {
  request: RecordedRequest;
  params: Record<string, string>;
  body: JsonRecord | null;
}

export interface Route {
  method: string;
  pattern: string;
  auth: boolean;
  handle: (ctx: RouteContext) => HarnessResponse;
}

/** A request as parsed, before routing decides its route, params and response. */
export type RequestDraft = Omit<RecordedRequest, "index" | "route" | "params" | "response" | "overridden"> & {
  parseError: HarnessResponse | null;
};
