/** Helpers for end-to-end tests that drive a TestBot through the loopback Discord. */
import { onTestFinished, vi } from "vitest";
import type { APIEmbed, APIMessage } from "discord.js";
import type { DiscordHarness } from "./harness/index.js";
import type { TestBot } from "./bot.js";

/** The body of an interaction callback (POST /interactions/:id/:token/callback) as the bot sent it. */
export interface CallbackBody {
  type: number;
  data: {
    content?: string;
    embeds?: APIEmbed[];
    components?: { components: Record<string, unknown>[] }[];
    flags?: number;
    allowed_mentions?: unknown;
    choices?: { name: string; value: string }[];
  };
}

/** Dispatches an interaction and resolves with the bot's callback body. */
export async function send(
  t: TestBot,
  payload: { id: string; token: string } & Parameters<DiscordHarness["dispatchInteraction"]>[0],
): Promise<CallbackBody> {
  const callback = t.harness.waitForRequest({ method: "POST", path: `/interactions/${payload.id}/${payload.token}/callback` });
  t.harness.dispatchInteraction(payload);
  return (await callback).body as CallbackBody;
}

/** The message the bot's reply to `payload` created (to press its buttons). */
export function original(t: TestBot, payload: { id: string }): APIMessage {
  const message = t.harness.interaction(payload.id)?.original;
  if (!message) throw new Error("no original message recorded");
  return message;
}

/** Fakes the bot's timeouts for the rest of the test (the harness keeps real ones for its bounded waits). */
export function useFakeTimeouts(): void {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  onTestFinished(() => void vi.useRealTimers());
}
