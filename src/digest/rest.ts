import type { REST } from "discord.js";
import type { MessageBody } from "../shared/reply.js";
import { openDmChannel, postMessage } from "../discord/rest.js";
import type { DigestTarget, DigestTransport } from "./run.js";

/** DM channel ids remembered within one run; bounded so a 100,000-reader run does not grow without end. */
const DM_CACHE_LIMIT = 10_000;

export function digestRestTransport(rest: REST): DigestTransport {
  const dmChannels = new Map<string, string>();
  const channelOf = async (target: DigestTarget, signal?: AbortSignal): Promise<string> => {
    if (target.kind === "channel") return target.id;
    const known = dmChannels.get(target.id);
    if (known) return known;
    const channelId = await openDmChannel(rest, target.id, signal);
    if (dmChannels.size >= DM_CACHE_LIMIT) dmChannels.clear();
    dmChannels.set(target.id, channelId);
    return channelId;
  };
  return {
    async send(target: DigestTarget, body: MessageBody, nonce: string, signal?: AbortSignal): Promise<void> {
      await postMessage(rest, await channelOf(target, signal), body, nonce, [], signal);
    },
  };
}
