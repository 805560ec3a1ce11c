import { DiscordAPIError, RESTJSONErrorCodes, type Client } from "discord.js";
import type { FollowStore } from "../db/follows.js";
import type { Clock, Logger } from "../logger.js";
import type { MessageBody } from "./command.js";
import type { DirectMessenger, DmResult } from "./context.js";

/** Discord's answers that mean "this user does not take DMs from us" rather than a passing fault. */
const REFUSALS = new Set<number>([RESTJSONErrorCodes.CannotSendMessagesToThisUser, RESTJSONErrorCodes.UnknownUser]);

export function createDirectMessenger(client: Client, follows: FollowStore, clock: Clock, logger: Logger): DirectMessenger {
  return {
    async send(userId: string, body: MessageBody): Promise<DmResult> {
      const follow = follows.get(userId);
      if (follow?.dmPausedAt) return "paused";
      try {
        await client.users.send(userId, {
          content: body.content ?? "",
          embeds: body.embeds ?? [],
          components: body.components ?? [],
          allowedMentions: { parse: [] },
        });
        if (follow && follow.dmFailures > 0) follows.recordDmSuccess(userId);
        return "sent";
      } catch (error) {
        if (error instanceof DiscordAPIError && typeof error.code === "number" && REFUSALS.has(error.code)) {
          if (follow) follows.recordDmFailure(userId, `${error.code} ${error.message}`, clock.now());
          logger.info("direct message refused", { userId, code: error.code });
          return "refused";
        }
        logger.warn("direct message failed", { userId, error });
        return "failed";
      }
    },
  };
}
