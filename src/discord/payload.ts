import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIStringSelectComponent,
} from "discord.js";
import type { Button, Embed, MessageRow, StringSelect } from "../shared/reply.js";

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
