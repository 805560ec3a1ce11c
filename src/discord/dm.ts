import { randomUUID } from "node:crypto";
import { DiscordAPIError } from "discord.js";
import type { FollowStore } from "../db/follows.js";
import type { Clock, Logger } from "../logger.js";
import type { MessageBody } from "../shared/reply.js";
import { sendFailureOf, type MessageSender } from "../shared/sender.js";
import type { DirectMessenger, DmResult } from "./context.js";

/** A handler's direct message (the welcome DM, the resume check), through the one sender port. */
export function createDirectMessenger(sender: MessageSender, follows: FollowStore, clock: Clock, logger: Logger): DirectMessenger {
  return {
    async send(userId: string, body: MessageBody): Promise<DmResult> {
      const follow = follows.get(userId);
      if (follow?.dmPausedAt) return "paused";
      try {
        // A fresh nonce: this message is sent once, never resent after a crash.
        await sender.send(
          { kind: "user", id: userId },
          { content: body.content ?? "", embeds: body.embeds ?? [], components: body.components ?? [] },
          randomUUID().slice(0, 25),
        );
        if (follow && follow.dmFailures > 0) follows.recordDmSuccess(userId);
        return "sent";
      } catch (error) {
        const failure = sendFailureOf(error);
        if (failure.outcome === "refused") {
          const { cause } = failure;
          const reason = cause instanceof DiscordAPIError ? `${cause.code} ${cause.message}` : failure.reason;
          if (follow) follows.recordDmFailure(userId, reason, clock.now());
          logger.info("direct message refused", { userId, code: failure.code });
          return "refused";
        }
        logger.warn("direct message failed", { userId, error: failure.cause });
        return "failed";
      }
    },
  };
}
