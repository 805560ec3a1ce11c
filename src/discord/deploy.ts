import { REST, Routes } from "discord.js";
import { z } from "zod";
import type { Config } from "../config.js";
import type { CommandDefinition } from "./command.js";

const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
const localizations = z.record(z.string(), z.string().min(1).max(100)).optional();
const choiceSchema = z.object({
  name: z.string().min(1).max(100),
  name_localizations: localizations,
  value: z.union([z.string().max(100), z.number()]),
});
const optionSchema = z.object({
  name: z
    .string()
    .regex(NAME)
    .regex(/^[\x21-\x7e]+$/, "names stay ASCII"),
  description: z.string().min(1).max(100),
  description_localizations: localizations,
  choices: z.array(choiceSchema).max(25).optional(),
});
const commandSchema = z.object({
  name: z
    .string()
    .regex(NAME, "1-32 lowercase characters")
    .regex(/^[\x21-\x7e]+$/, "names stay ASCII"),
  description: z.string().min(1).max(100),
  description_localizations: localizations,
  options: z.array(optionSchema).max(25).optional(),
});

/** Checks Discord's limits before anything is sent: a bad payload is a bug here, not a 400 in production. */
export function validateCommandPayload(definitions: readonly CommandDefinition[]): string[] {
  const problems: string[] = [];
  if (definitions.length > 100) problems.push(`${definitions.length} commands; Discord allows 100`);
  const names = new Set<string>();
  for (const definition of definitions) {
    if (names.has(definition.name)) problems.push(`/${definition.name}: duplicate name`);
    names.add(definition.name);
    const result = commandSchema.safeParse(definition);
    if (!result.success)
      for (const issue of result.error.issues) problems.push(`/${definition.name} ${issue.path.join(".")}: ${issue.message}`);
    const total = JSON.stringify([
      definition.name,
      definition.description,
      ...(definition.options ?? []).flatMap((option) => [option.name, option.description]),
    ]).length;
    if (total > 4000) problems.push(`/${definition.name}: ${total} characters of names and descriptions; Discord allows 4000`);
  }
  return problems;
}

const applicationSchema = z.looseObject({ id: z.string() });
const registeredSchema = z.array(z.looseObject({ id: z.string(), name: z.string() }));

export interface DeployResult {
  applicationId: string;
  scope: "global" | { guildId: string };
  commands: { id: string; name: string }[];
}

export async function deployCommands(
  config: Config,
  definitions: readonly CommandDefinition[],
  guildId: string | undefined,
): Promise<DeployResult> {
  const token = config.discord.token;
  if (!token) throw new Error("DISCORD_TOKEN is needed to register commands");
  const problems = validateCommandPayload(definitions);
  if (problems.length > 0) throw new Error(`The command set breaks Discord's limits:\n  - ${problems.join("\n  - ")}`);
  const rest = new REST({ api: config.discord.apiUrl }).setToken(token);
  const applicationId = config.discord.applicationId ?? applicationSchema.parse(await rest.get(Routes.currentApplication())).id;
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const commands = registeredSchema.parse(await rest.put(route, { body: definitions }));
  return { applicationId, scope: guildId ? { guildId } : "global", commands };
}

/**
 * With MODERATION_GUILD_IDS set, the shared list's moderator commands are registered only in those guilds (guild
 * commands) and every other command globally, so other servers' admins never see commands that only refuse.
 */
export function splitForModeration<D extends CommandDefinition>(
  definitions: readonly D[],
  moderatorNames: ReadonlySet<string>,
  moderationGuildIds: readonly string[],
): { global: D[]; guilds: { guildId: string; definitions: D[] }[] } {
  if (moderationGuildIds.length === 0) return { global: [...definitions], guilds: [] };
  const moderator = definitions.filter((definition) => moderatorNames.has(definition.name));
  return {
    global: definitions.filter((definition) => !moderatorNames.has(definition.name)),
    guilds: [...new Set(moderationGuildIds)].map((guildId) => ({ guildId, definitions: moderator })),
  };
}

/**
 * Each moderation guild's set first, then the global set; stops at the first refusal (Discord's error propagates),
 * so a guild the bot is not in leaves the global commands as they were (moderators keep theirs).
 */
export async function deploySplit(config: Config, plan: ReturnType<typeof splitForModeration>): Promise<DeployResult[]> {
  const results: DeployResult[] = [];
  for (const guild of plan.guilds) results.push(await deployCommands(config, guild.definitions, guild.guildId));
  results.push(await deployCommands(config, plan.global, undefined));
  return results;
}
