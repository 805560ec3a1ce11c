import { createHash } from "node:crypto";
import { TOPICS } from "../catalog/schema.js";
import type { Paper } from "../catalog/types.js";
import { alertStore, type AlertIntent, type AlertOutcome } from "../db/alerts.js";
import type { Db } from "../db/connection.js";
import type { FollowStore } from "../db/follows.js";
import type { MessageBody } from "../shared/reply.js";
import { sendFailureOf, type MessageSender, type SendFailure } from "../shared/sender.js";
import { linkButton, row } from "../shared/embeds.js";
import { paperEmbed } from "../catalog/card.js";
import { inlineText } from "../shared/safe-text.js";
import { localeFromDiscord, t } from "../i18n/index.js";
import { topicLabel } from "../i18n/topics.js";
import type { Clock, Logger } from "../logger.js";
import { paperKeyOf, withVote } from "../community/buttons.js";

/**
 * A passing fault: this destination is set aside for `reason` and tried again later (not before `retryAfterMs`
 * when Discord asked for a wait), until ALERT_MAX_DELAY_HOURS drops it.
 */
export interface SetAside {
  retry: string;
  retryAfterMs?: number;
}

/** What an alert send can end in: delivered, a reason to stop for good, or a passing fault to retry. */
export type DeliveryResult = "sent" | "paused" | "refused" | "gone" | "retry" | SetAside;

export interface AlertTransport {
  /** `signal` abandons the send (shutdown). */
  dm(userId: string, body: MessageBody, nonce: string, signal?: AbortSignal): Promise<DeliveryResult>;
  /** Posts to a channel; only `roleIds` may be mentioned. `paper`: the paper alerted (a thread per paper, issue 18). */
  post(
    channelId: string,
    body: MessageBody,
    roleIds: readonly string[],
    nonce: string,
    signal?: AbortSignal,
    paper?: Paper,
  ): Promise<DeliveryResult>;
}

/** Discord keeps a nonce for a few minutes; an attempt older than this may have been delivered, so it is dropped. */
export const NONCE_WINDOW_MS = 2 * 60_000;
const BATCH = 200;
/** Destinations sent to at once (each send is bounded by the sender's deadline; the REST queue keeps to 50 requests/s). */
export const ALERT_CONCURRENCY = 6;
/** A destination set aside is tried again after this, doubling per failure up to MAX_SET_ASIDE_MS. */
export const FIRST_SET_ASIDE_MS = 5_000;
export const MAX_SET_ASIDE_MS = 15 * 60_000;

const plain = (text: string) =>
  ` ${text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")} `;

/**
 * The followed topics a paper matches: its catalog topics, and free keywords found as whole words in its
 * title, aliases or summary. Each distinct keyword is checked once, however many people follow it.
 */
export function matchingTopics(paper: Paper, followed: readonly string[]): string[] {
  const catalogTopics = new Set<string>(TOPICS);
  const text = plain([paper.title, ...paper.aliases, paper.summary.en, paper.summary.ja, paper.titleJa].join(" \n "));
  return followed.filter((topic) =>
    catalogTopics.has(topic) ? paper.topics.some((own) => own === topic) : topic.trim() !== "" && text.includes(plain(topic)),
  );
}

/** Same (paper, subscriber) → same nonce, so Discord drops a resend of a message that did arrive. */
export function alertNonce(intent: Pick<AlertIntent, "paperId" | "subscriber">): string {
  return createHash("sha256").update(`${intent.paperId}\u0000${intent.subscriber}`).digest("base64url").slice(0, 25);
}

/**
 * The alert for one subscriber. `followed` is what that subscriber follows: the message names the catalog topics
 * and the keywords it follows that the paper matched (a keyword follower is not told it follows the paper's topics).
 * Without any (they unfollowed meanwhile), it names the paper's topics and claims nothing.
 */
export function alertMessage(
  paper: Paper,
  intent: Pick<AlertIntent, "locale" | "roleIds" | "subscriber">,
  followed?: readonly string[],
): MessageBody {
  const locale = localeFromDiscord(intent.locale);
  const matched = followed ? matchingTopics(paper, followed) : [...paper.topics];
  const catalogTopics = new Set<string>(TOPICS);
  const topicsMatched = paper.topics.filter((topic) => matched.includes(topic));
  const keywordsMatched = matched.filter((topic) => !catalogTopics.has(topic));
  const toDm = intent.subscriber.startsWith("user:");
  const title = inlineText(paper.title);
  const topics = (topicsMatched.length > 0 ? topicsMatched : paper.topics).map((topic) => topicLabel(locale, topic)).join(", ");
  const keywords = keywordsMatched
    .map((keyword) => t(locale, "alert.keyword", { keyword: inlineText(keyword) }))
    .join(t(locale, "alert.listSeparator"));
  const many = keywordsMatched.length > 1;
  const reason = t(
    locale,
    toDm ? (many ? "alert.yourKeywords" : "alert.yourKeyword") : many ? "alert.channelsKeywords" : "alert.channelsKeyword",
    { keywords },
  );
  const text =
    keywordsMatched.length === 0
      ? t(locale, toDm && matched.length > 0 ? "alert.dm" : "alert.channel", { title, topics })
      : topicsMatched.length > 0
        ? t(locale, toDm ? "alert.dmBoth" : "alert.channelBoth", { title, topics, reason })
        : t(locale, toDm ? "alert.dmKeyword" : "alert.channelKeyword", { title, reason });
  const mention = intent.roleIds.map((id) => `<@&${id}> `).join("");
  return {
    content: mention + text,
    embeds: [paperEmbed(paper, locale)],
    // votes (issue 18): 👍 first; its count is set when the post is remembered (or at its first press).
    components: [withVote(row(linkButton(t(locale, paper.arxivId ? "paper.arxiv" : "paper.link"), paper.url)), paperKeyOf(paper), 0)],
  };
}

