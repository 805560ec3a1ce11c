// Real INTERACTION_CREATE captures (test/fixtures/real/discord; unlicensed ones from ../shared), completed to today's shape.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ApplicationCommandType, ApplicationIntegrationType, InteractionType } from "discord-api-types/v10";
import { DEFAULT_APPLICATION_ID } from "./harness/index.js";
import { captureFiles, capturePath } from "./real-fixtures.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The repository root (this file is test/support/real-interactions.ts). */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface RealInteractionFixture {
  /** File name in test/fixtures/real/discord (or ../shared/fixtures/real/discord for an unlicensed capture). */
  file: string;
  /** The parsed file. */
  json: JsonObject;
  /** True when the file is a gateway envelope {op, t, s, d}. */
  gatewayEnvelope: boolean;
  /** The interaction object (the envelope's `d`, or the file itself). A fresh copy: mutate freely. */
  interaction: JsonObject;
}

/** File names of the available captures (the committed ones, plus the unlicensed ones when ../shared is present). */
export function listRealInteractionFixtures(): string[] {
  return captureFiles("discord", ".json");
}

/** Load a capture by file name (".json" optional). Returns null when the file is absent (an unlicensed one without ../shared). */
export function loadRealInteractionFixture(name: string): RealInteractionFixture | null {
  const file = name.endsWith(".json") ? name : `${name}.json`;
  if (path.basename(file) !== file) throw new Error(`fixture name must be a plain file name, got ${name}`);
  const full = capturePath("discord", file);
  if (!existsSync(full)) return null;
  const parsed: unknown = JSON.parse(readFileSync(full, "utf8"));
  if (!isJsonObject(parsed)) throw new Error(`${file} is not a JSON object`);
  const envelopeData = parsed["d"];
  const gatewayEnvelope = typeof parsed["op"] === "number" && isJsonObject(envelopeData);
  const interaction = gatewayEnvelope && isJsonObject(envelopeData) ? envelopeData : parsed;
  return { file, json: parsed, gatewayEnvelope, interaction: structuredClone(interaction) };
}

/**
 * Fill in what discord.js 14.28 needs but older captures predate, leaving everything else as captured:
 * - `entitlements` and `authorizing_integration_owners`: BaseInteraction's constructor dereferences both
 *   unconditionally; without them it throws a TypeError inside the gateway handler (an unhandled
 *   rejection, and no interactionCreate);
 * - `data.type` (1 = chat input) for application command/autocomplete payloads: without it discord.js
 *   drops the interaction with only a debug line ("unknown type: undefined");
 * - `application_id`: the captures lack it or name another bot; interaction webhooks (editReply,
 *   followUp) are addressed with it.
 * Mutates `interaction`; returns the names it filled in.
 */
export function completeLegacyInteraction(interaction: JsonObject, applicationId: string = DEFAULT_APPLICATION_ID): string[] {
  const filled: string[] = [];
  if (interaction["application_id"] !== applicationId) {
    interaction["application_id"] = applicationId;
    filled.push("application_id");
  }
  if (!Array.isArray(interaction["entitlements"])) {
    interaction["entitlements"] = [];
    filled.push("entitlements");
  }
  if (!isJsonObject(interaction["authorizing_integration_owners"])) {
    const guildId = interaction["guild_id"];
    interaction["authorizing_integration_owners"] = {
      [String(ApplicationIntegrationType.GuildInstall)]: typeof guildId === "string" ? guildId : "0",
    };
    filled.push("authorizing_integration_owners");
  }
  const data = interaction["data"];
  const type = interaction["type"];
  if (
    (type === InteractionType.ApplicationCommand || type === InteractionType.ApplicationCommandAutocomplete) &&
    isJsonObject(data) &&
    data["type"] === undefined
  ) {
    data["type"] = ApplicationCommandType.ChatInput;
    filled.push("data.type");
  }
  return filled;
}
