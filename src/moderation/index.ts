import type { AppContext } from "../app.js";
import { createArxivApi, type ArxivApi, type ArxivRequestGate } from "../arxiv/api.js";
import { arxivGate, realSleep } from "../arxiv/fetch.js";
import { userAgent } from "../arxiv/fetch.js";
import type { CatalogEntry } from "../catalog/schema.js";
import type { Paper, PaperModeration } from "../catalog/types.js";
import { auditLog, type AuditAction, type AuditLog } from "../db/audit.js";
import { withShortBusyTimeout } from "../db/connection.js";
import { fail, succeed, type Outcome } from "../errors.js";
import { addedFromAbstract, applyEdit, arxivEntry, entryOf, paperWrites, type PaperEdit } from "./papers.js";
import { candidateRecord, reviewQueue, type Approval, type ApprovalResult, type ReviewQueue } from "./review.js";
import { candidateStore, type Candidate } from "../db/candidates.js";

export interface AuditedChange<T> {
  result: T;
  /** False when nothing changed: no audit row is written. */
  changed: boolean;
  before?: unknown;
  after?: unknown;
  /** Further audit rows for changes made in the same transaction, recorded after the main one. */
  also?: { action: AuditAction; target: string; before?: unknown; after?: unknown }[];
}

export type Actor = { id: string; name: string };

/** What moderator commands, buttons and the operator CLI share. */
export interface Moderation {
  audit: AuditLog;
  arxiv: ArxivApi;
  /** Runs `change` and records it in the audit log in one transaction. */
  audited<T>(actor: Actor, action: AuditAction, target: string, change: () => AuditedChange<T>): T;
  /** Adds a paper (unless its arXiv id is already listed), audited; the catalog, bundle and alerts follow. */
  addPaper(entry: CatalogEntry, moderation: PaperModeration, actor: Actor, action?: AuditAction, note?: string): Outcome<Paper>;
  editPaper(paperId: string, edit: PaperEdit, actor: Actor): Outcome<{ paper: Paper; changed: boolean }>;
  /** Only papers moderators added. */
  removePaper(paperId: string, actor: Actor): Outcome<Paper>;
  /** The arXiv watch's pending candidates. */
  review: ReviewQueue;
  /** Decides once (a second moderator is told who was first) and makes the paper a catalog paper. */
  approveCandidate(arxivId: string, approval: Approval, actor: Actor): ApprovalResult;
  rejectCandidate(arxivId: string, actor: Actor, note?: string): Outcome<Candidate>;
}

export interface ModerationHooks {
  /** Shared with the RSS poller: arXiv allows one request every 3 s from the whole bot. */
  arxivGate?: ArxivRequestGate;
  /** Names paperbot (and ARXIV_CONTACT), as arXiv asks of automated clients. */
  userAgent?: string;
  /** After a paper was added, edited or removed (committed): reload the lookup, schedule the bundle, send alerts. */
  papersChanged?(change: { id: string; added?: Paper }): void;
}

const isLoopback = (url: string) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

/**
 * The bot's one arXiv gate, shared with the feed poller. A test setup may shorten its spacing for a loopback
 * feed server; lookups against the real API then still wait 3 s.
 */
function apiGate(
  shared: ArxivRequestGate | undefined,
  app: Pick<AppContext, "db" | "clock">,
  intervalMs: number,
  apiUrl: string,
): ArxivRequestGate {
  // Without the bot's gate (the CLI), the database's lease still spaces these lookups from other processes' requests.
  if (intervalMs < 3000 && !isLoopback(apiUrl)) return arxivGate(3000, app.clock, realSleep, app.db);
  return shared ?? arxivGate(intervalMs, app.clock, realSleep, app.db);
}

/** The audit row of a held candidate approved by adding its paper, with what was decided before. */
function candidateApproval(before: Candidate, paperId: string, via: AuditAction) {
  return {
    action: "candidate.approve" as const,
    target: `arxiv:${before.arxivId}`,
    before: { decision: before.status, ...(before.decidedBy === null ? {} : { by: before.decidedBy, at: before.decidedAt }) },
    after: { decision: "approved", paper: paperId, via },
  };
}

