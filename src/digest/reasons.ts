import { t, type Locale } from "../i18n/index.js";

/**
 * Why a delivery failed or was skipped, for /digest status in the moderator's language. The stored reason is the
 * run's internal text (kept for logs and the CLI); it is read back here by shape, never shown as is.
 */
export function describeReason(locale: Locale, reason: string | null): string {
  const text = (reason ?? "").replace(/^<#\d+>: /, "").trim();
  const late = /^not running at (\S+); more than \S+ \((\d+) h\) late$/.exec(text);
  if (late) {
    const due = new Date(late[1] ?? "");
    const time = Number.isNaN(due.getTime()) ? "?" : `${due.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    return t(locale, "digest.reason.late", { time, count: Number(late[2]) });
  }
  const restartLate = /^interrupted; more than \S+ \((\d+) h\) late by the restart$/.exec(text);
  if (restartLate) return t(locale, "digest.reason.interruptedLate", { count: Number(restartLate[1]) });
  if (text === "interrupted; no longer a destination") return t(locale, "digest.reason.noLongerDestination");
  const partial = /^interrupted after (\d+) of (\d+) messages/.exec(text);
  if (partial) return t(locale, "digest.reason.interruptedPartial", { sent: Number(partial[1]), count: Number(partial[2]) });
  const discord = /^(\d{3})(?: (\d+))?(?: |$)/.exec(text);
  if (discord) {
    const status = Number(discord[1]);
    const code = discord[2] === undefined ? null : Number(discord[2]);
    const detail = code === null ? String(status) : `${status} ${code}`;
    if (code === 10003) return t(locale, "digest.reason.unknownChannel", { detail });
    if (code === 50001) return t(locale, "digest.reason.missingAccess", { detail });
    if (code === 50013) return t(locale, "digest.reason.missingPermissions", { detail });
    if (code === 50007 || code === 10013) return t(locale, "digest.reason.dmRefused", { detail });
    if (status >= 500 || status === 429) return t(locale, "digest.reason.discordBusy", { detail });
    return t(locale, "digest.reason.discordRefused", { detail });
  }
  return t(locale, "digest.reason.unexpected");
}
