import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIStringSelectComponent,
} from "discord.js";
import type { Button, Embed, MessageRow, StringSelect } from "../shared/reply.js";
import type { MessageBody, ModalField } from "./command.js";

/**
 * The neutral reply vocabulary (src/shared/reply.ts) as discord.js payloads. The shapes are Discord's already (the
 * limits were applied when the embed was built, by fitEmbed); this maps the numbers onto discord.js's enums.
 */

const ACTION_STYLES = { 1: ButtonStyle.Primary, 2: ButtonStyle.Secondary, 3: ButtonStyle.Success, 4: ButtonStyle.Danger } as const;

export function discordButton(button: Button): APIButtonComponent {
  if (button.style === 5) {
    return {
      type: ComponentType.Button,
      style: ButtonStyle.Link,
      label: button.label,
      url: button.url,
      ...(button.disabled ? { disabled: true } : {}),
    };
  }
  return {
    type: ComponentType.Button,
    style: ACTION_STYLES[button.style],
    label: button.label,
    custom_id: button.custom_id,
    ...(button.disabled ? { disabled: true } : {}),
  };
}

export function discordSelect(select: StringSelect): APIStringSelectComponent {
  return {
    type: ComponentType.StringSelect,
    custom_id: select.custom_id,
    options: select.options.map((option) => ({ ...option })),
    ...(select.placeholder ? { placeholder: select.placeholder } : {}),
    ...(select.disabled ? { disabled: true } : {}),
  };
}

export function discordRows(rows: readonly MessageRow[]): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  return rows.map((row) => ({
    type: ComponentType.ActionRow,
    components: row.components.map((component) => (component.type === 3 ? discordSelect(component) : discordButton(component))),
  }));
}

export function discordEmbeds(embeds: readonly Embed[]): APIEmbed[] {
  return embeds.map((embed) => ({ ...embed }));
}

export function modalOptions(modal: { customId: string; title: string; fields: ModalField[] }) {
  return {
    custom_id: modal.customId,
    title: modal.title,
    components: modal.fields.map((field) => ({
      type: ComponentType.ActionRow as const,
      components: [
        {
          type: ComponentType.TextInput as const,
          custom_id: field.id,
          label: field.label,
          style: field.long ? TextInputStyle.Paragraph : TextInputStyle.Short,
          required: field.required ?? false,
          ...(field.value !== undefined && field.value !== "" ? { value: field.value } : {}),
          ...(field.placeholder ? { placeholder: field.placeholder } : {}),
          ...(field.maxLength ? { max_length: field.maxLength } : {}),
        },
      ],
    })),
  };
}

export function messageOptions(body: MessageBody) {
  return {
    content: body.content ?? "",
    embeds: discordEmbeds(body.embeds ?? []),
    components: discordRows(body.components ?? []),
    files: (body.files ?? []).map((file) => ({ attachment: file.data, name: file.name })),
    allowedMentions: { parse: [] },
  };
}
