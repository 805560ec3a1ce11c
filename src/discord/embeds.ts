import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbed } from "discord.js";
import { authorLine, japaneseTitle, keyResultsFor, summaryFor, truncate } from "../catalog/format.js";
import type { Paper } from "../catalog/types.js";
import { renderMessage, t, type Locale, type MessageRef, type PlainMessageKey } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import type { MessageBody, MessageRow, Reply } from "./command.js";
import { embedText, plainLine } from "../shared/safe-text.js";

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

export function embedLength(embed: APIEmbed): number {
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
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const fitted: APIEmbed = {
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

/** A paper's card. Everything from the catalog entry or arXiv goes through `embedText`; our notes and labels don't. */
export function paperEmbed(paper: Paper, locale: Locale): APIEmbed {
  const summary = summaryFor(paper, locale);
  const notes = summary.notes.map((key) => `*${t(locale, key)}*\n`).join("");
  // ja readers get the Japanese title as the embed's title (as everywhere else), the original title under it.
  const titleJa = locale === "ja" ? japaneseTitle(paper) : null;
  const text = embedText(summary.text);
  const description = titleJa ? `*${embedText(plainLine(paper.title))}*\n\n${notes}${text}` : `${notes}${text}`;
  const keyResults = keyResultsFor(paper, locale);
  return fitEmbed({
    title: titleJa ?? paper.title,
    url: paper.url,
    description,
    color: BRAND_COLOUR,
    fields: [
      { name: t(locale, "paper.authors"), value: embedText(authorLine(paper)), inline: false },
      ...(paper.organisation ? [{ name: t(locale, "paper.organisation"), value: embedText(paper.organisation), inline: true }] : []),
      { name: t(locale, "paper.year"), value: String(paper.year), inline: true },
      { name: t(locale, "paper.topics"), value: paper.topics.map((topic) => topicLabel(locale, topic)).join(", "), inline: true },
      ...(keyResults.length > 0 ? [{ name: t(locale, "paper.keyResults"), value: keyResults.map((fact) => `• ${embedText(plainLine(fact))}`).join("\n"), inline: false }] : []),
    ],
    footer: {
      text: paper.source === "catalog" ? t(locale, "paper.footer", { position: paper.position + 1 }) : t(locale, "paper.footerAdded"),
    },
  });
}

export function linkButton(label: string, url: string): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Link, label, url };
}

type ActionStyle = Exclude<ButtonStyle, ButtonStyle.Link | ButtonStyle.Premium>;

export function actionButton(label: string, customId: string, options: { disabled?: boolean; style?: ActionStyle } = {}): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style: options.style ?? ButtonStyle.Secondary,
    label,
    custom_id: customId,
    ...(options.disabled ? { disabled: true } : {}),
  };
}

export function row(...buttons: APIButtonComponent[]): MessageRow {
  return { type: ComponentType.ActionRow, components: buttons };
}

export function paperButtons(paper: Paper, locale: Locale): MessageRow {
  return row(
    linkButton(paper.arxivId ? t(locale, "paper.arxiv") : t(locale, "paper.link"), paper.url),
    ...(paper.pdfUrl && paper.pdfUrl !== paper.url ? [linkButton(t(locale, "paper.pdf"), paper.pdfUrl)] : []),
    actionButton(t(locale, "paper.related"), `related:${paper.id}`, { style: ButtonStyle.Primary }),
  );
}

/** A short private answer in the requester's language: a message without parameters, or one built with `message()` (failures are one). */
export function notice(locale: Locale, text: PlainMessageKey | MessageRef, extra: MessageBody = {}): Reply {
  const content = typeof text === "string" ? t(locale, text) : renderMessage(locale, text);
  return { kind: "reply", private: true, content, ...extra };
}
