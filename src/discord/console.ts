import { createInterface } from "node:readline";
import { ComponentType, type Embed } from "../shared/reply.js";
import { compactKey } from "../catalog/text.js";
import type { BotContext } from "./context.js";
import { localeFromDiscord, t, type Locale } from "../i18n/index.js";
import type { ComponentModule, MessageBody, RegisteredCommand, Reply, Requester } from "./command.js";

export interface ConsoleOptions {
  commands: readonly RegisteredCommand[];
  components: readonly ComponentModule[];
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  locale?: Locale;
  /** Ends the console (Ctrl+C, SIGTERM) as if the input had ended. */
  signal?: AbortSignal;
  /** Runs once per line, before its command (the bot picks up other processes' commits here). */
  refresh?: () => void;
}

/** `/papers topic:retrieval` → { name: "papers", options: { topic: "retrieval" } }; bare text fills the first option. */
export function parseConsoleLine(
  line: string,
  commands: readonly RegisteredCommand[],
): { name: string; options: Record<string, unknown> } | null {
  const match = /^\/(\S+)\s*(.*)$/s.exec(line.trim());
  if (!match) return null;
  const name = match[1] ?? "";
  const rest = match[2] ?? "";
  const definition = commands.find((command) => command.name === name)?.definition;
  const optionNames = (definition?.options ?? []).map((option) => option.name);
  const options: Record<string, unknown> = {};
  const named = new RegExp(`(?:^|\\s)(${optionNames.map((option) => option.replace(/\W/g, "")).join("|") || "$^"}):`, "g");
  const parts = rest.split(named);
  const leading = parts[0]?.trim() ?? "";
  for (let index = 1; index + 1 < parts.length; index += 2) options[parts[index] ?? ""] = (parts[index + 1] ?? "").trim();
  const first = optionNames[0];
  if (leading && first && options[first] === undefined) options[first] = leading;
  for (const option of definition?.options ?? []) {
    const raw = options[option.name];
    if ("choices" in option && option.choices && typeof raw === "string") options[option.name] = choiceValue(option.choices, raw);
  }
  return { name, options };
}

/** Discord offers choices by their shown name; in a terminal the name in either language (or the value) is typed. */
function choiceValue(
  choices: readonly { name: string; name_localizations?: Partial<Record<string, string | null>> | null; value: string | number }[],
  raw: string,
): string {
  const typed = compactKey(raw);
  const chosen = choices.find((choice) =>
    [String(choice.value), choice.name, ...Object.values(choice.name_localizations ?? {})].some(
      (name) => typeof name === "string" && compactKey(name) === typed,
    ),
  );
  return chosen ? String(chosen.value) : raw;
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

function replyLines(reply: Reply | MessageBody): string[] {
  const lines: string[] = [];
  if ("kind" in reply && reply.kind === "modal")
    return [`[${reply.title}]`, ...reply.fields.map((field) => `  ${field.label}: ${field.value ?? ""}`)];
  if (reply.content) lines.push(reply.content);
  for (const embed of reply.embeds ?? []) lines.push(...embedText(embed));
  const buttons = (reply.components ?? []).flatMap((row) => row.components);
  if (buttons.length > 0) {
    lines.push(
      "",
      buttons
        .map((button) =>
          button.type === ComponentType.Button && "label" in button
            ? `[${button.label ?? ""}${"url" in button ? ` ${button.url}` : ""}]`
            : "",
        )
        .filter((label) => label.length > 0)
        .join(" "),
    );
  }
  return lines;
}

export async function runConsole(ctx: BotContext, options: ConsoleOptions): Promise<void> {
  const locale = options.locale ?? localeFromDiscord(Intl.DateTimeFormat().resolvedOptions().locale);
  const write = (text: string) => options.output.write(text + "\n");
  write(t(locale, "console.welcome"));
  write(t(locale, "console.howToConnect"));
  write(t(locale, "console.prompt"));
  const requester: Requester = { userId: "0", username: "console", locale, guildId: null, channelId: null, canManageGuild: true };
  const names = options.commands.map((command) => `/${command.name}`).join(", ");
  if (options.signal?.aborted) return;
  const lines = createInterface({ input: options.input, terminal: false });
  options.signal?.addEventListener("abort", () => lines.close(), { once: true });
  options.output.write("> ");
  for await (const line of lines) {
    if (line.trim() !== "") {
      const parsed = parseConsoleLine(line.startsWith("/") ? line : `/paper ${line}`, options.commands);
      const command = parsed ? options.commands.find((candidate) => candidate.name === parsed.name) : undefined;
      if (!parsed || !command) {
        write(t(locale, "console.unknown", { name: parsed?.name ?? line.trim(), commands: names }));
      } else {
        try {
          options.refresh?.();
          write(terminalText(renderReplyText(await command.run(ctx, parsed.options, requester))));
        } catch (error) {
          ctx.logger.error("console command failed", { command: command.name, error });
          write(t(locale, "errors.internal", { errorId: "console" }));
        }
      }
    }
    options.output.write("\n> ");
  }
}
