import { DiscordAPIError, RESTJSONErrorCodes, Routes, type REST } from "discord.js";
import { z } from "zod";
import type { ButtonEditor } from "../community/refresher.js";
import type { Logger } from "../logger.js";
import { ButtonStyle, ComponentType, type Button, type MessageRow } from "../shared/reply.js";
import { discordRows } from "./payload.js";

/** Answers meaning the message will never take an edit again: it, or its channel, is gone or closed to us. */
const GONE = new Set<number>([
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser,
]);

/** Edits only a posted message's components (PATCH /channels/:c/messages/:m with `components`): text and embeds stay. */
export function voteButtonEditor(rest: REST, logger: Logger): ButtonEditor {
  return {
    async edit(channelId, messageId, components) {
      try {
        await rest.patch(Routes.channelMessage(channelId, messageId), { body: { components: discordRows(components) } });
        return "edited";
      } catch (error) {
        if (error instanceof DiscordAPIError && typeof error.code === "number" && GONE.has(error.code)) return "gone";
        logger.warn("vote counts: could not edit a message", { channelId, messageId, error });
        return "retry";
      }
    },
  };
}

const buttonSchema = z.object({
  type: z.literal(2),
  style: z.number().int(),
  label: z.string().optional(),
  custom_id: z.string().optional(),
  url: z.string().optional(),
  disabled: z.boolean().optional(),
});
const rowSchema = z.object({ type: z.literal(1), components: z.array(z.unknown()) });

/**
 * A message's component rows (as Discord sends them with an interaction) in our vocabulary: rows of buttons, so a
 * vote press can answer with the same rows and a new count. Anything else (selects, components v2) gives null.
 */
export function messageRows(raw: readonly unknown[]): MessageRow[] | null {
  const rows: MessageRow[] = [];
  for (const entry of raw) {
    const parsedRow = rowSchema.safeParse(entry);
    if (!parsedRow.success) return null;
    const buttons: Button[] = [];
    for (const component of parsedRow.data.components) {
      const parsed = buttonSchema.safeParse(component);
      if (!parsed.success) return null;
      const { style, label = "", custom_id, url, disabled } = parsed.data;
      const extra = disabled ? { disabled: true } : {};
      if (style === ButtonStyle.Link && url) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Link, label, url, ...extra });
      else if (custom_id && (style === 1 || style === 2 || style === 3 || style === 4))
        buttons.push({ type: ComponentType.Button, style, label, custom_id, ...extra });
      else return null;
    }
    rows.push({ type: ComponentType.ActionRow, components: buttons });
  }
  return rows;
}
