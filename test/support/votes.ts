import type { APIMessage } from "discord.js";
import type { DiscordHarness } from "./harness/index.js";

/** The label of a paper's vote button on the message as the loopback Discord holds it now (undefined: no such button). */
export function voteButtonLabel(harness: DiscordHarness, message: APIMessage, paperKey: string): string | undefined {
  const current = harness.messagesIn(message.channel_id).find((m) => m.id === message.id) ?? message;
  for (const row of current.components ?? []) {
    if (!("components" in row)) continue;
    for (const component of row.components as readonly object[]) {
      const button = component as { custom_id?: unknown; label?: unknown };
      if (button.custom_id === `vote:${paperKey}`) return typeof button.label === "string" ? button.label : undefined;
    }
  }
  return undefined;
}
