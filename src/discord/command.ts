import {
  ApplicationCommandOptionType,
  InteractionContextType,
  PermissionFlagsBits,
  type APIApplicationCommandOptionChoice,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { z } from "zod";
import type { BotContext } from "./context.js";
import { invalidOptionsReply } from "./option-problems.js";
import { localized, type PlainMessageKey } from "../i18n/index.js";
import type { Reply, Requester } from "../shared/reply.js";

export type CommandDefinition = RESTPostAPIChatInputApplicationCommandsJSONBody;

interface OptionShape {
  readonly name: string;
  readonly type: ApplicationCommandOptionType;
  readonly required?: boolean;
  readonly choices?: readonly { readonly value: string | number }[];
}

type ValueOfType<T extends ApplicationCommandOptionType> = T extends ApplicationCommandOptionType.String
  ? string
  : T extends ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number
    ? number
    : T extends ApplicationCommandOptionType.Boolean
      ? boolean
      : T extends
            | ApplicationCommandOptionType.User
            | ApplicationCommandOptionType.Channel
            | ApplicationCommandOptionType.Role
            | ApplicationCommandOptionType.Mentionable
        ? string
        : never;

type ValueOf<O extends OptionShape> = O["choices"] extends readonly { readonly value: infer V }[] ? V : ValueOfType<O["type"]>;

/** The option values a handler receives, derived from the command's definition. */
export type OptionsOf<D> = D extends { readonly options: readonly (infer O extends OptionShape)[] }
  ? { [K in O as K["name"]]: K["required"] extends true ? ValueOf<K> : ValueOf<K> | undefined }
  : Record<string, never>;

export type { MessageBody, MessageRow, ModalField, Reply, Requester } from "../shared/reply.js";

export interface CommandModule<D extends CommandDefinition = CommandDefinition, O = OptionsOf<D>> {
  definition: D;
  /**
   * Validates the raw options instead of the schema derived from `definition` (a command with subcommands, whose
   * options depend on the one chosen). What it refuses gets the same polite reply as every out-of-definition value.
   */
  optionsSchema?: z.ZodType<O>;
  /** Answers are private (ephemeral): a deferral while it works must be private too. */
  privateReplies?: boolean;
  execute(ctx: BotContext, options: O, requester: Requester): Promise<Reply> | Reply;
  autocomplete?(ctx: BotContext, focused: { name: string; value: string }, requester: Requester): APIApplicationCommandOptionChoice[];
}

/** Button handlers; custom ids are `<prefix>:<arg>:<arg>…`, so they survive restarts. */
export interface ComponentModule {
  prefix: string;
  handle(ctx: BotContext, args: string[], requester: Requester): Promise<Reply> | Reply;
  /** A submitted modal whose custom id starts with this prefix; `fields` maps input ids to their text. */
  submit?(ctx: BotContext, args: string[], fields: Record<string, string>, requester: Requester): Promise<Reply> | Reply;
}

/** Plain-text messages in a DM with the bot that it answers (DMs carry their content without privileged intents). */
export interface DirectMessageModule {
  name: string;
  matches(content: string): boolean;
  /** content: the message's text, for handlers that answer differently by what was written. */
  handle(ctx: BotContext, requester: Requester, content?: string): Promise<Reply> | Reply;
}

/** A description in both languages, as Discord wants it on commands and options. */
export function describedBy(key: PlainMessageKey): { description: string; description_localizations: { ja: string } } {
  const text = localized(key);
  return { description: text.en, description_localizations: { ja: text.ja } };
}

/** What every paperbot command starts with: its name, its localized description, and where it runs (servers and the bot's DMs). */
export function commandHeader<const Name extends string>(name: Name, description: PlainMessageKey) {
  return { name, ...describedBy(description), contexts: [InteractionContextType.Guild, InteractionContextType.BotDM] };
}

/** Moderator commands: guild only, shown to Manage Server by default (handlers check again on every use). */
export function moderatorCommandHeader<const Name extends string>(name: Name, description: PlainMessageKey) {
  return {
    ...commandHeader(name, description),
    contexts: [InteractionContextType.Guild],
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  };
}

export function defineCommand<const D extends CommandDefinition, O = OptionsOf<D>>(module: CommandModule<D, O>): CommandModule<D, O> {
  return module;
}

function optionSchema(option: OptionShape): z.ZodType {
  const choices = option.choices?.map((choice) => choice.value);
  let schema: z.ZodType;
  switch (option.type) {
    case ApplicationCommandOptionType.String:
      schema = choices && choices.length > 0 ? z.enum(choices.map(String) as [string, ...string[]]) : z.string();
      break;
    case ApplicationCommandOptionType.Integer:
      schema = z.coerce.number().int();
      break;
    case ApplicationCommandOptionType.Number:
      schema = z.coerce.number();
      break;
    case ApplicationCommandOptionType.Boolean:
      schema = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);
      break;
    case ApplicationCommandOptionType.Subcommand:
      // Its presence is the value; the console passes the word itself.
      schema = z.unknown();
      break;
    default:
      schema = z.string().regex(/^\d{17,20}$/);
  }
  return option.required ? schema : schema.optional();
}

