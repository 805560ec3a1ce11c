/**
 * Loopback stand-in for Discord's REST API (v10) and gateway, so tests can run the real discord.js
 * Client against 127.0.0.1 with no internet.
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
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  GatewayCloseCodes,
  GatewayIntentBits,
  GatewayOpcodes,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
} from "discord-api-types/v10";
import type {
  APIApplicationCommand,
  APIAttachment,
  APIEmbed,
  APIGuildMember,
  APIMessage,
  APIMessageReference,
  APIMessageTopLevelComponent,
  APIRole,
  APIUser,
  GatewayGuildCreateDispatchData,
  GatewayReadyDispatchData,
  GuildMemberFlags,
  RoleFlags,
} from "discord-api-types/v10";

// ---------------------------------------------------------------------------------------------------
// Snowflakes and defaults (shared with ./interactions.ts)
// ---------------------------------------------------------------------------------------------------

export const DISCORD_EPOCH = 1420070400000n;
let snowflakeLastMs = 0n;
let snowflakeIncrement = 0n;

/** A real-looking, unique, time-ordered snowflake (timestamp bits from `atMs`, default now). */
export function snowflake(atMs: number = Date.now()): string {
  const ms = BigInt(Math.floor(atMs));
  if (ms === snowflakeLastMs) {
    snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  } else {
    snowflakeLastMs = ms;
    snowflakeIncrement = 0n;
  }
  const worker = 1n;
  const processId = BigInt(process.pid & 0x1f);
  return (((ms - DISCORD_EPOCH) << 22n) | (worker << 17n) | (processId << 12n) | snowflakeIncrement).toString();
}

const dmChannelIds = new Map<string, string>();

/** The id of "the" DM channel between the bot and a user, stable within a test run (builders and harness agree). */
export function dmChannelIdFor(userId: string): string {
  let id = dmChannelIds.get(userId);
  if (!id) {
    id = snowflake();
    dmChannelIds.set(userId, id);
  }
  return id;
}

/** Milliseconds since the Unix epoch encoded in a snowflake. */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

export const DEFAULT_BOT_USER: APIUser = Object.freeze({
  id: "1300000000000000001",
  username: "paperbot",
  discriminator: "0",
  global_name: null,
  avatar: null,
  bot: true,
});

/** For bots the application id equals the bot user's id. */
export const DEFAULT_APPLICATION_ID = DEFAULT_BOT_USER.id;

/** The human used by the interaction builders unless a test names another. */
export const DEFAULT_USER: APIUser = Object.freeze({
  id: "1100000000000000001",
  username: "reader",
  discriminator: "0",
  global_name: "Reader",
  avatar: null,
});

export type HarnessChannelType =
  | ChannelType.GuildText
  | ChannelType.GuildVoice
  | ChannelType.GuildCategory
  | ChannelType.GuildAnnouncement;

export interface HarnessChannelConfig {
  id: string;
  name: string;
  /** Default ChannelType.GuildText (0). */
  type?: HarnessChannelType;
  topic?: string | null;
  parentId?: string | null;
  position?: number;
  nsfw?: boolean;
}

export interface HarnessMemberConfig {
  user: Partial<APIUser> & { id: string };
  roles?: string[];
  nick?: string | null;
}

export interface HarnessGuildConfig {
  id: string;
  name: string;
  ownerId?: string;
  channels?: HarnessChannelConfig[];
  /** Extra roles; @everyone (id = guild id) and the bot's managed role are always added. */
  roles?: Array<Partial<APIRole> & { id: string; name: string }>;
  memberCount?: number;
  preferredLocale?: `${Locale}`;
  /** Extra members sent in GUILD_CREATE (the bot's own member is always included). */
  members?: HarnessMemberConfig[];
}

const defaultGuild: HarnessGuildConfig = {
  id: "1200000000000000001",
  name: "Paper Club",
  ownerId: DEFAULT_USER.id,
  preferredLocale: "en-US",
  channels: [
    { id: "1200000000000000010", name: "general", type: ChannelType.GuildText },
    { id: "1200000000000000011", name: "papers", type: ChannelType.GuildText, topic: "New LLM papers" },
  ],
};
export const DEFAULT_GUILD: Readonly<HarnessGuildConfig> = Object.freeze(defaultGuild);

/** discord-api-types' flag enums have no 0 member. */
const NO_MEMBER_FLAGS = 0 as GuildMemberFlags;

/** A guild member as GUILD_CREATE carries it: no nickname, avatar, boost or timeout. */
function guildMemberObject(user: APIUser, roles: string[], joinedAt: string): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: NO_MEMBER_FLAGS,
    pending: false,
    communication_disabled_until: null,
  };
}
const NO_ROLE_FLAGS = 0 as RoleFlags;

const P = PermissionFlagsBits;
/** @everyone's permissions in harness guilds (a typical community server). */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  P.ViewChannel |
  P.SendMessages |
  P.SendMessagesInThreads |
  P.CreatePublicThreads |
  P.EmbedLinks |
  P.AttachFiles |
  P.AddReactions |
  P.UseExternalEmojis |
  P.UseExternalStickers |
  P.ReadMessageHistory |
  P.UseApplicationCommands |
  P.CreateInstantInvite |
  P.ChangeNickname |
  P.Connect |
  P.Speak |
  P.Stream |
  P.UseVAD;
/** Permissions of the bot's managed role (what an invite with "Send Messages + Embed Links..." grants). */
export const DEFAULT_BOT_ROLE_PERMISSIONS: bigint =
  P.ViewChannel | P.SendMessages | P.SendMessagesInThreads | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.AddReactions;
/** What `app_permissions` says in a harness guild by default. */
export const DEFAULT_APP_PERMISSIONS: string = (DEFAULT_EVERYONE_PERMISSIONS | DEFAULT_BOT_ROLE_PERMISSIONS).toString();
/** `app_permissions` Discord reports in the bot's DMs. */
export const DM_APP_PERMISSIONS: string = (
  P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.AddReactions |
  P.UseExternalEmojis | P.UseApplicationCommands
).toString();

const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

// ---------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------

export interface DiscordHarnessOptions {
  /** The bot user (bot: true and discriminator "0" are filled in). */
  botUser?: Partial<APIUser> & { id?: string; username?: string };
  /** Default: the bot user's id. */
  applicationId?: string;
  applicationName?: string;
  /** ApplicationFlags bitfield reported in READY and GET /applications/@me. */
  applicationFlags?: number;
  /** Application owner (GET /applications/@me). Default DEFAULT_USER. */
  owner?: Partial<APIUser> & { id: string };
  /** Default [DEFAULT_GUILD]; pass [] for a bot in no guilds. */
  guilds?: HarnessGuildConfig[];
  /** If set, IDENTIFY/RESUME with another token close 4004 and authed REST calls answer 401. */
  token?: string;
  /** Privileged intents "enabled in the developer portal" (mask). Default: all. Others close 4014. */
  allowedPrivilegedIntents?: number;
  /** HELLO's heartbeat_interval (ms). Default 41250 like Discord. */
  heartbeatIntervalMs?: number;
  /** Answer client heartbeats with op 11 (mutable later via harness.ackHeartbeats). Default true. */
  ackHeartbeats?: boolean;
  /** Answer interaction callbacks arriving later than this after dispatch with 10062 (Discord: 3000). Default: off. */
  interactionAckDeadlineMs?: number;
  /**
   * Reject invalid bodies with Discord's 400 50035 "Invalid Form Body" (content > 2000, embed limits,
   * > 25 choices, bad command names/locales, wrong callback type for the interaction, ...). Default true.
   * Empty messages (50006) are always rejected.
   */
  validate?: boolean;
  /** POST /channels/:id/messages to a channel the harness never heard of answers 404 10003. Default true. */
  strictChannels?: boolean;
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
  /** Wait before answering (to simulate a slow Discord). Real time, even under fake timers. */
  delayMs?: number;
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
  guildIds: string[];
  sentAt: number;
}

export interface GatewayPayloadRecord {
  connectionId: number;
  op: number;
  d: unknown;
  receivedAt: number;
}

export interface SentDispatchRecord {
  sessionId: string;
  t: string;
  s: number;
  d: unknown;
  /** Whether it went out immediately (false: buffered for a RESUME). */
  delivered: boolean;
  sentAt: number;
}

