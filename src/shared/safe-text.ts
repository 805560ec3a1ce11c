/**
 * Text from outside (arXiv titles, abstracts and authors, moderators' forms, followed keywords) on its way into
 * Discord message content, an embed description or field value, or a Markdown list: these render Markdown, mentions
 * and links. Embed titles render none of that, but bidi overrides and controls are stripped there too (`plainLine`).
 * Escape only the outside text, never a whole line that holds our own Markdown, so nothing is escaped twice.
 */

/** C0 controls (tab and newline allowed separately), DEL, C1 controls. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
/**
 * Bidirectional embeddings, overrides and isolates: they reorder the text that follows them. The plain marks
 * (U+200E LRM, U+200F RLM, U+061C ALM) reorder nothing after them; like zero-width characters (U+200B, U+FEFF)
 * they are accepted in moderators' text and kept on display.
 */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/u;
const CONTROL_OR_BIDI = new RegExp(`${CONTROL.source}|${BIDI.source}|\\t`, "gu");

/** Which unsafe characters a moderator's text holds: "control" (C0/C1, tab, newline unless allowed) or "bidi". */
export function unsafeCharacters(text: string, options: { newlines?: boolean } = {}): "control" | "bidi" | null {
  if (CONTROL.test(text) || text.includes("\t") || (!options.newlines && /[\n\r]/.test(text))) return "control";
  if (BIDI.test(text)) return "bidi";
  return null;
}

/** Removes controls and bidi overrides, and folds line breaks to spaces. */
export function stripUnsafe(text: string): string {
  return text.replace(/\r\n?|\n/g, " ").replace(CONTROL_OR_BIDI, "");
}

/**
 * Plain inline text in Discord Markdown: no bold, italics, code, spoilers, strikethrough or masked links can start
 * inside it (it never starts a line, so headings and lists cannot either), and a mention (`<@&id>`, `<#id>`) shows as typed instead of as a pill.
 */
export function inlineText(text: string): string {
  return stripUnsafe(text)
    .replace(/[\\`*_~|[\]<>]/g, (char) => `\\${char}`)
    .replace(/@(everyone|here)\b/g, "@\u200B$1");
}

/** A message whose `title` parameter (an arXiv title) is made inline-safe before it goes into message content. */
export function withSafeTitle<T extends { params?: object }>(ref: T): T {
  const params = ref.params as Record<string, unknown> | undefined;
  if (!params || typeof params["title"] !== "string") return ref;
  return { ...ref, params: { ...params, title: inlineText(params["title"]) } };
}

/** One line of plain text (an embed title, a field name, a terminal line): no controls, bidi overrides or line breaks. */
export function plainLine(text: string): string {
  return stripUnsafe(text);
}

/** Paragraphs of plain text (a summary on a terminal): like `plainLine`, but line breaks are kept (CRLF as LF). */
export function plainParagraphs(text: string): string {
  return text.replace(/\r\n?/g, "\n").split("\n").map(plainLine).join("\n");
}

/**
 * Outside text inside an embed description or field value: like `inlineText`, but its line breaks are kept (runs of
 * blank lines folded to one), and a line cannot start a heading, quote or list (`# `, `> `, `- `, `1. `).
 */
export function embedText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .split("\n")
    .map((line) =>
      inlineText(line).replace(/^(\s*)(?:(#{1,3}|-#|-|\+)|(\d+)\.)(?=\s|$)/, (_all, space: string, mark?: string, digits?: string) =>
        mark ? `${space}\\${mark}` : `${space}${digits ?? ""}\\.`,
      ),
    )
    .join("\n");
}

/** At most `max` characters (code points), cut where the limit falls and ended with an ellipsis; unchanged when it fits. */
export function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}

/** Cuts at a word boundary where one is near and adds an ellipsis; never returns more than `max` characters. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return "…".slice(0, max);
  const cut = chars.slice(0, max - 1).join("");
  const lastSpace = cut.lastIndexOf(" ");
  return (lastSpace > max * 0.8 ? cut.slice(0, lastSpace) : cut).trimEnd() + "…";
}