export function createModeration(app: Pick<AppContext, "db" | "clock" | "config">, hooks: ModerationHooks = {}): Moderation {
  const audit = auditLog(app.db);
  const review = reviewQueue(app.db, () => app.config.arxiv.minScore);
  const papers = paperWrites(app.db);
  const candidates = candidateStore(app.db);
  const apiUrl = app.config.moderation.arxivApiUrl;

  function audited<T>(actor: Actor, action: AuditAction, target: string, change: () => AuditedChange<T>): T {
    // Interaction writes wait briefly for the lock (a busy database is a polite "try again", not a hang).
    const run = app.db.transaction(() => {
      const outcome = change();
      if (outcome.changed) {
        audit.record({ actor, action, target, before: outcome.before, after: outcome.after }, app.clock.now());
        for (const entry of outcome.also ?? []) audit.record({ actor, ...entry }, app.clock.now());
      }
      return outcome.result;
    });
    return withShortBusyTimeout(app.db, () => run.immediate());
  }

  return {
    audit,
    arxiv: createArxivApi({
      apiUrl,
      gate: apiGate(hooks.arxivGate, app, app.config.arxiv.requestIntervalMs, apiUrl),
      userAgent: hooks.userAgent ?? userAgent(app.config.arxiv.contact),
    }),
    audited,

    addPaper(entry, moderation, actor, action = "paper.add", note) {
      const outcome = audited(actor, action, `paper:${entry.id}`, (): AuditedChange<Outcome<Paper>> => {
        const existing = entry.arxivId ? papers.byArxivId(entry.arxivId) : papers.get(entry.id);
        if (existing) return { result: fail("paperAdd.already", { title: existing.title, id: existing.id }), changed: false };
        papers.insert(entry, moderation, app.clock.now());
        // Adding a paper the arXiv watch holds is the moderators' approval of it, whatever was decided before: it
        // leaves the review queue, and the learned scorer counts it as a positive (signature changes, so it retrains).
        const approved = entry.arxivId ? candidates.approveListed(entry.arxivId, actor.name, app.clock.now()) : undefined;
        const added = papers.get(entry.id);
        if (!added) throw new Error(`paper ${entry.id} vanished after insert`);
        return {
          result: succeed(added),
          changed: true,
          after: { ...entryOf(added), ...(note ? { note } : {}) },
          also: approved ? [candidateApproval(approved.before, added.id, action)] : [],
        };
      });
      if (outcome.ok) hooks.papersChanged?.({ id: outcome.value.id, added: outcome.value });
      return outcome;
    },

    editPaper(paperId, edit, actor) {
      const outcome = audited(actor, "paper.edit", `paper:${paperId}`, (): AuditedChange<Outcome<{ paper: Paper; changed: boolean }>> => {
        const paper = papers.get(paperId);
        if (!paper) return { result: fail("moderation.unknownPaper", { id: paperId }), changed: false };
        const applied = applyEdit(paper, edit, actor.name, app.clock.now());
        if (!applied.ok) return { result: applied, changed: false };
        const before = entryOf(paper);
        if (JSON.stringify(before) === JSON.stringify(applied.value.entry))
          return { result: succeed({ paper, changed: false }), changed: false };
        papers.update(paper, applied.value.entry, applied.value.moderation, app.clock.now());
        const after = papers.get(paperId) ?? paper;
        return { result: succeed({ paper: after, changed: true }), changed: true, before, after: entryOf(after) };
      });
      if (outcome.ok && outcome.value.changed) hooks.papersChanged?.({ id: paperId });
      return outcome;
    },

    review,

    approveCandidate(arxivId, approval, actor) {
      const outcome = audited(actor, "candidate.approve", `arxiv:${arxivId}`, (): AuditedChange<ApprovalResult> => {
        const listed = papers.byArxivId(arxivId);
        // The entry is made before deciding, so a candidate the catalog cannot hold stays undecided, with the reason.
        const held = listed ? undefined : candidates.get(arxivId);
        const made = held ? arxivEntry(candidateRecord(held), approval.topics, (id) => papers.get(id) !== undefined) : undefined;
        if (made && !made.ok) return { result: made, changed: false };
        const decided = review.decide(arxivId, true, actor.name, app.clock.now());
        if (!decided.ok) return { result: decided, changed: false };
        const candidate = decided.value;
        if (listed)
          return {
            result: succeed({ candidate, paper: null }),
            changed: true,
            after: { decision: "approved", note: approval.note, paper: listed.id },
          };
        // decide() refuses an unknown candidate, so one that was decided was also held (and its entry made) above.
        if (!made) throw new Error(`candidate ${arxivId} was decided without being held`);
        const entry = made.value;
        papers.insert(entry, addedFromAbstract(actor.name), app.clock.now());
        const paper = papers.get(entry.id) ?? null;
        return {
          result: succeed({ candidate, paper }),
          changed: true,
          after: { decision: "approved", ...(approval.note ? { note: approval.note } : {}), paper: entry },
        };
      });
      if (outcome.ok && outcome.value.paper) hooks.papersChanged?.({ id: outcome.value.paper.id, added: outcome.value.paper });
      return outcome;
    },

    rejectCandidate(arxivId, actor, note) {
      return audited(actor, "candidate.reject", `arxiv:${arxivId}`, (): AuditedChange<Outcome<Candidate>> => {
        // A listed paper as a negative example would teach the scorer against the reading list itself.
        const listed = papers.byArxivId(arxivId);
        if (listed) return { result: fail("review.rejectListed", { title: listed.title, id: listed.id }), changed: false };
        const decided = review.decide(arxivId, false, actor.name, app.clock.now());
        return decided.ok
          ? { result: decided, changed: true, after: { decision: "rejected", ...(note ? { note } : {}) } }
          : { result: decided, changed: false };
      });
    },

    removePaper(paperId, actor) {
      const outcome = audited(actor, "paper.remove", `paper:${paperId}`, (): AuditedChange<Outcome<Paper>> => {
        const paper = papers.get(paperId);
        if (!paper) return { result: fail("moderation.unknownPaper", { id: paperId }), changed: false };
        if (paper.source !== "moderator") return { result: fail("paperRemove.onlyAdded", { title: paper.title }), changed: false };
        papers.remove(paperId);
        return { result: succeed(paper), changed: true, before: entryOf(paper) };
      });
      if (outcome.ok) hooks.papersChanged?.({ id: paperId });
      return outcome;
    },
  };
}
