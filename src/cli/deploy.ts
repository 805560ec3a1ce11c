import { ConfigError } from "../config.js";
import { loadConfig, parse, UsageError, type Handler } from "./kit.js";

export const deployCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    { guild: { type: "string" }, dev: { type: "boolean", default: false }, "dry-run": { type: "boolean", default: false } },
    false,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  if (values.guild !== undefined && !/^\d{17,20}$/.test(values.guild)) throw new UsageError("--guild takes a guild id (17-20 digits)");
  const { commands, SHARED_LIST_COMMANDS } = await import("../../commands/index.js");
  const { deployCommands, deploySplit, splitForModeration, validateCommandPayload } = await import("../discord/deploy.js");
  const definitions = commands.map((command) => command.definition);
  const oneGuild = values.guild !== undefined || values.dev;
  if (values["dry-run"]) {
    const problems = validateCommandPayload(definitions);
    io.stdout(JSON.stringify(definitions, null, 2) + "\n");
    const moderationGuildIds = oneGuild ? [] : loadConfig(io).moderation.guildIds;
    const plan = splitForModeration(definitions, SHARED_LIST_COMMANDS, moderationGuildIds);
    for (const guild of plan.guilds)
      io.stderr(
        `paperbot: MODERATION_GUILD_IDS is set: ${guild.definitions.map((definition) => `/${definition.name}`).join(", ")} would be registered in guild ${guild.guildId} only, the rest globally\n`,
      );
    for (const problem of problems) io.stderr(`paperbot: ${problem}\n`);
    return problems.length === 0 ? 0 : 1;
  }
  const config = loadConfig(io);
  if (!config.discord.token)
    throw new ConfigError(["DISCORD_TOKEN (unset): needed to register commands (try --dry-run to see the payload)"]);
  if (values.dev && !config.discord.devGuildId) throw new ConfigError(["DISCORD_DEV_GUILD_ID (unset): needed by --dev"]);
  const results = oneGuild
    ? [await deployCommands(config, definitions, values.guild ?? config.discord.devGuildId)]
    : await deploySplit(config, splitForModeration(definitions, SHARED_LIST_COMMANDS, config.moderation.guildIds));
  for (const result of results) {
    const scope = result.scope === "global" ? "globally (may take up to an hour to appear everywhere)" : `in guild ${result.scope.guildId}`;
    io.stdout(
      `registered ${result.commands.length} commands ${scope} for application ${result.applicationId}: ${result.commands.map((command) => `/${command.name}`).join(", ")}\n`,
    );
  }
  return 0;
};
