import { renderMessage, t, type Locale, type MessageRef, type PlainMessageKey } from "../i18n/index.js";
import {
  ButtonStyle,
  ComponentType,
  type ActionButton,
  type ActionStyle,
  type Embed,
  type LinkButton,
  type MessageBody,
  type MessageRow,
  type Reply,
} from "./reply.js";
import { plainLine, truncate } from "./safe-text.js";

export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
} as const;

export const BRAND_COLOUR = 0x5865f2;

export function embedLength(embed: Embed): number {
  const length = (text: string | undefined) => (text ? [...text].length : 0);
  return (
    length(embed.title) +
    length(embed.description) +
    length(embed.footer?.text) +
    length(embed.author?.name) +
    (embed.fields ?? []).reduce((sum, field) => sum + length(field.name) + length(field.value), 0)
  );
}

/** `truncate`, never leaving a lone escaping backslash (from `embedText`) just before the ellipsis. */
export function truncateEscaped(text: string, max: number): string {
  const cut = truncate(text, max);
  return cut === text ? text : cut.replace(/(?<!\\)((?:\\\\)*)\\…$/, "$1…");
}

/**
 * Truncates every part to Discord's limits (after any escaping, which lengthens text), then shortens the description
 * until the total fits. Titles and field names are plain lines: controls, bidi overrides and line breaks go.
 */
export function fitEmbed(embed: Embed): Embed {
  const fitted: Embed = {
    ...embed,
    ...(embed.title !== undefined ? { title: truncate(plainLine(embed.title), EMBED_LIMITS.title) } : {}),
    ...(embed.description !== undefined ? { description: truncateEscaped(embed.description, EMBED_LIMITS.description) } : {}),
    ...(embed.footer ? { footer: { ...embed.footer, text: truncate(embed.footer.text, EMBED_LIMITS.footer) } } : {}),
    ...(embed.author ? { author: { ...embed.author, name: truncate(embed.author.name, EMBED_LIMITS.author) } } : {}),
    ...(embed.fields
      ? {
          fields: embed.fields.slice(0, EMBED_LIMITS.fields).map((field) => ({
            ...field,
            name: truncate(plainLine(field.name), EMBED_LIMITS.fieldName),
            value: truncateEscaped(field.value, EMBED_LIMITS.fieldValue),
          })),
        }
      : {}),
  };
  let overflow = embedLength(fitted) - EMBED_LIMITS.total;
  if (overflow > 0 && fitted.description) {
    fitted.description = truncateEscaped(fitted.description, Math.max(1, [...fitted.description].length - overflow));
    overflow = embedLength(fitted) - EMBED_LIMITS.total;
  }
  while (overflow > 0 && fitted.fields && fitted.fields.length > 0) {
    fitted.fields = fitted.fields.slice(0, -1);
    overflow = embedLength(fitted) - EMBED_LIMITS.total;
  }
  return fitted;
}

export function linkButton(label: string, url: string): LinkButton {
  return { type: ComponentType.Button, style: ButtonStyle.Link, label, url };
}

export function actionButton(label: string, customId: string, options: { disabled?: boolean; style?: ActionStyle } = {}): ActionButton {
  return {
    type: ComponentType.Button,
    style: options.style ?? ButtonStyle.Secondary,
    label,
    custom_id: customId,
    ...(options.disabled ? { disabled: true } : {}),
  };
}

export function row(...buttons: (ActionButton | LinkButton)[]): MessageRow {
  return { type: ComponentType.ActionRow, components: buttons };
}

/** A short private answer in the requester's language: a message without parameters, or one built with `message()` (failures are one). */
export function notice(locale: Locale, text: PlainMessageKey | MessageRef, extra: MessageBody = {}): Reply {
  const content = typeof text === "string" ? t(locale, text) : renderMessage(locale, text);
  return { kind: "reply", private: true, content, ...extra };
}
