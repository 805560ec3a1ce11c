import type { Locale } from "../i18n/index.js";
import { ConfigError } from "../config.js";
import { followStore } from "../db/follows.js";
import { digestMessagesText } from "../digest/render.js";
import { createRest } from "../discord/rest.js";
import { discordSender } from "../discord/sender.js";
import { runDigest } from "../digest/run.js";
import { digestSettings, digestSourcesFor, digestStoreFor, previewDigest } from "../digest/service.js";
import { abortOnSignal, parse, UsageError, withApp, type Handler } from "./kit.js";
import { paperThreadLinks } from "../community/thread-links.js";

export const DIGEST_USAGE = `  digest preview [--guild ID] [--locale en|ja] [--json]
                                               This week's digest as a channel (or that guild's) would get it
  digest run [--now]                           Send what is due through Discord's REST API (no gateway);
                                               --now: last week's edition to every destination not yet sent`;

export const digestCommand: Handler = async (args, io) => {
  const [verb, ...rest] = args;
  if (verb === "preview") {
    const { values } = parse(
      rest,
      { guild: { type: "string" }, locale: { type: "string" }, json: { type: "boolean", default: false } },
      false,
    );
    const guildId = typeof values.guild === "string" ? values.guild : undefined;
    if (guildId !== undefined && !/^\d{17,20}$/.test(guildId)) throw new UsageError("--guild takes a guild id (17-20 digits)");
    const locale = values.locale;
    if (locale !== undefined && locale !== "en" && locale !== "ja")
      throw new UsageError(`--locale must be en or ja, not "${String(locale)}"`);
    // preview only reads.
    return withApp(io, async (app) => {
      const guildLocale = guildId ? digestStoreFor(app.db).guild(guildId)?.locale : undefined;
      const chosen: Locale = (locale as Locale | undefined) ?? (guildLocale === "ja" ? "ja" : "en");
      const { week, messages } = previewDigest(app, { now: app.clock.now(), locale: chosen, ...(guildId ? { guildId } : {}) });
      io.stdout((values.json ? JSON.stringify({ week, locale: chosen, messages }) : digestMessagesText(messages)) + "\n");
      return 0;
    });
  }
  if (verb === "run") {
    const { values } = parse(rest, { now: { type: "boolean", default: false }, json: { type: "boolean", default: false } }, false);
    // `digest run` records what it sends.
    return withApp(
      io,
      async (app) => {
        const token = app.config.discord.token;
        if (!token) throw new ConfigError(["DISCORD_TOKEN (unset): needed to send the digest"]);
        const stop = new AbortController();
        const stopListening = abortOnSignal(stop);
        try {
          const report = await runDigest(
            {
              store: digestStoreFor(app.db),
              follows: followStore(app.db),
              sources: digestSourcesFor(app),
              transport: discordSender(createRest(app.config.discord.apiUrl, token), { rememberDmChannels: true }),
              clock: app.clock,
              logger: app.logger,
              settings: digestSettings(app),
              threadLinks: paperThreadLinks(app.db),
            },
            { force: values.now === true, signal: stop.signal },
          );
          const busy = report.inProgress;
          io.stdout(
            values.json
              ? JSON.stringify(report) + "\n"
              : `digest ${report.editions.join(", ") || (busy ? "(nothing due here)" : "(nothing due)")}: ${report.due} due, ${report.sent} sent, ${report.failed} failed, ${report.partial} partial, ${report.skipped} skipped, ${report.resumed} resumed\n` +
                  (busy
                    ? `another digest run (#${busy.runId}, started ${busy.startedAt}) is in progress: ${busy.sent} sent, ${busy.remaining} remaining; it sends what it has claimed\n`
                    : ""),
          );
          return 0;
        } finally {
          stopListening();
        }
      },
      { write: true },
    );
  }
  throw new UsageError("digest needs a verb: preview or run");
};
