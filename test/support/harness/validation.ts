/** A subset of Discord's request validation, answered with Discord's error shapes (400 50035 "Invalid Form Body"). */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
} from "discord-api-types/v10";
import { asArray, asNumber, asRecord, asString, charLength, isRecord, jsonError } from "./json.js";
import type { HarnessResponse, JsonRecord } from "./types.js";

interface FormError {
  path: Array<string | number>;
  code: string;
  message: string;
}

export function formErrorResponse(errors: FormError[]): HarnessResponse {
  const tree: JsonRecord = {};
  for (const error of errors) {
    let node = tree;
    for (const segment of error.path) {
      const key = String(segment);
      const existing = node[key];
      const child: JsonRecord = isRecord(existing) ? existing : {};
      node[key] = child;
      node = child;
    }
    const list = asArray(node["_errors"]) ?? [];
    list.push({ code: error.code, message: error.message });
    node["_errors"] = list;
  }
  return { status: 400, body: { message: "Invalid Form Body", code: 50035, errors: tree } };
}

function maxLength(errors: FormError[], path: Array<string | number>, value: unknown, max: number, min = 0): void {
  if (typeof value !== "string") return;
  const length = charLength(value);
  if (length > max) errors.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` });
  else if (length < min) {
    errors.push({ path, code: "BASE_TYPE_BAD_LENGTH", message: `Must be between ${min} and ${max} in length.` });
  }
}

export function validateMessageBody(body: JsonRecord, prefix: Array<string | number>): FormError[] {
  const errors: FormError[] = [];
  maxLength(errors, [...prefix, "content"], body["content"], 2000);
  const embeds = asArray(body["embeds"]);
  if (embeds) {
    if (embeds.length > 10) {
      errors.push({ path: [...prefix, "embeds"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 10 or fewer in length." });
    }
    let total = 0;
    embeds.forEach((raw, i) => {
      const embed = asRecord(raw);
      if (!embed) return;
      const at = [...prefix, "embeds", i];
      const count = (value: unknown): void => {
        if (typeof value === "string") total += charLength(value);
      };
      maxLength(errors, [...at, "title"], embed["title"], 256);
      maxLength(errors, [...at, "description"], embed["description"], 4096);
      count(embed["title"]);
      count(embed["description"]);
      const footer = asRecord(embed["footer"]);
      if (footer) {
        maxLength(errors, [...at, "footer", "text"], footer["text"], 2048);
        count(footer["text"]);
      }
      const author = asRecord(embed["author"]);
      if (author) {
        maxLength(errors, [...at, "author", "name"], author["name"], 256);
        count(author["name"]);
      }
      const fields = asArray(embed["fields"]);
      if (fields) {
        if (fields.length > 25) {
          errors.push({ path: [...at, "fields"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
        }
        fields.forEach((rawField, j) => {
          const field = asRecord(rawField);
          if (!field) return;
          maxLength(errors, [...at, "fields", j, "name"], field["name"], 256, 1);
          maxLength(errors, [...at, "fields", j, "value"], field["value"], 1024, 1);
          if (typeof field["name"] !== "string") {
            errors.push({ path: [...at, "fields", j, "name"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
          }
          if (typeof field["value"] !== "string") {
            errors.push({ path: [...at, "fields", j, "value"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
          }
          count(field["name"]);
          count(field["value"]);
        });
      }
    });
    if (total > 6000) {
      errors.push({ path: [...prefix, "embeds"], code: "MAX_EMBED_SIZE_EXCEEDED", message: "Embed size exceeds maximum size of 6000" });
    }
  }
  const flags = asNumber(body["flags"]) ?? 0;
  const components = asArray(body["components"]);
  if (components && (flags & MessageFlags.IsComponentsV2) === 0) {
    if (components.length > 5) {
      errors.push({ path: [...prefix, "components"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 5 or fewer in length." });
    }
    components.forEach((rawRow, i) => {
      const row = asRecord(rawRow);
      const children = asArray(row?.["components"]);
      if (!row || !children) return;
      const at = [...prefix, "components", i, "components"];
      if (children.length > 5) errors.push({ path: at, code: "BASE_TYPE_MAX_LENGTH", message: "Must be 5 or fewer in length." });
      children.forEach((rawChild, j) => {
        const child = asRecord(rawChild);
        if (!child) return;
        maxLength(errors, [...at, j, "custom_id"], child["custom_id"], 100, 1);
        maxLength(errors, [...at, j, "label"], child["label"], 80);
        if (child["type"] === 2 && child["style"] !== 5 && child["style"] !== 6 && typeof child["custom_id"] !== "string") {
          errors.push({ path: [...at, j, "custom_id"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
        }
        if (child["type"] === 2 && child["style"] === 5 && typeof child["url"] !== "string") {
          errors.push({ path: [...at, j, "url"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
        }
        const options = asArray(child["options"]);
        if (options && options.length > 25) {
          errors.push({ path: [...at, j, "options"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
        }
      });
    });
  }
  return errors;
}

export function isEmptyMessage(body: JsonRecord, fileCount: number): boolean {
  const content = asString(body["content"]);
  if (content !== null && content.trim() !== "") return false;
  if ((asArray(body["embeds"])?.length ?? 0) > 0) return false;
  if ((asArray(body["components"])?.length ?? 0) > 0) return false;
  if ((asArray(body["sticker_ids"])?.length ?? 0) > 0) return false;
  if (body["poll"] !== undefined && body["poll"] !== null) return false;
  return fileCount === 0;
}

export const emptyMessage = (): HarnessResponse => jsonError(400, 50006, "Cannot send an empty message");

const VALID_LOCALES: ReadonlySet<string> = new Set<string>(Object.values(Locale));
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateName(errors: FormError[], path: Array<string | number>, name: unknown, chatInput: boolean): void {
  if (typeof name !== "string") {
    errors.push({ path, code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    return;
  }
  if (chatInput) {
    if (!CHAT_INPUT_NAME.test(name)) {
      errors.push({ path, code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
    } else if (name !== name.toLowerCase()) {
      errors.push({ path, code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" });
    }
  } else {
    maxLength(errors, path, name, 32, 1);
  }
}

function validateLocalizations(
  errors: FormError[],
  path: Array<string | number>,
  map: unknown,
  kind: "name" | "description",
  chatInput: boolean,
): void {
  const record = asRecord(map);
  if (!record) return;
  for (const [locale, value] of Object.entries(record)) {
    if (!VALID_LOCALES.has(locale)) {
      errors.push({ path: [...path, locale], code: "LOCALE_INVALID", message: `Invalid locale ${locale}` });
      continue;
    }
    if (kind === "name") validateName(errors, [...path, locale], value, chatInput);
    else maxLength(errors, [...path, locale], value, 100, 1);
  }
}

function validateCommandOptions(errors: FormError[], path: Array<string | number>, options: unknown[]): void {
  if (options.length > 25) errors.push({ path, code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((raw, i) => {
    const option = asRecord(raw);
    if (!option) return;
    const at = [...path, i];
    validateName(errors, [...at, "name"], option["name"], true);
    const name = asString(option["name"]);
    if (name !== null) {
      if (names.has(name))
        errors.push({
          path: [...at, "name"],
          code: "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
          message: "Option names must be unique",
        });
      names.add(name);
    }
    if (typeof option["description"] !== "string") {
      errors.push({ path: [...at, "description"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    } else {
      maxLength(errors, [...at, "description"], option["description"], 100, 1);
    }
    validateLocalizations(errors, [...at, "name_localizations"], option["name_localizations"], "name", true);
    validateLocalizations(errors, [...at, "description_localizations"], option["description_localizations"], "description", true);
    const type = asNumber(option["type"]);
    if (type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup) {
      const sub = asArray(option["options"]);
      if (sub) validateCommandOptions(errors, [...at, "options"], sub);
      return;
    }
    if (option["required"] === true) {
      if (sawOptional) {
        errors.push({
          path: [...at],
          code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
          message: "Required options must be placed before non-required options",
        });
      }
    } else {
      sawOptional = true;
    }
    const choices = asArray(option["choices"]);
    if (choices) {
      if (choices.length > 25)
        errors.push({ path: [...at, "choices"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
      if (option["autocomplete"] === true && choices.length > 0) {
        errors.push({
          path: [...at, "autocomplete"],
          code: "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE",
          message: "Autocomplete cannot be set with choices",
        });
      }
      choices.forEach((rawChoice, j) => {
        const choice = asRecord(rawChoice);
        if (!choice) return;
        maxLength(errors, [...at, "choices", j, "name"], choice["name"], 100, 1);
        maxLength(errors, [...at, "choices", j, "value"], choice["value"], 100);
      });
    }
  });
}

export function validateCommands(commands: unknown[]): FormError[] {
  const errors: FormError[] = [];
  const seen = new Set<string>();
  commands.forEach((raw, i) => {
    const command = asRecord(raw);
    if (!command) {
      errors.push({ path: [i], code: "DICT_TYPE_CONVERT", message: "Only dictionaries may be used in a DictType" });
      return;
    }
    const type = asNumber(command["type"]) ?? ApplicationCommandType.ChatInput;
    const chatInput = type === ApplicationCommandType.ChatInput;
    validateName(errors, [i, "name"], command["name"], chatInput);
    const key = `${type}:${String(command["name"])}`;
    if (seen.has(key))
      errors.push({ path: [i, "name"], code: "APPLICATION_COMMANDS_DUPLICATE_NAME", message: "Application command names must be unique" });
    seen.add(key);
    if (chatInput) {
      if (typeof command["description"] !== "string") {
        errors.push({ path: [i, "description"], code: "BASE_TYPE_REQUIRED", message: "This field is required" });
      } else {
        maxLength(errors, [i, "description"], command["description"], 100, 1);
      }
    }
    validateLocalizations(errors, [i, "name_localizations"], command["name_localizations"], "name", chatInput);
    validateLocalizations(errors, [i, "description_localizations"], command["description_localizations"], "description", chatInput);
    const options = asArray(command["options"]);
    if (options) validateCommandOptions(errors, [i, "options"], options);
  });
  return errors;
}

export function validateCallback(type: number, interactionType: number, data: JsonRecord | null): HarnessResponse | null {
  const allowed: Record<number, number[]> = {
    [InteractionType.Ping]: [InteractionResponseType.Pong],
    [InteractionType.ApplicationCommand]: [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.Modal,
      InteractionResponseType.LaunchActivity,
    ],
    [InteractionType.MessageComponent]: [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.DeferredMessageUpdate,
      InteractionResponseType.UpdateMessage,
      InteractionResponseType.Modal,
      InteractionResponseType.LaunchActivity,
    ],
    [InteractionType.ApplicationCommandAutocomplete]: [InteractionResponseType.ApplicationCommandAutocompleteResult],
    [InteractionType.ModalSubmit]: [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.DeferredMessageUpdate,
      InteractionResponseType.UpdateMessage,
    ],
  };
  if (!(allowed[interactionType] ?? []).includes(type)) {
    return formErrorResponse([
      {
        path: ["type"],
        code: "INTERACTION_RESPONSE_TYPE_INVALID",
        message: `Interaction response type ${type} is not valid for interaction type ${interactionType}`,
      },
    ]);
  }
  if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage) {
    const errors = data ? validateMessageBody(data, ["data"]) : [];
    if (errors.length) return formErrorResponse(errors);
  }
  if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
    const choices = asArray(data?.["choices"]);
    if (!choices) return formErrorResponse([{ path: ["data", "choices"], code: "BASE_TYPE_REQUIRED", message: "This field is required" }]);
    const errors: FormError[] = [];
    if (choices.length > 25)
      errors.push({ path: ["data", "choices"], code: "BASE_TYPE_MAX_LENGTH", message: "Must be 25 or fewer in length." });
    choices.forEach((rawChoice, i) => {
      const choice = asRecord(rawChoice);
      if (!choice) return;
      maxLength(errors, ["data", "choices", i, "name"], choice["name"], 100, 1);
      maxLength(errors, ["data", "choices", i, "value"], choice["value"], 100);
      validateLocalizations(errors, ["data", "choices", i, "name_localizations"], choice["name_localizations"], "description", false);
    });
    if (errors.length) return formErrorResponse(errors);
  }
  if (type === InteractionResponseType.Modal) {
    const errors: FormError[] = [];
    maxLength(errors, ["data", "title"], data?.["title"], 45, 1);
    maxLength(errors, ["data", "custom_id"], data?.["custom_id"], 100, 1);
    const components = asArray(data?.["components"]);
    if (!components || components.length < 1 || components.length > 5) {
      errors.push({ path: ["data", "components"], code: "BASE_TYPE_BAD_LENGTH", message: "Must be between 1 and 5 in length." });
    }
    if (errors.length) return formErrorResponse(errors);
  }
  return null;
}
