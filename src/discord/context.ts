import type { AppContext } from "../app.js";
import type { BundleLinks } from "../bundle/links.js";
import type { FollowStore } from "../db/follows.js";
import type { MessageBody } from "./command.js";

export type DmResult = "sent" | "refused" | "paused" | "failed" | "unavailable";

export interface DirectMessenger {
  /** Sends a DM, recording refusals (error 50007) and pausing delivery after too many. */
  send(userId: string, body: MessageBody): Promise<DmResult>;
}

/** What slash-command and button handlers get: the app context plus the services a running bot has. */
export interface BotContext extends AppContext {
  follows: FollowStore;
  bundle: BundleLinks;
  dm: DirectMessenger;
}