export interface AlertService {
  /** Decides who gets `paper` and records the intents (nothing is sent here). */
  fanout(paper: Paper): { users: number; channels: number };
  /** Sends open intents (one pass, bounded), or drops those too old; runs one at a time. */
  deliver(): Promise<{ sent: number; dropped: number; retry: number }>;
  /** Delivery in the background (after a fanout, and at start for what a crash left open). */
  kick(): void;
  stop(): Promise<void>;
}

export function createAlerts(options: {
  db: Db;
  follows?: FollowStore;
  clock: Clock;
  logger: Logger;
  maxDelayMs: number;
  paper: (id: string) => Paper | undefined;
  transport: AlertTransport | null;
}): AlertService {
  const store = alertStore(options.db);
  const { clock, logger } = options;
  let running: Promise<{ sent: number; dropped: number; retry: number }> | null = null;
  let again = false;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const stopping = new AbortController();
  /** Destinations set aside after a passing fault (by subscriber): when to try again, and why. */
  const setAside = new Map<string, { until: number; reason: string; failures: number }>();

  async function send(intent: AlertIntent, paper: Paper): Promise<DeliveryResult> {
    const transport = options.transport;
    if (!transport) return "retry";
    const body = alertMessage(paper, intent, store.subscriberTopics(intent.subscriber));
    const [kind, id = ""] = intent.subscriber.split(":");
    return kind === "user"
      ? transport.dm(id, body, alertNonce(intent), stopping.signal)
      : transport.post(id, body, intent.roleIds, alertNonce(intent), stopping.signal, paper);
  }

  type Counts = { sent: number; dropped: number; retry: number };

  function setAsideFor(subscriber: string, reason: string, retryAfterMs: number | undefined, now: Date): void {
    const failures = (setAside.get(subscriber)?.failures ?? 0) + 1;
    const backoff = Math.min(MAX_SET_ASIDE_MS, FIRST_SET_ASIDE_MS * 2 ** Math.min(failures - 1, 20));
    const waitMs = Math.min(MAX_SET_ASIDE_MS, Math.max(backoff, retryAfterMs ?? 0));
    setAside.set(subscriber, { until: now.getTime() + waitMs, reason, failures });
    logger.warn("alert destination set aside", { subscriber, reason, failures, retryInMs: waitMs });
  }

  /** One intent; false when its destination is (now) set aside, so its other intents wait too. */
  async function deliverOne(intent: AlertIntent, counts: Counts): Promise<boolean> {
    const now = clock.now();
    const drop = (outcome: AlertOutcome) => {
      store.markDropped(intent, outcome, now);
      counts.dropped += 1;
    };
    if (now.getTime() - Date.parse(intent.createdAt) > options.maxDelayMs) {
      drop("expired");
      return true;
    }
    if (intent.attemptedAt && now.getTime() - Date.parse(intent.attemptedAt) > NONCE_WINDOW_MS) {
      drop("uncertain");
      return true;
    }
    const paper = options.paper(intent.paperId);
    if (!paper) {
      drop("paper-removed");
      return true;
    }
    // No Discord here: the intent stays open for a process that has it.
    if (!options.transport) return true;
    const aside = setAside.get(intent.subscriber);
    if (aside && aside.until > now.getTime()) {
      counts.retry += 1;
      return false;
    }
    store.markAttempt(intent, now);
    let result: DeliveryResult;
    try {
      result = await send(intent, paper);
    } catch (error) {
      logger.error("alert send failed", { paperId: intent.paperId, subscriber: intent.subscriber, error });
      result = { retry: error instanceof Error ? error.message : String(error) };
    }
    if (result === "sent") {
      store.markSent(intent, clock.now());
      setAside.delete(intent.subscriber);
      counts.sent += 1;
      return true;
    }
    if (result === "retry" || typeof result === "object") {
      const reason = typeof result === "object" ? result.retry : "retry";
      // Still open: tried again once its destination's time comes, or dropped after ALERT_MAX_DELAY_HOURS.
      store.markRetry(intent, `retry: ${reason}`);
      setAsideFor(intent.subscriber, reason, typeof result === "object" ? result.retryAfterMs : undefined, clock.now());
      counts.retry += 1;
      return false;
    }
    drop(result);
    return true;
  }

  async function pass(): Promise<Counts> {
    const counts = { sent: 0, dropped: 0, retry: 0 };
    const seen = new Set<string>();
    // Bounded: each intent is looked at once per pass (sent, dropped, or left open for a later pass).
    for (let round = 0; round < 10_000 && !stopped; round += 1) {
      const batch = store.open(BATCH + seen.size).filter((intent) => !seen.has(`${intent.paperId} ${intent.subscriber}`));
      if (batch.length === 0) break;
      // One queue per destination (its alerts in order); different destinations are sent to at the same time.
      const queues = new Map<string, AlertIntent[]>();
      for (const intent of batch) {
        seen.add(`${intent.paperId} ${intent.subscriber}`);
        const queue = queues.get(intent.subscriber);
        if (queue) queue.push(intent);
        else queues.set(intent.subscriber, [intent]);
      }
      const pending = [...queues.values()];
      const worker = async () => {
        for (let queue = pending.shift(); queue && !stopped; queue = pending.shift()) {
          for (const [index, intent] of queue.entries()) {
            if (stopped) break;
            if (!(await deliverOne(intent, counts))) {
              counts.retry += queue.length - index - 1;
              break;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(ALERT_CONCURRENCY, pending.length) }, worker));
    }
    return counts;
  }

  function scheduleRetry(): void {
    if (stopped || retryTimer) return;
    const now = clock.now().getTime();
    const next = Math.min(...[...setAside.values()].map((entry) => entry.until));
    const waitMs = Number.isFinite(next) ? Math.min(MAX_SET_ASIDE_MS, Math.max(1_000, next - now)) : FIRST_SET_ASIDE_MS;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      service.kick();
    }, waitMs);
    retryTimer.unref();
  }

  const service: AlertService = {
    fanout(paper) {
      const topics = matchingTopics(paper, store.followedTopics());
      const decided = topics.length === 0 ? { users: 0, channels: 0 } : store.record(paper.id, topics, clock.now());
      logger.info("alerts recorded", { paperId: paper.id, topics, ...decided });
      return decided;
    },
    deliver() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        const total = { sent: 0, dropped: 0, retry: 0 };
        do {
          again = false;
          const counts = await pass();
          total.sent += counts.sent;
          total.dropped += counts.dropped;
          total.retry += counts.retry;
        } while (again && !stopped);
        if (total.retry > 0) scheduleRetry();
        if (total.sent + total.dropped > 0) logger.info("alerts delivered", total);
        return total;
      })().finally(() => {
        running = null;
      });
      return running;
    },
    kick() {
      if (stopped) return;
      service.deliver().catch((error: unknown) => logger.error("alert delivery failed", { error }));
    },
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(retryTimer);
      await running?.catch(() => undefined);
    },
  };
  return service;
}

