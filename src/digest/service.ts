import type { AppContext } from "../app.js";
import { guildStatus, type StatusLine } from "./status.js";
import type { Locale } from "../i18n/index.js";
import { digestStore, type DestinationPause, type DigestStore, type GuildDigestSettings } from "../db/digest.js";
import type { Db } from "../db/connection.js";
import type { MessageBody } from "../shared/reply.js";
import { createForYouPlanner, oneLineSummary, type DigestSources } from "./content.js";
import { renderDigestMessages } from "./render.js";
import { defaultSchedule, digestLinks, loadEdition, type DigestSettings } from "./run.js";
import { guildSchedule, upcomingForGuild, type Upcoming } from "./upcoming.js";
import { arxivAbsUrl, arxivPdfUrl } from "../catalog/arxiv-id.js";
import { paperShortName } from "../catalog/format.js";
import type { Paper } from "../catalog/types.js";
import { texToText } from "../arxiv/tex.js";
import { reasonsAsWritten } from "../arxiv/reasons.js";
import { contributionLine } from "./contribution.js";
import { candidateStore } from "../db/candidates.js";
import { databaseSources, type CandidateSource } from "./sources.js";
import { nextPublication, type WeekLabel } from "./week.js";
import { communityTopOfWeek } from "../community/digest-top.js";

const stores = new WeakMap<Db, DigestStore>();

/** One set of prepared statements per connection. */
export function digestStoreFor(db: Db): DigestStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = digestStore(db)));
  return store;
}

export function digestSettings(app: Pick<AppContext, "config">): DigestSettings {
  const { config } = app;
  return {
    timeZone: config.digest.timeZone,
    catchUpHours: config.digest.catchUpHours,
    publicUrl: config.http.publicUrl ?? `http://localhost:${config.http.port}`,
  };
}

/** How many of a candidate's reason terms the digest names. */
const CANDIDATE_TERMS_SHOWN = 4;

/** The arXiv watch's pending candidates (undecided, at least CANDIDATE_MIN_SCORE), best first. */
export function arxivCandidates(db: Db, minScore: number, readingList: () => readonly Paper[] = () => []): CandidateSource {
  const store = candidateStore(db);
  return {
    pending: (limit) => {
      const names = new Map(readingList().map((paper) => [paper.id, paperShortName(paper)]));
      return store.pending(minScore, limit).map((candidate) => {
        // Rows stored before TeX was rendered where arXiv text enters: rendered here (plain text is unchanged).
        const title = texToText(candidate.title);
        const abstract = texToText(candidate.abstract);
        return {
          arxivId: candidate.arxivId,
          title,
          url: arxivAbsUrl(candidate.arxivId),
          score: candidate.score,
          topics: candidate.reasons.topics,
          terms: reasonsAsWritten(candidate.reasons.terms ?? [], { title, abstract }).slice(0, CANDIDATE_TERMS_SHOWN),
          excerpt: oneLineSummary(abstract, 300),
          line: contributionLine(abstract),
          authors: candidate.authors.slice(0, 12),
          similar: candidate.reasons.papers.flatMap((id) => names.get(id) ?? []).slice(0, 3),
          pdfUrl: arxivPdfUrl(candidate.arxivId),
        };
      });
    },
  };
}

export function digestSourcesFor(app: Pick<AppContext, "db" | "catalog" | "config">): DigestSources {
  const readingList = () => app.catalog.papers;
  return databaseSources(
    digestStoreFor(app.db),
    readingList,
    arxivCandidates(app.db, app.config.arxiv.minScore, readingList),
    (start, end) => communityTopOfWeek(app.db, app.catalog.papers, start, end),
  );
}

/**
 * The edition a preview shows: the one `/digest status` gives as the next run (a missed one due now, or the
 * next publication on the guild's schedule, or DIGEST_TZ's Monday 09:00 without a guild), so far as it is known.
 */
