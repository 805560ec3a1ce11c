import type { DigestStore, GuildDigestSettings } from "../db/digest.js";
import type { DigestSettings } from "./run.js";
import { latestDue, nextPublication, type DigestSchedule, type WeekLabel } from "./week.js";

export interface Upcoming {
  edition: WeekLabel;
  at: Date;
  /** A publication this guild missed (a failure since fixed, a restart) that the next run, within a minute, sends. */
  late: boolean;
}

export function guildSchedule(guild: GuildDigestSettings): DigestSchedule {
  return { weekday: guild.weekday, time: guild.time, timeZone: guild.timeZone };
}

/**
 * What the guild's own digest channel gets next, by the same rules as runDigest: a missed publication still
 * inside DIGEST_CATCHUP_HOURS that the guild has not had goes out at the next run (every minute); otherwise
 * the next publication of an edition the guild has not had (so a moved digest never repeats one).
 */
export function upcomingForGuild(
  store: DigestStore,
  settings: Pick<DigestSettings, "catchUpHours">,
  guild: GuildDigestSettings,
  now: Date,
): Upcoming | null {
  if (!guild.enabled || guild.pausedReason) return null;
  const schedule = guildSchedule(guild);
  const had = (edition: string) => guild.lastEdition !== null && guild.lastEdition >= edition;
  const due = latestDue(now, schedule);
  const inWindow = now.getTime() - due.at.getTime() <= settings.catchUpHours * 3_600_000;
  if (!had(due.edition) && inWindow && due.at.getTime() >= Date.parse(guild.createdAt)) {
    const delivery = store.delivery(due.edition, "channel", guild.channelId);
    const owed =
      !delivery || delivery.status === "sending" || (delivery.status === "failed" && delivery.messagesSent === 0 && delivery.retryable);
    if (owed) return { edition: due.edition, at: new Date(Math.ceil((now.getTime() + 1) / 60_000) * 60_000), late: true };
  }
  let next = nextPublication(now, schedule);
  for (let step = 0; step < 4 && had(next.edition); step++) next = nextPublication(next.at, schedule);
  return { ...next, late: false };
}
