import { t } from "../i18n/index.js";
import type { Locale } from "../i18n/locale.js";
import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody as CommandDefinition } from "discord.js";
import type { Reply } from "../shared/reply.js";
import { echoUserText } from "./echo.js";

interface DefinedOption {
  name: string;
  type?: number;
  required?: boolean;
  max_length?: number;
  options?: readonly DefinedOption[];
  choices?: readonly { name?: string; name_localizations?: Partial<Record<string, string | null>> | null; value: string | number }[];
}

/**
 * Options that do not fit a command's definition (a typed console line, a client that skips Discord's checks):
 * the person's mistake, told privately in their language with what would fit. Never an internal error.
 */
export function invalidOptionsReply(definition: CommandDefinition, raw: Record<string, unknown>, locale: Locale): Reply {
  const command = definition.name;
  const topLevel = (definition.options ?? []) as readonly DefinedOption[];
  // A chosen subcommand (`set: "set"`, as the console passes it) brings its own options beside it.
  const chosen = topLevel.filter((option) => option.type === ApplicationCommandOptionType.Subcommand && raw[option.name] !== undefined);
  const options = [
    ...topLevel.filter((option) => option.type !== ApplicationCommandOptionType.Subcommand || chosen.includes(option)),
    ...chosen.flatMap((option) => option.options ?? []),
  ];
  const lines: string[] = [];
  for (const name of Object.keys(raw)) {
    if (!options.some((option) => option.name === name))
      lines.push(t(locale, "errors.optionUnknown", { command, option: echoUserText(name, 32) }));
  }
  for (const option of options) {
    const value = raw[option.name];
    if (value === undefined || (typeof value === "string" && value.trim() === "")) {
      if (option.required) lines.push(t(locale, "errors.optionMissing", { command, option: option.name }));
      continue;
    }
    if (option.max_length !== undefined && typeof value === "string" && [...value].length > option.max_length) {
      lines.push(t(locale, "errors.optionTooLong", { option: option.name, count: option.max_length }));
      continue;
    }
    const choices = option.choices ?? [];
    if (choices.length > 0 && !choices.some((choice) => String(choice.value) === String(value))) {
      const names = choices.map(
        (choice) => (locale === "ja" ? choice.name_localizations?.ja : undefined) ?? choice.name ?? String(choice.value),
      );
      lines.push(
        t(locale, "errors.optionChoice", { option: option.name, value: echoUserText(String(value), 64), choices: names.join(", ") }),
      );
    }
  }
  if (lines.length === 0) lines.push(t(locale, "errors.optionInvalid", { command }));
  return { kind: "reply", private: true, content: lines.join("\n") };
}