export function previewWeek(
  store: DigestStore,
  settings: DigestSettings,
  now: Date,
  guildId?: string,
): { week: WeekLabel; at: Date; timeZone: string } {
  const guild = guildId ? store.guild(guildId) : undefined;
  const schedule = guild ? guildSchedule(guild) : defaultSchedule(settings);
  const next = (guild ? upcomingForGuild(store, settings, guild, now) : null) ?? nextPublication(now, schedule);
  return { week: next.edition, at: next.at, timeZone: schedule.timeZone };
}

/** The digest as it would be sent now, to a channel (no user) or to a follower (with their topics). */
export function previewDigest(
  app: Pick<AppContext, "db" | "catalog" | "config">,
  options: { now: Date; locale: Locale; userId?: string; guildId?: string; week?: WeekLabel },
): { week: WeekLabel; at: Date; timeZone: string; messages: MessageBody[] } {
  const store = digestStoreFor(app.db);
  const chosen = previewWeek(store, digestSettings(app), options.now, options.guildId);
  const week = options.week ?? chosen.week;
  const edition = loadEdition(store, digestSourcesFor(app), week, options.now, false);
  const topics = options.userId ? store.topicsOf(options.userId) : [];
  const forYou = topics.length > 0 ? createForYouPlanner(edition)(topics) : null;
  const messages = renderDigestMessages(
    edition,
    { locale: options.locale, forYou },
    digestLinks(digestSettings(app).publicUrl, week, options.locale),
  );
  return { week, at: chosen.at, timeZone: chosen.timeZone, messages };
}

/** A guild's digest schedule as /digest set gives it (the language is the guild's current one unless given). */
export interface GuildDigestChoice {
  guildId: string;
  channelId: string;
  weekday: number;
  time: string;
  timeZone: string;
  locale: Locale;
  updatedBy: string;
}

/** What the /digest and /follow handlers use (they get no database handle, store or config of their own). */
export interface DigestService {
  readonly settings: DigestSettings;
  preview(options: { now: Date; locale: Locale; userId?: string; guildId?: string }): {
    week: WeekLabel;
    at: Date;
    timeZone: string;
    messages: MessageBody[];
  };
  status(guildId: string, now: Date, locale: Locale): StatusLine[];
  /** The guild's /digest set settings, if it ever set them. */
  guild(guildId: string): GuildDigestSettings | undefined;
  /**
   * Stores the guild's schedule and channel (and turns its digest on); returns the next publication it will get, and
   * for one already due ("late"), the one after it.
   */
  setGuild(choice: GuildDigestChoice, now: Date): { upcoming: Upcoming | null; after: Upcoming | null };
  /** /digest off: false when it was off already. */
  turnOff(guildId: string, userId: string, now: Date): boolean;
  /** A paused channel works again (a moderator subscribed or unsubscribed it): true when it was paused. */
  resumeChannel(channelId: string): boolean;
  /** The guild's paused digest channels, with why. */
  pausedChannels(guildId: string): DestinationPause[];
}

export function createDigestService(app: Pick<AppContext, "db" | "catalog" | "config">): DigestService {
  const store = digestStoreFor(app.db);
  const settings = digestSettings(app);
  return {
    settings,
    preview: (options) => previewDigest(app, options),
    status: (guildId, now, locale) => guildStatus(store, settings, guildId, now, locale),
    guild: (guildId) => store.guild(guildId),
    setGuild(choice, now) {
      store.setGuild({ ...choice, updatedAt: now.toISOString() });
      const guild = store.guild(choice.guildId);
      const upcoming = guild ? upcomingForGuild(store, settings, guild, now) : null;
      const after = guild && upcoming?.late ? upcomingForGuild(store, settings, { ...guild, lastEdition: upcoming.edition }, now) : null;
      return { upcoming, after };
    },
    turnOff: (guildId, userId, now) => store.disableGuild(guildId, userId, now),
    resumeChannel: (channelId) => store.resumeDestination("channel", channelId),
    pausedChannels: (guildId) => store.guildPauses(guildId),
  };
}