export interface DispatchOptions {
  /** Send even when the session's intents would not receive this event. */
  ignoreIntents?: boolean;
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
// Small JSON helpers
// ---------------------------------------------------------------------------------------------------

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function asRecord(value: unknown): JsonRecord | null {
  return isRecord(value) ? value : null;
}
function asString(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
function asArray(value: unknown): unknown[] | null {
  return Array.isArray(value) ? value : null;
}
function charLength(value: string): number {
  return [...value].length;
}
function clone<T>(value: T): T {
  return structuredClone(value);
}
function nowIso(): string {
  return new Date().toISOString().replace("Z", "+00:00");
}

function jsonError(status: number, code: number, message: string): HarnessResponse {
  return { status, body: { message, code } };
}
const notFound = (): HarnessResponse => jsonError(404, 0, "404: Not Found");
const unknownChannel = (): HarnessResponse => jsonError(404, 10003, "Unknown Channel");
const unknownMessage = (): HarnessResponse => jsonError(404, 10008, "Unknown Message");
const unknownWebhook = (): HarnessResponse => jsonError(404, 10015, "Unknown Webhook");
const unknownInteraction = (): HarnessResponse => jsonError(404, 10062, "Unknown interaction");
const missingAccess = (): HarnessResponse => jsonError(403, 50001, "Missing Access");
const noContent = (): HarnessResponse => ({ status: 204 });
const ok = (body: unknown): HarnessResponse => ({ status: 200, body });

/** Match "/a/:b/c" against "/a/1/c"; returns params or null. */
export function matchPathPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith(":") && w.length > 1) {
      if (g === "") return null;
      params[w.slice(1)] = g;
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

function toPredicate(matcher: RequestMatcher): RequestPredicate {
  if (typeof matcher === "function") return matcher;
  const method = matcher.method?.toUpperCase();
  const path = matcher.path;
  return (request) => {
    if (method !== undefined && request.method !== method) return false;
    if (path === undefined) return true;
    if (typeof path === "string") return matchPathPattern(path, request.path) !== null;
    path.lastIndex = 0;
    return path.test(request.path);
  };
}

function describeMatcher(matcher: RequestMatcher): string {
  if (typeof matcher === "function") return matcher.name ? `predicate ${matcher.name}` : "predicate";
  return `${matcher.method?.toUpperCase() ?? "*"} ${matcher.path === undefined ? "*" : String(matcher.path)}`;
}

// ---------------------------------------------------------------------------------------------------
// Record log with waiters
// ---------------------------------------------------------------------------------------------------

/**
 * The harness plays the outside world, so its timeouts and delays run on real time even while a test
 * fakes the bot's timers (vi.useFakeTimers replaces the globals after this module captured them).
 */
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class RecordLog<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();

  constructor(private readonly describe: (item: T) => string) {}

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(item)) {
        this.waiters.delete(waiter);
        realClearTimeout(waiter.timer);
        waiter.resolve(item);
      }
    }
  }

  wait(predicate: (item: T) => boolean, what: string, options: WaitOptions, defaultSince: number): Promise<T> {
    const since = options.since ?? defaultSince;
    for (let i = Math.max(0, since); i < this.items.length; i++) {
      const item = this.items[i];
      if (item !== undefined && predicate(item)) return Promise.resolve(item);
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    const promise = new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve,
        reject,
        timer: realSetTimeout(() => {
          this.waiters.delete(waiter);
          const recent = this.items.slice(-8).map((item) => `  ${this.describe(item)}`).join("\n");
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Most recent records:\n${recent || "  (none)"}`));
        }, timeoutMs),
      };
      waiter.timer.unref();
      this.waiters.add(waiter);
    });
    // A test that never awaits a waiter (e.g. it failed earlier) must not add an unhandled rejection.
    promise.catch(() => undefined);
    return promise;
  }

  rejectAll(reason: string): void {
    for (const waiter of this.waiters) {
      realClearTimeout(waiter.timer);
      waiter.reject(new Error(reason));
    }
    this.waiters.clear();
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation (a subset of Discord's, with Discord's error shapes)
// ---------------------------------------------------------------------------------------------------

interface FormError {
  path: Array<string | number>;
  code: string;
  message: string;
}

function formErrorResponse(errors: FormError[]): HarnessResponse {
  const tree: JsonRecord = {};
  for (const error of errors) {
    let node = tree;
    for (const segment of error.path) {
      const key = String(segment);
      const existing = node[key];
      const child: JsonRecord = isRecord(existing) ? existing : {};
      node[key] = child;
      node = child;
    }
    const list = asArray(node["_errors"]) ?? [];
    list.push({ code: error.code, message: error.message });
    node["_errors"] = list;
  }
  return { status: 400, body: { message: "Invalid Form Body", code: 50035, errors: tree } };
}

function maxLength(errors: FormError[], path: Array<string | number>, value: unknown, max: number, min = 0): void {
  if (typeof value !== "string") return;
  const length = charLength(value);
  if (length > max) errors.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` });
  else if (length < min) {
    errors.push({ path, code: "BASE_TYPE_BAD_LENGTH", message: `Must be between ${min} and ${max} in length.` });
  }
}

function validateMessageBody(body: JsonRecord, prefix: Array<string | number>): FormError[] {
  const errors: FormError[] = [];
  maxLength(errors, [...prefix, "content"], body["content"], 2000);
  const embeds = asArray(body["embeds"]);
  if (embeds) {
    if (embeds.length > 10) {
      errors.push({ path: [...prefix, "embeds"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 10 or fewer in length." });
    }
    let total = 0;
    embeds.forEach((raw, i) => {
      const embed = asRecord(raw);
      if (!embed) return;
      const at = [...prefix, "embeds", i];
      const count = (value: unknown): void => {
        if (typeof value === "string") total += charLength(value);
      };
      maxLength(errors, [...at, "title"], embed["title"], 256);
      maxLength(errors, [...at, "description"], embed["description"], 4096);
      count(embed["title"]);
      count(embed["description"]);
      const footer = asRecord(embed["footer"]);
      if (footer) {
        maxLength(errors, [...at, "footer", "text"], footer["text"], 2048);
        count(footer["text"]);
      }
      const author = asRecord(embed["author"]);
      if (author) {
        maxLength(errors, [...at, "author", "name"], author["name"], 256);
        count(author["name"]);
      }
      const fields = asArray(embed["fields"]);
      if (fields) {
        if (fields.length > 25) {
          errors.push({ path: [...at, "fields"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
        }
        fields.forEach((rawField, j) => {
          const field = asRecord(rawField);
          if (!field) return;
          maxLength(errors, [...at, "fields", j, "name"], field["name"], 256, 1);
          maxLength(errors, [...at, "fields", j, "value"], field["value"], 1024, 1);
          if (typeof field["name"] !== "string") {
            errors.push({ path: [...at, "fields", j, "name"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
          }
          if (typeof field["value"] !== "string") {
            errors.push({ path: [...at, "fields", j, "value"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
          }
          count(field["name"]);
          count(field["value"]);
        });
      }
    });
    if (total > 6000) {
      errors.push({ path: [...prefix, "embeds"], code: "MAX_EMBED_SIZE_EXCEEDED", message: "Embed size exceeds maximum size of 6000" });
    }
  }
  const flags = asNumber(body["flags"]) ?? 0;
  const components = asArray(body["components"]);
  if (components && (flags & MessageFlags.IsComponentsV2) === 0) {
    if (components.length > 5) {
      errors.push({ path: [...prefix, "components"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 5 or fewer in length." });
    }
    components.forEach((rawRow, i) => {
      const row = asRecord(rawRow);
      const children = asArray(row?.["components"]);
      if (!row || !children) return;
      const at = [...prefix, "components", i, "components"];
      if (children.length > 5) errors.push({ path: at, code: "BASE_TYPE_MAX_LENGTH", message: "Must be 5 or fewer in length." });
      children.forEach((rawChild, j) => {
        const child = asRecord(rawChild);
        if (!child) return;
        maxLength(errors, [...at, j, "custom_id"], child["custom_id"], 100, 1);
        maxLength(errors, [...at, j, "label"], child["label"], 80);
        if (child["type"] === 2 && child["style"] !== 5 && child["style"] !== 6 && typeof child["custom_id"] !== "string") {
          errors.push({ path: [...at, j, "custom_id"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
        }
        if (child["type"] === 2 && child["style"] === 5 && typeof child["url"] !== "string") {
          errors.push({ path: [...at, j, "url"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
        }
        const options = asArray(child["options"]);
        if (options && options.length > 25) {
          errors.push({ path: [...at, j, "options"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
        }
      });
    });
  }
  return errors;
}

function isEmptyMessage(body: JsonRecord, fileCount: number): boolean {
  const content = asString(body["content"]);
  if (content !== null && content.trim() !== "") return false;
  if ((asArray(body["embeds"])?.length ?? 0) > 0) return false;
  if ((asArray(body["components"])?.length ?? 0) > 0) return false;
  if ((asArray(body["sticker_ids"])?.length ?? 0) > 0) return false;
  if (body["poll"] !== undefined && body["poll"] !== null) return false;
  return fileCount === 0;
}

const emptyMessage = (): HarnessResponse => jsonError(400, 50006, "Cannot send an empty message");

const VALID_LOCALES: ReadonlySet<string> = new Set<string>(Object.values(Locale));
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateName(errors: FormError[], path: Array<string | number>, name: unknown, chatInput: boolean): void {
  if (typeof name !== "string") {
    errors.push({ path, code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    return;
  }
  if (chatInput) {
    if (!CHAT_INPUT_NAME.test(name)) {
      errors.push({ path, code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
    } else if (name !== name.toLowerCase()) {
      errors.push({ path, code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
    }
  } else {
    maxLength(errors, path, name, 32, 1);
  }
}

function validateLocalizations(errors: FormError[], path: Array<string | number>, map: unknown, kind: "name" | "description", chatInput: boolean): void {
  const record = asRecord(map);
  if (!record) return;
  for (const [locale, value] of Object.entries(record)) {
    if (!VALID_LOCALES.has(locale)) {
      errors.push({ path: [...path, locale], code: "LOCALE_INVALID", message: `Invalid locale ${locale}` });
      continue;
    }
    if (kind === "name") validateName(errors, [...path, locale], value, chatInput);
    else maxLength(errors, [...path, locale], value, 100, 1);
  }
}

function validateCommandOptions(errors: FormError[], path: Array<string | number>, options: unknown[]): void {
  if (options.length > 25) errors.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((raw, i) => {
    const option = asRecord(raw);
    if (!option) return;
    const at = [...path, i];
    validateName(errors, [...at, "name"], option["name"], true);
    const name = asString(option["name"]);
    if (name !== null) {
      if (names.has(name)) errors.push({ path: [...at, "name"], code: "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", message: "Option names must be unique" });
      names.add(name);
    }
    if (typeof option["description"] !== "string") {
      errors.push({ path: [...at, "description"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    } else {
      maxLength(errors, [...at, "description"], option["description"], 100, 1);
    }
    validateLocalizations(errors, [...at, "name_localizations"], option["name_localizations"], "name", true);
    validateLocalizations(errors, [...at, "description_localizations"], option["description_localizations"], "description", true);
    const type = asNumber(option["type"]);
    if (type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup) {
      const sub = asArray(option["options"]);
      if (sub) validateCommandOptions(errors, [...at, "options"], sub);
      return;
    }
    if (option["required"] === true) {
      if (sawOptional) {
        errors.push({ path: [...at], code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", message: "Required options must be placed before non-required options" });
      }
    } else {
      sawOptional = true;
    }
    const choices = asArray(option["choices"]);
    if (choices) {
      if (choices.length > 25) errors.push({ path: [...at, "choices"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
      if (option["autocomplete"] === true && choices.length > 0) {
        errors.push({ path: [...at, "autocomplete"], code: "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE", message: "Autocomplete cannot be set with choices" });
      }
      choices.forEach((rawChoice, j) => {
        const choice = asRecord(rawChoice);
        if (!choice) return;
        maxLength(errors, [...at, "choices", j, "name"], choice["name"], 100, 1);
        maxLength(errors, [...at, "choices", j, "value"], choice["value"], 100);
      });
    }
  });
}

function validateCommands(commands: unknown[]): FormError[] {
  const errors: FormError[] = [];
  const seen = new Set<string>();
  commands.forEach((raw, i) => {
    const command = asRecord(raw);
    if (!command) {
      errors.push({ path: [i], code: "DICT_TYPE_CONVERT", message: "Only dictionaries may be used in a DictType" });
      return;
    }
    const type = asNumber(command["type"]) ?? ApplicationCommandType.ChatInput;
    const chatInput = type === ApplicationCommandType.ChatInput;
    validateName(errors, [i, "name"], command["name"], chatInput);
    const key = `${type}:${String(command["name"])}`;
    if (seen.has(key)) errors.push({ path: [i, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: "Application command names must be unique" });
    seen.add(key);
    if (chatInput) {
      if (typeof command["description"] !== "string") {
        errors.push({ path: [i, "description"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      } else {
        maxLength(errors, [i, "description"], command["description"], 100, 1);
      }
    }
    validateLocalizations(errors, [i, "name_localizations"], command["name_localizations"], "name", chatInput);
    validateLocalizations(errors, [i, "description_localizations"], command["description_localizations"], "description", chatInput);
    const options = asArray(command["options"]);
    if (options) validateCommandOptions(errors, [i, "options"], options);
  });
  return errors;
}

function validateCallback(type: number, interactionType: number, data: JsonRecord | null): HarnessResponse | null {
  const allowed: Record<number, number[]> = {
    [InteractionType.Ping]: [InteractionResponseType.Pong],
    [InteractionType.ApplicationCommand]: [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.Modal,
      InteractionResponseType.LaunchActivity,
    ],
    [InteractionType.MessageComponent]: [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.DeferredMessageUpdate,
      InteractionResponseType.UpdateMessage,
      InteractionResponseType.Modal,
      InteractionResponseType.LaunchActivity,
    ],
    [InteractionType.ApplicationCommandAutocomplete]: [InteractionResponseType.ApplicationCommandAutocompleteResult],
    [InteractionType.ModalSubmit]: [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.DeferredMessageUpdate,
      InteractionResponseType.UpdateMessage,
    ],
  };
  if (!(allowed[interactionType] ?? []).includes(type)) {
    return formErrorResponse([{ path: ["type"], code: "INTERACTION_RESPONSE_TYPE_INVALID", message: `Interaction response type ${type} is not valid for interaction type ${interactionType}` }]);
  }
  if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage) {
    const errors = data ? validateMessageBody(data, ["data"]) : [];
    if (errors.length) return formErrorResponse(errors);
  }
  if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
    const choices = asArray(data?.["choices"]);
    if (!choices) return formErrorResponse([{ path: ["data", "choices"], code: "BASE_TYPE_REQUIRED", message: "This field is required" }]);
    const errors: FormError[] = [];
    if (choices.length > 25) errors.push({ path: ["data", "choices"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
    choices.forEach((rawChoice, i) => {
      const choice = asRecord(rawChoice);
      if (!choice) return;
      maxLength(errors, ["data", "choices", i, "name"], choice["name"], 100, 1);
      maxLength(errors, ["data", "choices", i, "value"], choice["value"], 100);
      validateLocalizations(errors, ["data", "choices", i, "name_localizations"], choice["name_localizations"], "description", false);
    });
    if (errors.length) return formErrorResponse(errors);
  }
  if (type === InteractionResponseType.Modal) {
    const errors: FormError[] = [];
    maxLength(errors, ["data", "title"], data?.["title"], 45, 1);
    maxLength(errors, ["data", "custom_id"], data?.["custom_id"], 100, 1);
    const components = asArray(data?.["components"]);
    if (!components || components.length < 1 || components.length > 5) {
      errors.push({ path: ["data", "components"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 5 in length." });
    }
    if (errors.length) return formErrorResponse(errors);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Intent gating for dispatches (which events a session receives, and MESSAGE_CONTENT stripping)
// ---------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------
// Internal state
// ---------------------------------------------------------------------------------------------------

interface ChannelState {
  channel: JsonRecord;
  guildId: string | null;
  recipientId: string | null;
  messages: Map<string, APIMessage>;
}

interface GatewaySocket {
  record: GatewayConnectionRecord;
  ws: WebSocket;
  session: GatewaySession | null;
}

interface GatewaySession {
  id: string;
  token: string;
  intents: number;
  seq: number;
  log: Array<{ s: number; t: string; d: unknown }>;
  socket: GatewaySocket | null;
  live: boolean;
}

interface Override {
  predicate: RequestPredicate;
  response: HarnessResponse | ((request: RecordedRequest) => HarnessResponse);
  remaining: number;
  delayMs: number;
  until: PromiseLike<unknown> | undefined;
  hits: number;
}

interface RouteContext {
  request: RecordedRequest;
  params: Record<string, string>;
  body: JsonRecord | null;
}

interface Route {
  method: string;
  pattern: string;
  auth: boolean;
  handle: (ctx: RouteContext) => HarnessResponse;
}

/** A request as parsed, before routing decides its route, params and response. */
type RequestDraft = Omit<RecordedRequest, "index" | "route" | "params" | "response" | "overridden"> & { parseError: HarnessResponse | null };

function fullUser(partial: Partial<APIUser> & { id: string }): APIUser {
  return {
    username: `user${partial.id.slice(-4)}`,
    discriminator: "0",
    global_name: null,
    avatar: null,
    ...partial,
  };
}

// ---------------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------------

export class DiscordHarness {
  /** http://127.0.0.1:PORT/api — pass as `rest: { api }`; discord.js appends /v10. */
  readonly apiUrl: string;
  /** ws://127.0.0.1:PORT — what GET /gateway/bot reports. */
  readonly gatewayUrl: string;
  /** ws://127.0.0.1:PORT/resume — READY's resume_gateway_url. */
  readonly resumeGatewayUrl: string;
  readonly port: number;
  readonly botUser: APIUser;
  readonly applicationId: string;
  readonly guilds: readonly HarnessGuildConfig[];
  /** Toggle to stop acknowledging heartbeats (discord.js then reconnects as a zombie connection). */
  ackHeartbeats: boolean;

  private readonly requestLog = new RecordLog<RecordedRequest>((r) => `#${r.index} ${r.method} ${r.path}${r.query.size ? `?${r.query}` : ""} → ${r.response.status}`);
  private readonly identifyLog = new RecordLog<IdentifyRecord>((r) => `identify conn=${r.connectionId} intents=${r.intents}`);
  private readonly resumeLog = new RecordLog<ResumeRecord>((r) => `resume conn=${r.connectionId} accepted=${r.accepted}`);
  private readonly readyLog = new RecordLog<ReadyRecord>((r) => `ready conn=${r.connectionId} session=${r.sessionId}`);
  private readonly receivedLog = new RecordLog<GatewayPayloadRecord>((r) => `op ${r.op} from conn=${r.connectionId}`);
  private readonly sentLog = new RecordLog<SentDispatchRecord>((r) => `${r.t} s=${r.s} session=${r.sessionId}`);
  private readonly connectionList: GatewayConnectionRecord[] = [];
  private readonly sockets = new Set<GatewaySocket>();
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly overrides: Override[] = [];
  private readonly routes: Route[];
  private readonly users = new Map<string, APIUser>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly dmChannelByUser = new Map<string, string>();
  private readonly guildMembers = new Map<string, Map<string, APIGuildMember>>();
  private readonly interactionsById = new Map<string, InteractionRecord>();
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  private readonly commandStore = new Map<string, APIApplicationCommand[]>();
  private readonly commandWriteList: CommandWriteRecord[] = [];
  private readonly owner: APIUser;
  private readonly applicationName: string;
  private readonly applicationFlags: number;
  private readonly heartbeatIntervalMs: number;
  private readonly options: DiscordHarnessOptions;
  private readonly botRoleId = new Map<string, string>();
  private connectionCounter = 0;
  private closed = false;

  /** Use startDiscordHarness(). */
  constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    port: number,
    options: DiscordHarnessOptions,
  ) {
    this.options = options;
    this.port = port;
    this.apiUrl = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}`;
    this.resumeGatewayUrl = `ws://127.0.0.1:${port}/resume`;
    this.botUser = { ...DEFAULT_BOT_USER, ...options.botUser, bot: true, discriminator: options.botUser?.discriminator ?? "0" };
    this.applicationId = options.applicationId ?? this.botUser.id;
    this.applicationName = options.applicationName ?? this.botUser.username;
    this.applicationFlags = options.applicationFlags ?? 0;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41250;
    this.ackHeartbeats = options.ackHeartbeats ?? true;
    this.owner = fullUser(options.owner ?? DEFAULT_USER);
    this.guilds = (options.guilds ?? [DEFAULT_GUILD]).map((guild) => clone(guild));
    this.rememberUser(this.botUser);
    this.rememberUser(this.owner);
    for (const guild of this.guilds) {
      this.botRoleId.set(guild.id, snowflake());
      for (const channel of guild.channels ?? []) {
        this.channels.set(channel.id, { channel: this.channelPayload(guild, channel), guildId: guild.id, recipientId: null, messages: new Map() });
      }
      const members = new Map<string, APIGuildMember>();
      members.set(this.botUser.id, this.botMember(guild));
      for (const member of guild.members ?? []) {
        const user = fullUser(member.user);
        this.rememberUser(user);
        members.set(user.id, {
          ...guildMemberObject(user, member.roles ?? [], "2024-01-01T00:00:00.000000+00:00"),
          nick: member.nick ?? null,
        });
      }
      this.guildMembers.set(guild.id, members);
    }
    this.routes = this.buildRoutes();
    wss.on("connection", (ws, req) => this.onConnection(ws, req));
    server.on("request", (req, res) => {
      void this.onHttpRequest(req, res);
    });
  }

  // ------------------------------------------------------------------ recorded state (read-only views)

  /** Every REST request, in arrival order. */
  get requests(): readonly RecordedRequest[] {
    return this.requestLog.items;
  }
  /** Requests no route knew (answered 404 {message: "404: Not Found", code: 0}). */
  get unmatchedRequests(): RecordedRequest[] {
    return this.requestLog.items.filter((r) => r.route === null && !r.overridden);
  }
  get identifies(): readonly IdentifyRecord[] {
    return this.identifyLog.items;
  }
  get resumes(): readonly ResumeRecord[] {
    return this.resumeLog.items;
  }
  get readies(): readonly ReadyRecord[] {
    return this.readyLog.items;
  }
  get connections(): readonly GatewayConnectionRecord[] {
    return this.connectionList;
  }
  /** Every payload clients sent on the gateway (heartbeats, identify, presence updates, ...). */
  get gatewayReceived(): readonly GatewayPayloadRecord[] {
    return this.receivedLog.items;
  }
  get heartbeats(): GatewayPayloadRecord[] {
    return this.receivedLog.items.filter((p) => p.op === GatewayOpcodes.Heartbeat);
  }
  get presenceUpdates(): GatewayPayloadRecord[] {
    return this.receivedLog.items.filter((p) => p.op === GatewayOpcodes.PresenceUpdate);
  }
  /** Every dispatch the harness sent (READY, GUILD_CREATE, test dispatches, replays are not repeated). */
  get sentDispatches(): readonly SentDispatchRecord[] {
    return this.sentLog.items;
  }
  get commandWrites(): readonly CommandWriteRecord[] {
    return this.commandWriteList;
  }
  /** Number of gateway sockets currently open. */
  get openConnections(): number {
    return [...this.sockets].filter((s) => s.ws.readyState === WebSocket.OPEN).length;
  }

  /** The commands currently registered (global, or for a guild). */
  registeredCommands(guildId?: string): APIApplicationCommand[] {
    return clone(this.commandStore.get(guildId ?? "global") ?? []);
  }

  /** The last body written with PUT/POST to the global (or a guild's) commands endpoint; null if none. */
  lastCommandPayload(guildId?: string): unknown {
    const scope = guildId ?? "global";
    for (let i = this.commandWriteList.length - 1; i >= 0; i--) {
      const write = this.commandWriteList[i];
      if (write && write.scope === scope && write.method === "PUT") return clone(write.body);
    }
    return null;
  }

  /** State of an interaction the harness dispatched (by id or token). */
  interaction(idOrToken: string): InteractionRecord | null {
    return this.interactionsById.get(idOrToken) ?? this.interactionsByToken.get(idOrToken) ?? null;
  }

  get interactions(): InteractionRecord[] {
    return [...this.interactionsById.values()];
  }

  /** Messages the harness knows in a channel (created via REST or carried by dispatches), oldest first. */
  messagesIn(channelId: string): APIMessage[] {
    return clone([...(this.channels.get(channelId)?.messages.values() ?? [])]);
  }

  /** The DM channel id Discord would use for this user (created on first POST /users/@me/channels or DM dispatch). */
  dmChannelFor(userId: string): string | null {
    return this.dmChannelByUser.get(userId) ?? null;
  }

  /** A channel object as GET /channels/:id would return it. */
  channel(channelId: string): JsonRecord | null {
    const state = this.channels.get(channelId);
    return state ? clone(state.channel) : null;
  }

  // ------------------------------------------------------------------ overrides and waiting

  /**
   * Answer matching REST requests with `response` instead of the default behaviour (first registered
   * matching override wins). For 429s without a Retry-After header, one is derived from body.retry_after
   * (discord.js reads the header, not the body).
   */
  respondWith(
    matcher: RequestMatcher,
    response: HarnessResponse | ((request: RecordedRequest) => HarnessResponse),
    options: RespondWithOptions = {},
  ): OverrideHandle {
    const override: Override = {
      predicate: toPredicate(matcher),
      response,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      delayMs: options.delayMs ?? 0,
      until: options.until,
      hits: 0,
    };
    this.overrides.push(override);
    const overrides = this.overrides;
    return {
      get hits() {
        return override.hits;
      },
      remove() {
        const at = overrides.indexOf(override);
        if (at >= 0) overrides.splice(at, 1);
      },
    };
  }

  /**
   * Resolve with the first recorded request matching `matcher` made after this call (or at/after
   * `options.since`, an index into harness.requests, which also covers ones already recorded).
   * It resolves once the harness has decided its response (request.response is set).
   */
  waitForRequest(matcher: RequestMatcher, timeoutMsOrOptions: number | WaitOptions = 5000): Promise<RecordedRequest> {
    const options = typeof timeoutMsOrOptions === "number" ? { timeoutMs: timeoutMsOrOptions } : timeoutMsOrOptions;
    return this.requestLog.wait(toPredicate(matcher), `request ${describeMatcher(matcher)}`, options, this.requestLog.items.length);
  }

  /** Every recorded request matching `matcher`. */
  findRequests(matcher: RequestMatcher): RecordedRequest[] {
    return this.requestLog.items.filter(toPredicate(matcher));
  }

  /** Resolve with identifies[since] (default 0: the first IDENTIFY ever), waiting if not there yet. */
  waitForIdentify(options: WaitOptions = {}): Promise<IdentifyRecord> {
    return this.identifyLog.wait(() => true, "IDENTIFY", options, 0);
  }

  /** Resolve once READY and every GUILD_CREATE of readies[since] (default 0) have been sent. */
  waitForReady(options: WaitOptions = {}): Promise<ReadyRecord> {
    return this.readyLog.wait(() => true, "READY", options, 0);
  }

  /** Resolve with resumes[since] (default: the next RESUME after this call). */
  waitForResume(options: WaitOptions = {}): Promise<ResumeRecord> {
    return this.resumeLog.wait(() => true, "RESUME", options, this.resumeLog.items.length);
  }

  /** Resolve with the next gateway payload from a client matching `predicate` (e.g. op 1 heartbeats). */
  waitForGatewayPayload(predicate: (payload: GatewayPayloadRecord) => boolean, options: WaitOptions = {}): Promise<GatewayPayloadRecord> {
    return this.receivedLog.wait(predicate, "gateway payload", options, this.receivedLog.items.length);
  }

  // ------------------------------------------------------------------ gateway control

  /**
   * Send an op 0 dispatch to every live session (buffered for sessions that are between sockets and
   * replayed on RESUME). Sessions whose intents exclude the event don't get it unless ignoreIntents.
   * Returns how many sessions it went to. Throws when no client has identified yet.
   */
  dispatch(event: string, data: unknown, options: DispatchOptions = {}): number {
    const live = [...this.sessions.values()].filter((s) => s.live);
    if (live.length === 0) throw new Error(`dispatch(${event}): no gateway session; log the client in and await harness.waitForReady() first`);
    this.observeDispatch(event, data);
    let delivered = 0;
    for (const session of live) {
      let payload = data;
      if (!options.ignoreIntents) {
        const needed = requiredIntent(event, data);
        if (needed !== null && (session.intents & needed) === 0) continue;
        payload = this.applyMessageContentIntent(session, event, data);
      }
      this.sendDispatch(session, event, payload);
      delivered++;
    }
    return delivered;
  }

  /** Dispatch INTERACTION_CREATE and return the payload (so `const i = harness.dispatchInteraction(chatInput(...))`). */
  dispatchInteraction<T extends object>(payload: T): T {
    this.dispatch("INTERACTION_CREATE", payload);
    return payload;
  }

  /** Send op 7 RECONNECT: discord.js closes with 4200 and RESUMEs on resume_gateway_url. */
  requestReconnect(): void {
    for (const socket of this.sockets) {
      if (socket.session && socket.ws.readyState === WebSocket.OPEN) this.sendRaw(socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    }
  }

  /** Send op 9 INVALID_SESSION (d = resumable) on every identified socket. */
  invalidateSessions(resumable = false): void {
    for (const socket of this.sockets) {
      if (!socket.session) continue;
      if (!resumable) socket.session.live = false;
      if (socket.ws.readyState === WebSocket.OPEN) this.sendRaw(socket, { op: GatewayOpcodes.InvalidSession, d: resumable, s: null, t: null });
    }
  }

  /** Close every gateway socket from the server side with `code` (4000 → discord.js resumes). */
  disconnectAll(code: number = GatewayCloseCodes.UnknownError, reason = "harness disconnect"): void {
    for (const socket of this.sockets) this.serverClose(socket, code, reason);
  }

  /** Close sockets and the server. Idempotent; pending waiters reject. Destroy clients first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const log of [this.requestLog, this.identifyLog, this.resumeLog, this.readyLog, this.receivedLog, this.sentLog]) {
      log.rejectAll("discord harness closed");
    }
    for (const socket of this.sockets) {
      if (socket.record.closedAt === null) {
        socket.record.closedAt = performance.now();
        socket.record.closedBy = "server";
        socket.record.closeCode = 1006;
      }
      socket.ws.terminate();
    }
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ gateway internals

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
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
    this.connectionList.push(record);
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
        if (this.ackHeartbeats) this.sendRaw(socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
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
        return;
      case GatewayOpcodes.RequestGuildMembers:
        this.onRequestGuildMembers(socket.session, asRecord(d) ?? {});
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
    if (this.options.token !== undefined && token !== this.options.token) {
      this.serverClose(socket, GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
      return;
    }
    if (intents === null || intents < 0) {
      this.serverClose(socket, GatewayCloseCodes.InvalidIntents, "Invalid intent(s).");
      return;
    }
    const allowedPrivileged = this.options.allowedPrivilegedIntents ?? PRIVILEGED_INTENTS;
    if ((intents & PRIVILEGED_INTENTS & ~allowedPrivileged) !== 0) {
      this.serverClose(socket, GatewayCloseCodes.DisallowedIntents, "Disallowed intent(s).");
      return;
    }
    const session: GatewaySession = { id: sessionId, token, intents, seq: 0, log: [], socket, live: true };
    this.sessions.set(sessionId, session);
    socket.session = session;
    const ready: GatewayReadyDispatchData & JsonRecord = {
      v: 10,
      user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
      guilds: this.guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: sessionId,
      session_type: "normal",
      resume_gateway_url: this.resumeGatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: this.applicationFlags, flags_new: String(this.applicationFlags) },
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
      for (const guild of this.guilds) {
        this.sendDispatch(session, "GUILD_CREATE", this.guildCreatePayload(guild));
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
    const tokenOk = this.options.token === undefined || token === this.options.token;
    if (!session || !session.live || !tokenOk || session.token !== token) {
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

  private onRequestGuildMembers(session: GatewaySession, d: JsonRecord): void {
    const guildIds = Array.isArray(d["guild_id"]) ? d["guild_id"].filter((id): id is string => typeof id === "string") : [asString(d["guild_id"]) ?? ""];
    const userIds = asArray(d["user_ids"])?.filter((id): id is string => typeof id === "string") ?? (typeof d["user_ids"] === "string" ? [d["user_ids"]] : null);
    const query = asString(d["query"]);
    const limit = asNumber(d["limit"]) ?? 0;
    for (const guildId of guildIds) {
      let members = [...(this.guildMembers.get(guildId)?.values() ?? [])];
      if (userIds) members = members.filter((m) => m.user !== undefined && userIds.includes(m.user.id));
      else if (query) members = members.filter((m) => m.user?.username.toLowerCase().startsWith(query.toLowerCase()));
      if (limit > 0) members = members.slice(0, limit);
      const found = new Set(members.map((m) => m.user?.id));
      this.sendDispatch(session, "GUILD_MEMBERS_CHUNK", {
        guild_id: guildId,
        members: clone(members),
        chunk_index: 0,
        chunk_count: 1,
        ...(userIds ? { not_found: userIds.filter((id) => !found.has(id)) } : {}),
        ...(d["nonce"] !== undefined ? { nonce: d["nonce"] } : {}),
      });
    }
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
    this.sentLog.push({ sessionId: session.id, t, s, d, delivered, sentAt: performance.now() });
  }

  private applyMessageContentIntent(session: GatewaySession, event: string, data: unknown): unknown {
    if (event !== "MESSAGE_CREATE" && event !== "MESSAGE_UPDATE") return data;
    if ((session.intents & GatewayIntentBits.MessageContent) !== 0) return data;
    const message = asRecord(data);
    if (!message || typeof message["guild_id"] !== "string") return data; // DMs keep content
    const author = asRecord(message["author"]);
    if (author?.["id"] === this.botUser.id) return data;
    const mentions = asArray(message["mentions"]) ?? [];
    if (mentions.some((m) => asRecord(m)?.["id"] === this.botUser.id)) return data;
    const stripped: JsonRecord = { ...message, content: "", embeds: [], attachments: [], components: [] };
    delete stripped["poll"];
    return stripped;
  }

  /** Learn users, channels, members and interactions from what tests dispatch. */
  private observeDispatch(event: string, data: unknown): void {
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

  private registerInteraction(d: JsonRecord): void {
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
        this.ensureChannel(channelId, channel ?? { id: channelId, type: ChannelType.GuildText, ...(guildId ? { guild_id: guildId } : {}) }, guildId, null);
      }
    }
    const dataRecord = asRecord(d["data"]);
    const resolvedUsers = asRecord(asRecord(dataRecord?.["resolved"])?.["users"]);
    for (const resolved of Object.values(resolvedUsers ?? {})) this.rememberUser(asRecord(resolved));
    const sourceMessage = asRecord(d["message"]);
    const sourceChannel = asString(sourceMessage?.["channel_id"]) ?? channelId;
    if (sourceMessage && sourceChannel && typeof sourceMessage["id"] === "string") {
      const state = this.channels.get(sourceChannel);
      if (state && !state.messages.has(sourceMessage["id"])) state.messages.set(sourceMessage["id"], clone(sourceMessage) as unknown as APIMessage);
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

  private rememberUser(raw: JsonRecord | APIUser | null | undefined): APIUser | null {
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

  private rememberMember(guildId: string, member: JsonRecord & { user: APIUser }): void {
    let members = this.guildMembers.get(guildId);
    if (!members) {
      members = new Map();
      this.guildMembers.set(guildId, members);
    }
    const { permissions: _permissions, ...rest } = member;
    const given = clone(rest) as unknown as Partial<APIGuildMember>;
    members.set(member.user.id, { nick: null, roles: [], joined_at: null, deaf: false, mute: false, flags: NO_MEMBER_FLAGS, ...given, user: member.user });
  }

  private ensureChannel(id: string, channel: JsonRecord, guildId: string | null, recipientId: string | null): ChannelState {
    let state = this.channels.get(id);
    if (!state) {
      const { permissions: _permissions, ...rest } = channel;
      state = { channel: { ...clone(rest), ...(guildId ? { guild_id: guildId } : {}) }, guildId, recipientId, messages: new Map() };
      this.channels.set(id, state);
    }
    return state;
  }

  private ensureDmChannel(user: APIUser, channelId?: string): ChannelState {
    const id = channelId ?? this.dmChannelByUser.get(user.id) ?? dmChannelIdFor(user.id);
    if (!this.dmChannelByUser.has(user.id)) this.dmChannelByUser.set(user.id, id);
    return this.ensureChannel(id, { id, type: ChannelType.DM, last_message_id: null, flags: 0, recipients: [clone(user)] }, null, user.id);
  }

  // ------------------------------------------------------------------ payload builders

  private channelPayload(guild: HarnessGuildConfig, config: HarnessChannelConfig): JsonRecord {
    const type = config.type ?? ChannelType.GuildText;
    const base: JsonRecord = {
      id: config.id,
      type,
      name: config.name,
      guild_id: guild.id,
      position: config.position ?? (guild.channels ?? []).indexOf(config),
      permission_overwrites: [],
      parent_id: config.parentId ?? null,
      flags: 0,
    };
    if (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement) {
      return { ...base, topic: config.topic ?? null, nsfw: config.nsfw ?? false, rate_limit_per_user: 0, last_message_id: null, last_pin_timestamp: null };
    }
    if (type === ChannelType.GuildVoice) {
      return { ...base, bitrate: 64000, user_limit: 0, rtc_region: null, nsfw: false, rate_limit_per_user: 0, last_message_id: null };
    }
    return base;
  }

  private botMember(guild: HarnessGuildConfig): APIGuildMember {
    return guildMemberObject(clone(this.botUser), [this.botRoleId.get(guild.id) ?? guild.id], "2025-01-01T00:00:00.000000+00:00");
  }

  private guildRoles(guild: HarnessGuildConfig): APIRole[] {
    const role = (partial: Partial<APIRole> & { id: string; name: string }, position: number): APIRole => ({
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: "0",
      managed: false,
      mentionable: false,
      flags: NO_ROLE_FLAGS,
      ...partial,
    });
    return [
      role({ id: guild.id, name: "@everyone", permissions: DEFAULT_EVERYONE_PERMISSIONS.toString() }, 0),
      role(
        {
          id: this.botRoleId.get(guild.id) ?? guild.id,
          name: this.botUser.username,
          managed: true,
          permissions: DEFAULT_BOT_ROLE_PERMISSIONS.toString(),
          tags: { bot_id: this.botUser.id },
        },
        1,
      ),
      ...(guild.roles ?? []).map((r, i) => role(r, i + 2)),
    ];
  }

  private guildCreatePayload(guild: HarnessGuildConfig): GatewayGuildCreateDispatchData {
    const members = [...(this.guildMembers.get(guild.id)?.values() ?? [])];
    const channels = [...this.channels.values()].filter((c) => c.guildId === guild.id && c.recipientId === null).map((c) => {
      const { guild_id: _guildId, ...channel } = c.channel;
      return channel;
    });
    const firstText = (guild.channels ?? []).find((c) => (c.type ?? ChannelType.GuildText) === ChannelType.GuildText);
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: guild.ownerId ?? this.owner.id,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: GuildVerificationLevel.Low,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.AllMembers,
      roles: this.guildRoles(guild),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: firstText?.id ?? null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotificationReplies,
      rules_channel_id: null,
      max_presences: null,
      max_members: 25000000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: Object.values(Locale).find((l) => l === guild.preferredLocale) ?? Locale.EnglishUS,
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      joined_at: "2025-01-01T00:00:00.000000+00:00",
      large: false,
      unavailable: false,
      member_count: guild.memberCount ?? Math.max(members.length, 2),
      voice_states: [],
      members: clone(members),
      channels: clone(channels) as unknown as GatewayGuildCreateDispatchData["channels"],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private buildAttachments(channelId: string, files: RecordedFile[], body: JsonRecord | null): APIAttachment[] {
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

  private mentionsIn(content: string): APIUser[] {
    const users: APIUser[] = [];
    for (const match of content.matchAll(/<@!?(\d{15,21})>/g)) {
      const user = match[1] ? this.users.get(match[1]) : undefined;
      if (user && !users.some((u) => u.id === user.id)) users.push(clone(user));
    }
    return users;
  }

  private newMessage(
    channelId: string,
    body: JsonRecord,
    files: RecordedFile[],
    extra: { type: MessageType; flags?: number; webhook?: boolean; interaction?: InteractionRecord; reply?: boolean },
  ): APIMessage {
    const content = asString(body["content"]) ?? "";
    const keptFlags = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;
    const flags = extra.flags ?? ((asNumber(body["flags"]) ?? 0) & keptFlags);
    const id = snowflake();
    const message: APIMessage = {
      id,
      channel_id: channelId,
      author: clone(this.botUser),
      content,
      timestamp: nowIso(),
      edited_timestamp: null,
      tts: body["tts"] === true,
      mention_everyone: false,
      mentions: this.mentionsIn(content),
      mention_roles: [],
      attachments: this.buildAttachments(channelId, files, body),
      embeds: this.normaliseEmbeds(body["embeds"]),
      components: (asArray(body["components"]) ?? []) as APIMessageTopLevelComponent[],
      pinned: false,
      type: extra.type,
      flags,
    };
    const reference = asRecord(body["message_reference"]);
    const referencedId = asString(reference?.["message_id"]);
    if (reference && referencedId) {
      const refChannel = asString(reference["channel_id"]) ?? channelId;
      message.message_reference = { type: 0, message_id: referencedId, channel_id: refChannel, ...(reference["guild_id"] ? { guild_id: String(reference["guild_id"]) } : {}) } as APIMessageReference;
      message.referenced_message = clone(this.channels.get(refChannel)?.messages.get(referencedId) ?? null);
      if (extra.type === MessageType.Default) message.type = MessageType.Reply;
    }
    if (extra.webhook || extra.interaction) {
      message.webhook_id = this.applicationId;
      message.application_id = this.applicationId;
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
        message.interaction = { id: interaction.id, type: InteractionType.ApplicationCommand, name: interaction.commandName ?? "", user: clone(interaction.user) };
      }
    }
    return message;
  }

  private normaliseEmbeds(raw: unknown): APIEmbed[] {
    return (asArray(raw) ?? []).map((embed) => ({ type: "rich", ...(asRecord(embed) ?? {}) }) as APIEmbed);
  }

  private applyEdit(message: APIMessage, body: JsonRecord, files: RecordedFile[], markEdited: boolean): APIMessage {
    const next = clone(message);
    if ("content" in body) {
      next.content = asString(body["content"]) ?? "";
      next.mentions = this.mentionsIn(next.content);
    }
    if ("embeds" in body) next.embeds = this.normaliseEmbeds(body["embeds"]);
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
      next.attachments = [...existing, ...this.buildAttachments(next.channel_id, files, body)];
    }
    if (markEdited) next.edited_timestamp = nowIso();
    return next;
  }

  private storeMessage(message: APIMessage): void {
    if ((message.flags ?? 0) & MessageFlags.Ephemeral) return;
    this.channels.get(message.channel_id)?.messages.set(message.id, clone(message));
  }

  // ------------------------------------------------------------------ REST

  private buildRoutes(): Route[] {
    const route = (method: string, pattern: string, handle: Route["handle"], auth = true): Route => ({ method, pattern, handle, auth });
    const commands = (scope: (ctx: RouteContext) => string | HarnessResponse): Route["handle"][] => [
      (ctx) => this.withScope(ctx, scope, (s) => ok(this.registeredCommands(s === "global" ? undefined : s))),
      (ctx) => this.withScope(ctx, scope, (s) => this.putCommands(ctx, s)),
      (ctx) => this.withScope(ctx, scope, (s) => this.postCommand(ctx, s)),
      (ctx) => this.withScope(ctx, scope, (s) => this.commandById(ctx, s, "GET")),
      (ctx) => this.withScope(ctx, scope, (s) => this.commandById(ctx, s, "PATCH")),
      (ctx) => this.withScope(ctx, scope, (s) => this.commandById(ctx, s, "DELETE")),
    ];
    const globalScope = (ctx: RouteContext): string | HarnessResponse =>
      ctx.params["app"] === this.applicationId ? "global" : jsonError(404, 10002, "Unknown Application");
    const guildScope = (ctx: RouteContext): string | HarnessResponse => {
      if (ctx.params["app"] !== this.applicationId) return jsonError(404, 10002, "Unknown Application");
      const guildId = ctx.params["guild"] ?? "";
      return this.guilds.some((g) => g.id === guildId) ? guildId : missingAccess();
    };
    const [gList, gPut, gPost, gGet, gPatch, gDelete] = commands(globalScope);
    const [sList, sPut, sPost, sGet, sPatch, sDelete] = commands(guildScope);
    const must = <T>(value: T | undefined): T => {
      if (value === undefined) throw new Error("route table");
      return value;
    };
    return [
      route("GET", "/gateway/bot", () =>
        ok({
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        }),
      ),
      route("GET", "/gateway", () => ok({ url: this.gatewayUrl }), false),
      route("GET", "/users/@me", () => ok({ ...clone(this.botUser), verified: true, mfa_enabled: false, locale: "en-US", email: null })),
      route("POST", "/users/@me/channels", (ctx) => this.openDm(ctx)),
      route("GET", "/users/:userId", (ctx) => {
        const user = this.users.get(ctx.params["userId"] ?? "");
        return user ? ok(clone(user)) : jsonError(404, 10013, "Unknown User");
      }),
      route("GET", "/applications/@me", () => ok(this.applicationPayload())),
      route("GET", "/applications/:app/commands", must(gList)),
      route("PUT", "/applications/:app/commands", must(gPut)),
      route("POST", "/applications/:app/commands", must(gPost)),
      route("GET", "/applications/:app/commands/:command", must(gGet)),
      route("PATCH", "/applications/:app/commands/:command", must(gPatch)),
      route("DELETE", "/applications/:app/commands/:command", must(gDelete)),
      route("GET", "/applications/:app/guilds/:guild/commands", must(sList)),
      route("PUT", "/applications/:app/guilds/:guild/commands", must(sPut)),
      route("POST", "/applications/:app/guilds/:guild/commands", must(sPost)),
      route("GET", "/applications/:app/guilds/:guild/commands/:command", must(sGet)),
      route("PATCH", "/applications/:app/guilds/:guild/commands/:command", must(sPatch)),
      route("DELETE", "/applications/:app/guilds/:guild/commands/:command", must(sDelete)),
      route("POST", "/interactions/:id/:token/callback", (ctx) => this.interactionCallback(ctx), false),
      route("POST", "/webhooks/:app/:token", (ctx) => this.webhookExecute(ctx), false),
      route("GET", "/webhooks/:app/:token/messages/:message", (ctx) => this.webhookMessage(ctx, "GET"), false),
      route("PATCH", "/webhooks/:app/:token/messages/:message", (ctx) => this.webhookMessage(ctx, "PATCH"), false),
      route("DELETE", "/webhooks/:app/:token/messages/:message", (ctx) => this.webhookMessage(ctx, "DELETE"), false),
      route("GET", "/channels/:channel", (ctx) => {
        const state = this.channels.get(ctx.params["channel"] ?? "");
        return state ? ok(clone(state.channel)) : unknownChannel();
      }),
      route("POST", "/channels/:channel/typing", (ctx) => (this.channelFor(ctx) ? noContent() : unknownChannel())),
      route("POST", "/channels/:channel/messages", (ctx) => this.createChannelMessage(ctx)),
      route("GET", "/channels/:channel/messages", (ctx) => {
        const state = this.channelFor(ctx);
        if (!state) return unknownChannel();
        const limit = Number(ctx.request.query.get("limit") ?? "50");
        return ok(clone([...state.messages.values()].reverse().slice(0, limit)));
      }),
      route("GET", "/channels/:channel/messages/:message", (ctx) => {
        const message = this.channels.get(ctx.params["channel"] ?? "")?.messages.get(ctx.params["message"] ?? "");
        return message ? ok(clone(message)) : unknownMessage();
      }),
      route("PATCH", "/channels/:channel/messages/:message", (ctx) => this.editChannelMessage(ctx)),
      route("DELETE", "/channels/:channel/messages/:message", (ctx) => {
        const state = this.channels.get(ctx.params["channel"] ?? "");
        return state?.messages.delete(ctx.params["message"] ?? "") ? noContent() : unknownMessage();
      }),
    ];
  }

  private withScope(ctx: RouteContext, scope: (ctx: RouteContext) => string | HarnessResponse, then: (scope: string) => HarnessResponse): HarnessResponse {
    const resolved = scope(ctx);
    return typeof resolved === "string" ? then(resolved) : resolved;
  }

  private applicationPayload(): JsonRecord {
    return {
      id: this.applicationId,
      name: this.applicationName,
      icon: null,
      description: "",
      summary: "",
      type: null,
      hook: true,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: randomBytes(32).toString("hex"),
      flags: this.applicationFlags,
      owner: clone(this.owner),
      team: null,
      bot: clone(this.botUser),
      approximate_guild_count: this.guilds.length,
      approximate_user_install_count: 0,
      redirect_uris: [],
      interactions_endpoint_url: null,
      integration_types_config: { "0": {} },
      tags: [],
    };
  }

  private normaliseCommand(raw: JsonRecord, scope: string, existing: APIApplicationCommand | undefined): APIApplicationCommand {
    const type = asNumber(raw["type"]) ?? ApplicationCommandType.ChatInput;
    const command: JsonRecord = {
      default_member_permissions: null,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      ...clone(raw),
      id: existing?.id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type,
      description: asString(raw["description"]) ?? "",
      ...(scope === "global" ? {} : { guild_id: scope }),
    };
    if (type === ApplicationCommandType.PrimaryEntryPoint) command["handler"] = raw["handler"] ?? 1;
    return command as unknown as APIApplicationCommand;
  }

  private putCommands(ctx: RouteContext, scope: string): HarnessResponse {
    const list = asArray(ctx.request.body);
    if (!list) return formErrorResponse([{ path: [], code: "BASE_TYPE_ARRAY", message: "Must be an array" }]);
    if (this.options.validate !== false) {
      const errors = validateCommands(list);
      if (list.length > 100) errors.push({ path: [], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." });
      if (errors.length) return formErrorResponse(errors);
    }
    const previous = this.commandStore.get(scope) ?? [];
    const next = list.map((raw) => {
      const record = asRecord(raw) ?? {};
      const same = previous.find((c) => c.name === record["name"] && c.type === (asNumber(record["type"]) ?? 1));
      return this.normaliseCommand(record, scope, same);
    });
    this.commandStore.set(scope, next);
    this.commandWriteList.push({ scope, method: "PUT", body: clone(ctx.request.body), at: performance.now() });
    return ok(clone(next));
  }

  private postCommand(ctx: RouteContext, scope: string): HarnessResponse {
    const body = ctx.body;
    if (!body) return formErrorResponse([{ path: [], code: "DICT_TYPE_CONVERT", message: "Only dictionaries may be used in a DictType" }]);
    if (this.options.validate !== false) {
      const errors = validateCommands([body]).map((e) => ({ ...e, path: e.path.slice(1) }));
      if (errors.length) return formErrorResponse(errors);
    }
    const list = this.commandStore.get(scope) ?? [];
    const at = list.findIndex((c) => c.name === body["name"] && c.type === (asNumber(body["type"]) ?? 1));
    const command = this.normaliseCommand(body, scope, at >= 0 ? list[at] : undefined);
    if (at >= 0) list[at] = command;
    else list.push(command);
    this.commandStore.set(scope, list);
    this.commandWriteList.push({ scope, method: "POST", body: clone(body), at: performance.now() });
    return { status: at >= 0 ? 200 : 201, body: clone(command) };
  }

  private commandById(ctx: RouteContext, scope: string, method: "GET" | "PATCH" | "DELETE"): HarnessResponse {
    const list = this.commandStore.get(scope) ?? [];
    const at = list.findIndex((c) => c.id === ctx.params["command"]);
    const command = list[at];
    if (!command) return jsonError(404, 10063, "Unknown application command");
    if (method === "GET") return ok(clone(command));
    if (method === "DELETE") {
      list.splice(at, 1);
      this.commandWriteList.push({ scope, method, body: null, at: performance.now() });
      return noContent();
    }
    const merged = this.normaliseCommand({ ...(clone(command) as unknown as JsonRecord), ...(ctx.body ?? {}) }, scope, command);
    list[at] = merged;
    this.commandWriteList.push({ scope, method, body: clone(ctx.body), at: performance.now() });
    return ok(clone(merged));
  }

  private openDm(ctx: RouteContext): HarnessResponse {
    const recipientId = asString(ctx.body?.["recipient_id"]);
    if (!recipientId) return formErrorResponse([{ path: ["recipient_id"], code: "BASE_TYPE_REQUIRED", message: "This field is required" }]);
    if (recipientId === this.botUser.id) return jsonError(400, 50007, "Cannot send messages to this user");
    const user = this.users.get(recipientId) ?? fullUser({ id: recipientId });
    this.users.set(recipientId, user);
    const state = this.ensureDmChannel(user);
    return ok(clone(state.channel));
  }

  private channelFor(ctx: RouteContext): ChannelState | null {
    const id = ctx.params["channel"] ?? "";
    const state = this.channels.get(id);
    if (state) return state;
    if (this.options.strictChannels === false) return this.ensureChannel(id, { id, type: ChannelType.GuildText }, null, null);
    return null;
  }

  private createChannelMessage(ctx: RouteContext): HarnessResponse {
    const state = this.channelFor(ctx);
    if (!state) return unknownChannel();
    const body = ctx.body ?? {};
    if (isEmptyMessage(body, ctx.request.files.length)) return emptyMessage();
    if (this.options.validate !== false) {
      const errors = validateMessageBody(body, []);
      if (errors.length) return formErrorResponse(errors);
    }
    const channelId = ctx.params["channel"] ?? "";
    const message = this.newMessage(channelId, body, ctx.request.files, { type: MessageType.Default, flags: (asNumber(body["flags"]) ?? 0) & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2) });
    state.messages.set(message.id, clone(message));
    state.channel["last_message_id"] = message.id;
    return ok(message);
  }

  private editChannelMessage(ctx: RouteContext): HarnessResponse {
    const state = this.channels.get(ctx.params["channel"] ?? "");
    const message = state?.messages.get(ctx.params["message"] ?? "");
    if (!state || !message) return unknownMessage();
    if (message.author.id !== this.botUser.id) return jsonError(403, 50005, "Cannot edit a message authored by another user");
    const body = ctx.body ?? {};
    if (this.options.validate !== false) {
      const errors = validateMessageBody(body, []);
      if (errors.length) return formErrorResponse(errors);
    }
    const next = this.applyEdit(message, body, ctx.request.files, true);
    state.messages.set(next.id, clone(next));
    return ok(next);
  }

  private interactionCallback(ctx: RouteContext): HarnessResponse {
    const interaction = this.interactionsById.get(ctx.params["id"] ?? "");
    if (!interaction) return unknownInteraction();
    if (interaction.token !== ctx.params["token"]) return jsonError(401, 50027, "Invalid Webhook Token");
    const deadline = this.options.interactionAckDeadlineMs;
    if (deadline !== undefined && ctx.request.receivedAt - interaction.dispatchedAt > deadline) return unknownInteraction();
    if (interaction.callback) return jsonError(400, 40060, "Interaction has already been acknowledged.");
    const body = ctx.body ?? {};
    const type = asNumber(body["type"]);
    if (type === null) return formErrorResponse([{ path: ["type"], code: "BASE_TYPE_REQUIRED", message: "This field is required" }]);
    const data = asRecord(body["data"]);
    if (type === InteractionResponseType.ChannelMessageWithSource && (!data || isEmptyMessage(data, ctx.request.files.length))) return emptyMessage();
    if (this.options.validate !== false) {
      const invalid = validateCallback(type, interaction.type, data);
      if (invalid) return invalid;
    }
    interaction.callback = { type, data: clone(body["data"]), at: ctx.request.receivedAt };
    const channelId = interaction.channelId ?? "0";
    const isCommand = interaction.type === InteractionType.ApplicationCommand;
    const replyType = isCommand ? MessageType.ChatInputCommand : MessageType.Default;
    const source = asRecord(interaction.payload["message"]);
    const sourceMessage = (): APIMessage | null => {
      const id = asString(source?.["id"]);
      const stored = id ? this.channels.get(asString(source?.["channel_id"]) ?? channelId)?.messages.get(id) : undefined;
      return stored ? clone(stored) : source ? (clone(source) as unknown as APIMessage) : null;
    };
    let message: APIMessage | null = null;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource:
        message = this.newMessage(channelId, data ?? {}, ctx.request.files, { type: replyType, interaction });
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const ephemeral = (asNumber(data?.["flags"]) ?? 0) & MessageFlags.Ephemeral;
        message = this.newMessage(channelId, {}, [], { type: replyType, interaction, flags: ephemeral | MessageFlags.Loading });
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
        message = sourceMessage();
        break;
      case InteractionResponseType.UpdateMessage: {
        const current = sourceMessage();
        message = current ? this.applyEdit(current, data ?? {}, ctx.request.files, true) : null;
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
      if (type !== InteractionResponseType.DeferredMessageUpdate) this.storeMessage(message);
    }
    if (ctx.request.query.get("with_response") !== "true") return noContent();
    const createsMessage = type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.DeferredChannelMessageWithSource || type === InteractionResponseType.UpdateMessage;
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
      ...(message && createsMessage ? { resource: { type, message: clone(message) } } : type === InteractionResponseType.DeferredMessageUpdate || type === InteractionResponseType.Modal ? {} : { resource: { type } }),
    });
  }

  private webhookInteraction(ctx: RouteContext): InteractionRecord | HarnessResponse {
    const interaction = this.interactionsByToken.get(ctx.params["token"] ?? "");
    if (!interaction || ctx.params["app"] !== this.applicationId) return unknownWebhook();
    // The interaction webhook only exists once the interaction was acknowledged.
    if (!interaction.callback) return unknownWebhook();
    return interaction;
  }

  private webhookExecute(ctx: RouteContext): HarnessResponse {
    const interaction = this.webhookInteraction(ctx);
    if (!("token" in interaction)) return interaction;
    const body = ctx.body ?? {};
    if (isEmptyMessage(body, ctx.request.files.length)) return emptyMessage();
    if (this.options.validate !== false) {
      const errors = validateMessageBody(body, []);
      if (errors.length) return formErrorResponse(errors);
    }
    const message = this.newMessage(interaction.channelId ?? "0", body, ctx.request.files, { type: MessageType.Default, webhook: true, interaction });
    interaction.followups.push(message);
    this.storeMessage(message);
    return ctx.request.query.get("wait") === "true" ? ok(clone(message)) : noContent();
  }

  private webhookMessage(ctx: RouteContext, method: "GET" | "PATCH" | "DELETE"): HarnessResponse {
    const interaction = this.webhookInteraction(ctx);
    if (!("token" in interaction)) return interaction;
    const messageId = ctx.params["message"] ?? "";
    const isOriginal = messageId === "@original" || messageId === interaction.original?.id;
    const followupAt = interaction.followups.findIndex((m) => m.id === messageId);
    const current = isOriginal ? (interaction.originalDeleted ? null : interaction.original) : interaction.followups[followupAt] ?? null;
    if (!current) return unknownMessage();
    if (method === "GET") return ok(clone(current));
    if (method === "DELETE") {
      if (isOriginal) interaction.originalDeleted = true;
      else interaction.followups.splice(followupAt, 1);
      this.channels.get(current.channel_id)?.messages.delete(current.id);
      return noContent();
    }
    const body = ctx.body ?? {};
    if (this.options.validate !== false) {
      const errors = validateMessageBody(body, []);
      if (errors.length) return formErrorResponse(errors);
    }
    const wasLoading = ((current.flags ?? 0) & MessageFlags.Loading) !== 0;
    const next = this.applyEdit(current, body, ctx.request.files, !wasLoading);
    if (wasLoading) {
      next.flags = (next.flags ?? 0) & ~MessageFlags.Loading;
      if (isEmptyMessage(body, ctx.request.files.length) && next.content === "" && next.embeds.length === 0) return emptyMessage();
    }
    if (isOriginal) interaction.original = next;
    else interaction.followups[followupAt] = next;
    this.storeMessage(next);
    return ok(clone(next));
  }

  private async readRequest(req: IncomingMessage): Promise<RequestDraft> {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const contentType = headers["content-type"] ?? null;
    const unversioned = url.pathname.startsWith("/api/v10/") ? url.pathname.slice("/api/v10".length) : url.pathname;
    const path = unversioned
      .split("/")
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      })
      .join("/");
    const draft: RequestDraft = {
      method: (req.method ?? "GET").toUpperCase(),
      path,
      rawPath: url.pathname,
      query: url.searchParams,
      headers,
      contentType,
      body: null,
      formFields: {},
      files: [],
      receivedAt,
      parseError: null,
    };
    if (raw.length === 0) return draft;
    if (contentType?.startsWith("multipart/form-data")) {
      const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
      for (const [field, value] of form.entries()) {
        if (typeof value === "string") {
          if (field === "payload_json") {
            try {
              draft.body = JSON.parse(value);
            } catch {
              draft.parseError = jsonError(400, 50109, "The request body contains invalid JSON.");
            }
          } else {
            draft.formFields[field] = value;
          }
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          draft.files.push({ field, name: value.name, size: data.length, contentType: value.type || "application/octet-stream", data });
        }
      }
      return draft;
    }
    const text = raw.toString("utf8");
    if (contentType?.includes("json")) {
      try {
        draft.body = JSON.parse(text);
      } catch {
        draft.body = text;
        draft.parseError = jsonError(400, 50109, "The request body contains invalid JSON.");
      }
    } else {
      draft.body = text;
    }
    return draft;
  }

  private async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let draft: RequestDraft;
    try {
      draft = await this.readRequest(req);
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `harness could not read the request: ${String(error)}`, code: 0 }));
      return;
    }
    const request: RecordedRequest = {
      index: this.requestLog.items.length,
      method: draft.method,
      path: draft.path,
      rawPath: draft.rawPath,
      route: null,
      params: {},
      query: draft.query,
      headers: draft.headers,
      contentType: draft.contentType,
      body: draft.body,
      formFields: draft.formFields,
      files: draft.files,
      receivedAt: draft.receivedAt,
      response: { status: 0 },
      overridden: false,
    };
    const isApi = (req.url ?? "").startsWith("/api/v10/");
    const route = isApi ? this.routes.find((r) => r.method === request.method && matchPathPattern(r.pattern, request.path) !== null) : undefined;
    if (route) {
      request.route = `${route.method} ${route.pattern}`;
      request.params = matchPathPattern(route.pattern, request.path) ?? {};
    }
    const override = this.overrides.find((o) => o.remaining > 0 && o.predicate(request));
    let response: HarnessResponse;
    let delayMs = 0;
    let until: PromiseLike<unknown> | undefined;
    if (override) {
      override.remaining--;
      override.hits++;
      if (override.remaining <= 0) this.overrides.splice(this.overrides.indexOf(override), 1);
      request.overridden = true;
      response = typeof override.response === "function" ? override.response(request) : clone(override.response);
      delayMs = override.delayMs;
      until = override.until;
    } else if (draft.parseError) {
      response = draft.parseError;
    } else if (!route) {
      response = notFound();
    } else if (route.auth && !this.authorised(request)) {
      response = jsonError(401, 0, "401: Unauthorized");
    } else {
      try {
        response = route.handle({ request, params: request.params, body: asRecord(request.body) });
      } catch (error) {
        response = { status: 500, body: { message: `harness error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`, code: 0 } };
      }
    }
    request.response = response;
    this.requestLog.push(request);
    if (delayMs > 0) await new Promise((resolve) => realSetTimeout(resolve, delayMs));
    if (until) await Promise.resolve(until).catch(() => undefined);
    this.writeResponse(res, response);
  }

  private authorised(request: RecordedRequest): boolean {
    const header = request.headers["authorization"];
    if (header === undefined || !/^Bot \S+/.test(header)) return false;
    return this.options.token === undefined || header === `Bot ${this.options.token}`;
  }

  private writeResponse(res: ServerResponse, response: HarnessResponse): void {
    const headers: Record<string, string> = { ...response.headers };
    const lower = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
    const body = asRecord(response.body);
    if (response.status === 429 && !lower.has("retry-after")) {
      const retryAfter = asNumber(body?.["retry_after"]) ?? 0.05;
      headers["Retry-After"] = String(retryAfter);
      if (body?.["global"] === true && !lower.has("x-ratelimit-global")) headers["X-RateLimit-Global"] = "true";
      if (!lower.has("x-ratelimit-scope")) headers["X-RateLimit-Scope"] = body?.["global"] === true ? "global" : "user";
    }
    if (response.body === undefined || response.status === 204) {
      res.writeHead(response.status, headers);
      res.end();
      return;
    }
    if (!lower.has("content-type")) headers["Content-Type"] = "application/json";
    res.writeHead(response.status, headers);
    res.end(typeof response.body === "string" && !headers["Content-Type"]?.includes("json") ? response.body : JSON.stringify(response.body));
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