/**
 * Validates raw option values (from Discord or the console) against the definition. The single cast here
 * is what ties the runtime schema built from `definition` to the type derived from the same definition.
 */
export function parseOptions<D extends CommandDefinition>(
  definition: D,
  raw: Record<string, unknown>,
): { ok: true; options: OptionsOf<D> } | { ok: false; problems: string[] } {
  const shape: Record<string, z.ZodType> = {};
  for (const option of (definition.options ?? []) as readonly OptionShape[]) shape[option.name] = optionSchema(option);
  const result = z.object(shape).strict().safeParse(raw);
  if (!result.success) return { ok: false, problems: result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
  return { ok: true, options: result.data as OptionsOf<D> };
}

export class InvalidOptionsError extends Error {
  constructor(
    readonly command: string,
    readonly problems: string[],
  ) {
    super(`Options for /${command} do not match its definition: ${problems.join("; ")}`);
    this.name = "InvalidOptionsError";
  }
}

/** A command with its option types erased behind validation, so different commands fit one list. */
export interface RegisteredCommand {
  name: string;
  definition: CommandDefinition;
  privateReplies: boolean;
  run(ctx: BotContext, rawOptions: Record<string, unknown>, requester: Requester): Promise<Reply>;
  autocomplete?: (ctx: BotContext, focused: { name: string; value: string }, requester: Requester) => APIApplicationCommandOptionChoice[];
}

export function register<D extends CommandDefinition, O>(module: CommandModule<D, O>): RegisteredCommand {
  const autocomplete = module.autocomplete;
  const schema = module.optionsSchema;
  const parse = (raw: Record<string, unknown>): { ok: true; options: O } | { ok: false } => {
    if (!schema) return parseOptions(module.definition, raw) as { ok: true; options: O } | { ok: false };
    const result = schema.safeParse(raw);
    return result.success ? { ok: true, options: result.data } : { ok: false };
  };
  return {
    name: module.definition.name,
    definition: module.definition,
    privateReplies: module.privateReplies ?? false,
    async run(ctx, rawOptions, requester) {
      const parsed = parse(rawOptions);
      // A person's mistake (a typed console line, a client skipping Discord's checks), not a bug: told, not thrown.
      if (!parsed.ok) return invalidOptionsReply(module.definition, rawOptions, requester.locale);
      return module.execute(ctx, parsed.options, requester);
    },
    ...(autocomplete ? { autocomplete: (ctx, focused, requester) => autocomplete.call(module, ctx, focused, requester) } : {}),
  };
}

interface RawOption {
  name: string;
  type: ApplicationCommandOptionType;
  value?: unknown;
  options?: readonly RawOption[];
}

/** Option values by name; a chosen subcommand appears as `<name>: "<name>"` (as the console passes it) beside its own options. */
export function commandOptions(data: readonly RawOption[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const option of data) {
    if (option.type === ApplicationCommandOptionType.Subcommand)
      Object.assign(raw, { [option.name]: option.name }, commandOptions(option.options ?? []));
    else raw[option.name] = option.value;
  }
  return raw;
}
