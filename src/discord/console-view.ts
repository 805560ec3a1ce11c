import { plainParagraphs } from "../shared/safe-text.js";
import { ComponentType, type Embed, type MessageBody, type MessageRow, type Reply } from "../shared/reply.js";

/** What pressing a number in the console does: the component's custom id, and for a menu option its value. */
export interface ConsoleAction {
  customId: string;
  value?: string;
}

/**
 * A message's buttons and menus as terminal lines, each pressable one numbered from `first` in reading order:
 * `[1: Previous] [2: Next] [arXiv https://…]`. Link buttons show their address and disabled ones no number, as
 * neither can be pressed here; a menu lists its options one per line under its placeholder.
 */
export function numberedRows(rows: readonly MessageRow[], first = 1): { lines: string[]; actions: ConsoleAction[] } {
  const lines: string[] = [];
  const actions: ConsoleAction[] = [];
  const next = (action: ConsoleAction) => {
    actions.push(action);
    return first + actions.length - 1;
  };
  for (const row of rows) {
    const buttons: string[] = [];
    for (const component of row.components) {
      if (component.type === ComponentType.StringSelect) {
        if (component.placeholder) lines.push(`${component.placeholder}:`);
        for (const option of component.options) {
          const label = option.description ? `${option.label} (${option.description})` : option.label;
          lines.push(component.disabled ? `  - ${label}` : `  ${next({ customId: component.custom_id, value: option.value })}) ${label}`);
        }
      } else if ("url" in component) buttons.push(`[${component.label} ${component.url}]`);
      else if (component.disabled) buttons.push(`[${component.label}]`);
      else buttons.push(`[${next({ customId: component.custom_id })}: ${component.label}]`);
    }
    if (buttons.length > 0) lines.push(buttons.join(" "));
  }
  return { lines, actions };
}

function embedText(embed: Embed): string[] {
  const lines: string[] = [];
  if (embed.title) lines.push(`== ${embed.title} ==`);
  if (embed.url) lines.push(embed.url);
  if (embed.description) lines.push("", embed.description.replace(/\*\*/g, ""));
  for (const field of embed.fields ?? []) lines.push("", `${field.name}:`, ...field.value.split("\n").map((line) => `  ${line}`));
  if (embed.footer) lines.push("", `-- ${embed.footer.text}`);
  return lines;
}

/** How a reply would look in Discord, as terminal text. */
export function renderReplyText(reply: Reply | MessageBody): string {
  return renderMarkup(replyLines(reply).join("\n"));
}

/**
 * Discord markdown a terminal cannot show, as plain text: **bold** and __underline__ lose their marks, and
 * backslash escapes (\*, \_) become the character. Code spans (`/follow`) stay: they read well as they are.
 */
export function terminalText(text: string): string {
  return text
    .replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, "$1")
    .replace(/__(?=\S)([^\n]*?\S)__/g, "$1")
    .replace(/\\([*_~`|>#\\-])/g, "$1");
}

/** Discord's <t:unix:style> timestamps, as a terminal can show them. */
function renderMarkup(text: string): string {
  return text.replace(/<t:(\d+)(?::[tTdDfFR])?>/g, (_, seconds: string) =>
    new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z"),
  );
}

function replyLines(reply: Reply | MessageBody, rows: (rows: readonly MessageRow[]) => string[] = plainRows): string[] {
  const lines: string[] = [];
  if ("kind" in reply && reply.kind === "modal")
    return [`[${reply.title}]`, ...reply.fields.map((field) => `  ${field.label}: ${field.value ?? ""}`)];
  if (reply.content) lines.push(reply.content);
  for (const embed of reply.embeds ?? []) lines.push(...embedText(embed));
  const buttons = rows(reply.components ?? []);
  if (buttons.length > 0) lines.push("", ...buttons);
  return lines;
}

/** Attachments a terminal can show (JSON, text) are printed whole up to this size; others are named with their size. */
const PRINTED_FILE_BYTES = 64 * 1024;

function fileText(file: { name: string; data: Buffer }): string[] {
  const header = `-- ${file.name} (${file.data.length} bytes) --`;
  const text = /\.(json|txt|md|csv)$/i.test(file.name) && file.data.length <= PRINTED_FILE_BYTES ? file.data.toString("utf8") : null;
  return text === null ? ["", header] : ["", header, ...plainParagraphs(text.trimEnd()).split("\n")];
}

/** Buttons as `[label]` (link buttons with their address), one line for all: how a message looks, nothing to press. */
function plainRows(rows: readonly MessageRow[]): string[] {
  const labels = rows
    .flatMap((row) => row.components)
    .map((button) =>
      button.type === ComponentType.Button && "label" in button ? `[${button.label}${"url" in button ? ` ${button.url}` : ""}]` : "",
    )
    .filter((label) => label.length > 0);
  return labels.length > 0 ? [labels.join(" ")] : [];
}

/** A reply as the console prints it, its buttons and menu options numbered, and what each number presses. */
export function consoleView(reply: Reply | MessageBody): { text: string; actions: ConsoleAction[] } {
  let actions: ConsoleAction[] = [];
  const lines = replyLines(reply, (rows) => {
    const numbered = numberedRows(rows);
    actions = numbered.actions;
    return numbered.lines;
  });
  // Attached files are data, not Discord markdown: shown as they are (only what a terminal must not get removed).
  const files = "files" in reply ? (reply.files ?? []).flatMap(fileText) : [];
  return { text: [terminalText(renderMarkup(lines.join("\n"))), ...files].join("\n"), actions };
}
