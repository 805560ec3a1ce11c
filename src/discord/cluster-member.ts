import hybrid from "discord-hybrid-sharding";
import type { Client } from "discord.js";
import type { Environment } from "../config.js";
import type { Logger } from "../logger.js";
import { CLUSTER_ENV, dmResultOf, type DmRequest, type ReadyNote } from "./cluster-messages.js";
import type { DirectMessenger } from "./context.js";

/** How long a command waits for the manager to send its DM (the sender's own deadline is shorter). */
const DM_REQUEST_TIMEOUT_MS = 60_000;

/** This process is cluster `id` of a bot run by the cluster manager (src/discord/clusters.ts), or null. */
export function clusterMemberId(env: Environment): number | null {
  if (env[CLUSTER_ENV] !== "1" || process.send === undefined) return null;
  const id = Number(env["CLUSTER"]);
  return Number.isInteger(id) && id >= 0 ? id : null;
}

export interface ClusterMember {
  id: number;
  /** DMs go through the manager, which owns the send rate limit. */
  dm: DirectMessenger;
  /** Tells the manager this cluster's shards are connected. */
  announceReady(guilds: number): void;
}

/** The cluster side of discord-hybrid-sharding's IPC for `client`. */
export function joinManager(id: number, client: Client, logger: Logger): ClusterMember {
  const link = new hybrid.ClusterClient(client);
  return {
    id,
    dm: {
      async send(userId, body) {
        const request: DmRequest & { options: { timeout: number } } = {
          paperbot: "dm",
          userId,
          body,
          options: { timeout: DM_REQUEST_TIMEOUT_MS },
        };
        try {
          return dmResultOf(await link.request(request));
        } catch (error) {
          logger.warn("the cluster manager did not answer a DM request", { cluster: id, error });
          return "failed";
        }
      },
    },
    announceReady(guilds) {
      void link.send({ paperbot: "ready", guilds } satisfies ReadyNote);
    },
  };
}
