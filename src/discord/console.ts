import { createInterface } from "node:readline";
import { consoleView, terminalText, type ConsoleAction } from "./console-view.js";
import { compactKey } from "../catalog/text.js";
import type { BotContext } from "./context.js";
import { localeFromDiscord, t, type Locale } from "../i18n/index.js";
import type { ComponentModule, ModalField, RegisteredCommand, Reply, Requester } from "./command.js";

export { consoleView, renderReplyText, terminalText } from "./console-view.js";

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

/** A form the console is filling in, one field per line, before submitting it to its component. */
interface PendingForm {
  customId: string;
  fields: readonly ModalField[];
  values: Record<string, string>;
}

export async function runConsole(ctx: BotContext, options: ConsoleOptions): Promise<void> {
  const locale = options.locale ?? localeFromDiscord(Intl.DateTimeFormat().resolvedOptions().locale);
  const write = (text: string): void => void options.output.write(text + "\n");
  write(t(locale, "console.welcome"));
  write(t(locale, "console.howToConnect"));
  write(t(locale, "console.prompt"));
  const requester: Requester = { userId: "0", username: "console", locale, guildId: null, channelId: null, canManageGuild: true };
  const names = options.commands.map((command) => `/${command.name}`).join(", ");
  // What the numbers press: the buttons of the last message that showed some (an answer without buttons leaves
  // them, as the earlier message keeps its buttons in Discord; an update of that message replaces them).
  let actions: ConsoleAction[] = [];
  let form: PendingForm | null = null;

  const fieldPrompt = (field: ModalField) =>
    t(locale, "console.formField", {
      label: field.label,
      current: field.value ? t(locale, "console.formCurrent", { value: field.value.replace(/\n/g, " ⏎ ") }) : "",
    });

  function show(reply: Reply): void {
    if (reply.kind === "modal") {
      form = { customId: reply.customId, fields: reply.fields, values: {} };
      write(t(locale, "console.formStart", { title: reply.title }));
      const [first] = reply.fields;
      if (first) write(fieldPrompt(first));
      else void finishForm();
      return;
    }
    if (reply.kind === "updateAndNotify") write(terminalText(reply.notice));
    const view = consoleView(reply);
    write(view.text);
    if (view.actions.length > 0) write(t(locale, "console.pressHint"));
    if (view.actions.length > 0 || reply.kind !== "reply") actions = view.actions;
  }

  async function run(label: string, work: () => Promise<Reply> | Reply): Promise<void> {
    try {
      options.refresh?.();
      show(await work());
    } catch (error) {
      ctx.logger.error("console command failed", { command: label, error });
      write(t(locale, "errors.internal", { errorId: "console" }));
    }
  }

  function component(customId: string): { module: ComponentModule | undefined; args: string[] } {
    const [prefix = "", ...args] = customId.split(":");
    return { module: options.components.find((candidate) => candidate.prefix === prefix), args };
  }

  async function press(number: number): Promise<void> {
    const action = actions[number - 1];
    if (!action) {
      write(t(locale, "console.noSuchButton", { number, count: actions.length }));
      return;
    }
    const { module, args } = component(action.customId);
    if (!module) return write(t(locale, "errors.expiredButton"));
    await run(`button ${action.customId}`, () =>
      module.handle(ctx, action.value === undefined ? args : [...args, action.value], requester),
    );
  }

  /** One typed line is the current field's value; after the last field the form is submitted. */
  async function fillField(pending: PendingForm, line: string): Promise<void> {
    const field = pending.fields[Object.keys(pending.values).length];
    if (!field) return;
    const typed = line.trim() === "" ? (field.value ?? "") : line.trim() === "-" ? "" : line.replace(/\\n/g, "\n");
    if (field.required && typed.trim() === "") {
      write(t(locale, "console.formRequired", { label: field.label }));
    } else if (field.maxLength !== undefined && [...typed].length > field.maxLength) {
      write(t(locale, "console.formTooLong", { label: field.label, count: field.maxLength }));
    } else pending.values[field.id] = typed;
    const next = pending.fields[Object.keys(pending.values).length];
    if (next) write(fieldPrompt(next));
    else await finishForm();
  }

  async function finishForm(): Promise<void> {
    const pending = form;
    form = null;
    if (!pending) return;
    const { module, args } = component(pending.customId);
    const submit = module?.submit?.bind(module);
    if (!submit) return write(t(locale, "errors.expiredButton"));
    await run(`form ${pending.customId}`, () => submit(ctx, args, pending.values, requester));
  }

  async function onLine(line: string): Promise<void> {
    if (form) return fillField(form, line);
    if (line.trim() === "") return;
    const number = /^\s*(\d{1,3})\s*$/.exec(line)?.[1];
    if (number !== undefined && actions.length > 0) return press(Number(number));
    const parsed = parseConsoleLine(line.startsWith("/") ? line : `/paper ${line}`, options.commands);
    const command = parsed ? options.commands.find((candidate) => candidate.name === parsed.name) : undefined;
    if (!parsed || !command) return write(t(locale, "console.unknown", { name: parsed?.name ?? line.trim(), commands: names }));
    await run(command.name, () => command.run(ctx, parsed.options, requester));
  }

  if (options.signal?.aborted) return;
  const lines = createInterface({ input: options.input, terminal: false });
  options.signal?.addEventListener("abort", () => lines.close(), { once: true });
  options.output.write("> ");
  for await (const line of lines) {
    await onLine(line);
    options.output.write(form ? "" : "\n> ");
  }
}
