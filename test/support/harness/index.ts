/** The loopback Discord (REST + gateway) that tests and the bench run the real discord.js Client against. */
export { DiscordHarness, startDiscordHarness } from "./harness.js";
export {
  DEFAULT_APP_PERMISSIONS,
  DEFAULT_APPLICATION_ID,
  DEFAULT_BOT_USER,
  DEFAULT_EVERYONE_PERMISSIONS,
  DEFAULT_GUILD,
  DEFAULT_USER,
  DM_APP_PERMISSIONS,
  dmChannelIdFor,
  snowflake,
} from "./ids.js";
export { SHARDING_REQUIRED_AT, shardOf, syntheticGuildCreate, syntheticGuildEvent, syntheticServerId } from "./servers.js";
export type {
  DiscordHarnessOptions,
  GatewayConnectionRecord,
  GatewayPayloadRecord,
  HarnessResponse,
  IdentifyRecord,
  InteractionRecord,
  OverrideHandle,
  ReadyRecord,
  RecordedFile,
  RecordedRequest,
  RequestMatcher,
  RespondWithOptions,
  ResumeRecord,
  WaitOptions,
} from "./types.js";