const setAsideFor = (failure: SendFailure): SetAside => ({
  retry: failure.reason,
  ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
});

/**
 * Alert delivery through the shared sender port (each send bounded by its deadline and retry budget), with a nonce
 * so a resend after a crash is not posted twice; a passing fault sets the destination aside with its reason.
 */
export function alertTransport(sender: MessageSender, follows: FollowStore, clock: Clock, logger: Logger): AlertTransport {
  return {
    async dm(userId, body, nonce, signal) {
      const follow = follows.get(userId);
      if (follow?.dmPausedAt) return "paused";
      try {
        await sender.send({ kind: "user", id: userId }, body, nonce, signal ? { signal } : {});
        if (follow && follow.dmFailures > 0) follows.recordDmSuccess(userId);
        return "sent";
      } catch (error) {
        const failure = sendFailureOf(error);
        if (failure.outcome === "transient") return setAsideFor(failure);
        const code = failure.code ?? failure.status;
        if (failure.outcome === "refused") {
          follows.recordDmFailure(userId, `${code}`, clock.now());
          logger.info("alert DM refused", { userId, code });
          return "refused";
        }
        logger.warn("alert DM failed", { userId, error: failure.cause });
        return "gone";
      }
    },
    async post(channelId, body, roleIds, nonce, signal) {
      try {
        await sender.send({ kind: "channel", id: channelId }, body, nonce, { roles: roleIds, ...(signal ? { signal } : {}) });
        return "sent";
      } catch (error) {
        const failure = sendFailureOf(error);
        if (failure.outcome === "transient") return setAsideFor(failure);
        logger.warn("alert post failed", { channelId, code: failure.code ?? failure.status, gone: failure.outcome === "gone" });
        return "gone";
      }
    },
  };
}

/** "alerts recorded for 1 follower and 2 channels", for the CLI (plurals from the locale files). */
export function recordedLine(recorded: { users: number; channels: number }, locale: "en" | "ja" = "en"): string {
  return t(locale, "cli.alertsRecorded", {
    followers: t(locale, "cli.alertFollowers", { count: recorded.users }),
    channels: t(locale, "cli.alertChannels", { count: recorded.channels }),
  });
}
