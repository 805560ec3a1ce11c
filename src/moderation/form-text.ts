import type { Reply } from "../shared/reply.js";
import { notice } from "../shared/embeds.js";
import { unsafeCharacters } from "../shared/safe-text.js";
import { message, renderMessage, type Locale } from "../i18n/index.js";

export interface FreeText {
  /** The field's label as the moderator saw it. */
  label: string;
  value: string;
  /** Summaries and notes may span lines; every other control character is refused everywhere. */
  newlines?: boolean;
  /** The form's max_length: Discord's client enforces it, but a forged submission does not have to. */
  max?: number;
}

/**
 * Moderators' free text reaches every user (summaries) and operators' terminals (the CLI prints it): control
 * characters (C0/C1, terminal escapes) and text-direction overrides are refused, naming the field, as the CLI
 * refuses them in queries. Null when every field is plain text.
 */
export function refuseControlCharacters(locale: Locale, fields: readonly FreeText[]): Reply | null {
  for (const field of fields) {
    if (field.max !== undefined && [...field.value].length > field.max)
      return notice(locale, message("moderation.tooLong", { field: field.label, count: field.max }));
    const found = unsafeCharacters(field.newlines ? field.value.replace(/\r\n?/g, "\n") : field.value, { newlines: field.newlines });
    if (found)
      return notice(
        locale,
        message(found === "bidi" ? "moderation.bidiCharacters" : "moderation.controlCharacters", { field: field.label }),
      );
  }
  return null;
}

/** The same check for the operator CLI's free-text flags (--by, --note, --topics): the refusal's text, or null. */
export function controlCharactersProblem(fields: readonly FreeText[]): string | null {
  for (const field of fields) {
    const found = unsafeCharacters(field.newlines ? field.value.replace(/\r\n?/g, "\n") : field.value, { newlines: field.newlines });
    if (found)
      return renderMessage(
        "en",
        message(found === "bidi" ? "moderation.bidiCharacters" : "moderation.controlCharacters", { field: field.label }),
      );
  }
  return null;
}
