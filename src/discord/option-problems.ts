import { t } from "../i18n/index.js";
import type { Locale } from "../i18n/locale.js";
import type { RESTPostAPIChatInputApplicationCommandsJSONBody as CommandDefinition } from "discord.js";
import type { Reply } from "../shared/reply.js";
import { echoUserText } from "./echo.js";

interface DefinedOption {
  name: string;
  required?: boolean;
  choices?: readonly { name?: string; name_localizations?: Partial<Record<string, string | null>> | null; value: string | number }[];
}

/**
 * Options that do not fit a command's definition (a typed console line, a client that skips Discord's checks):
 * the person's mistake, told privately in their language with what would fit. Never an internal error.
 */
export function invalidOptionsReply(definition: CommandDefinition, raw: Record<string, unknown>, locale: Locale): Reply {
  const command = definition.name;
  const options = (definition.options ?? []) as readonly DefinedOption[];
  const lines: string[] = [];
  for (const name of Object.keys(raw)) {
    if (!options.some((option) => option.name === name)) lines.push(t(locale, "errors.optionUnknown", { command, option: echoUserText(name, 32) }));
  }
  for (const option of options) {
    const value = raw[option.name];
    if (value === undefined || (typeof value === "string" && value.trim() === "")) {
      if (option.required) lines.push(t(locale, "errors.optionMissing", { command, option: option.name }));
      continue;
    }
    const choices = option.choices ?? [];
    if (choices.length > 0 && !choices.some((choice) => String(choice.value) === String(value))) {
      const names = choices.map((choice) => (locale === "ja" ? choice.name_localizations?.ja : undefined) ?? choice.name ?? String(choice.value));
      lines.push(t(locale, "errors.optionChoice", { option: option.name, value: echoUserText(String(value), 64), choices: names.join(", ") }));
    }
  }
  if (lines.length === 0) lines.push(t(locale, "errors.optionInvalid", { command }));
  return { kind: "reply", private: true, content: lines.join("\n") };
}
