import type { OpenedApp } from "../app.js";
import { parseArxivReference } from "../catalog/arxiv-id.js";
import { InputError, UsageError, parse as parseCliArgs, wholeNumberOption, withApp, type CliIo } from "./kit.js";
import { candidateStore, type Candidate } from "../db/candidates.js";
import { suggestionStore } from "../db/suggestions.js";
import { paperShortName } from "../catalog/format.js";
import { formatList, renderMessage } from "../i18n/index.js";
import { createAlerts, recordedLine } from "../moderation/alerts.js";
import { createModeration } from "../moderation/index.js";
import { approvalTopics, parseTopics } from "../moderation/papers.js";
import { controlCharactersProblem } from "../moderation/form-text.js";
import { createArxivHttp } from "../arxiv/fetch.js";
import type { ArxivGate } from "../arxiv/gate.js";
import { plainLine } from "../shared/safe-text.js";
import { texToText } from "../arxiv/tex.js";
import { candidateTermsAsWritten } from "../arxiv/reasons.js";
import { ArxivPoller, type PollReport } from "../arxiv/poller.js";
import { evaluationText } from "../arxiv/evaluation-text.js";
import { RelevanceModel } from "../arxiv/relevance.js";

export const ARXIV_USAGE = `  poll [--json]                                Poll the arXiv feeds now (exit 0 even if a feed failed)
  candidates [--limit N] [--json]              Pending candidate papers, members' suggestions first, then best first
  candidates approve|reject <arxivId> [--by NAME] [--topics T,T] [--note TEXT]
                                               Record a moderator's decision; approving adds the paper
  candidates eval [--json]                     Cross-validated AUC of the learned scorer vs canon similarity`;

/** These verbs write (poll results, decisions, rescored candidates), unlike the read-only CLI verbs. */
function withWritableApp<T>(io: CliIo, run: (app: OpenedApp) => Promise<T>): Promise<T> {
  return withApp(io, run, { write: true });
}

function noExtra(positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
}

function pollText(report: PollReport): string {
  if (report.skipped) return "a poll is already running; nothing done";
  return report.feeds
    .map((feed) =>
      feed.status === "failed"
        ? `${feed.url}: failed (${feed.error ?? "unknown"})`
        : `${feed.url}: ${feed.status}, ${feed.items} items, ${feed.new} new, ${feed.updated} updated, ${feed.known} known, ${feed.skipped} skipped`,
    )
    .join("\n");
}

/**
 * Another process's arXiv request goes first. A process killed mid-request (kill -9) leaves its lease until it
 * expires, up to ARXIV_TIMEOUT + 10 s: say so once, on stderr (stdout may be --json), rather than wait silently.
 */
function sayOnceWhenWaiting(gate: ArxivGate, io: CliIo): void {
  let told = false;
  gate.onHeldElsewhere(({ holder, atMostMs }) => {
    if (told) return;
    told = true;
    io.stderr(`paperbot: waiting for another process's arXiv request to end (${holder}): at most ${Math.ceil(atMostMs / 1000)} s\n`);
  });
}

export async function pollCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: "boolean", default: false } }, false);
  noExtra(positionals);
  return withWritableApp(io, async (app) => {
    const http = createArxivHttp(app.config.arxiv, app.clock, {}, app.db);
    sayOnceWhenWaiting(http.gate, io);
    const poller = new ArxivPoller({
      db: app.db,
      config: app.config.arxiv,
      http,
      clock: app.clock,
      logger: app.logger,
      papers: () => app.catalog.papers,
    });
    const report = await poller.poll({ force: true });
    io.stdout((values.json ? JSON.stringify({ feeds: report.feeds }) : pollText(report)) + "\n");
    return 0;
  });
}

/** Who suggested the candidate (/suggest): the first few with their notes, and how many support it. */
function suggestionsOf(app: OpenedApp, arxivId: string) {
  const { first, supporters } = suggestionStore(app.db).forPaper(arxivId, 3);
  return {
    supporters,
    first: first.map((row) => ({ userId: row.userId, name: row.userName, note: row.note, suggestedAt: row.suggestedAt })),
  };
}

function suggestionLine(app: OpenedApp, arxivId: string): string {
  const { supporters, first } = suggestionsOf(app, arxivId);
  if (supporters === 0) return "";
  const who = first.map((row) => plainLine(`${row.name ?? "anonymous member"}${row.note ? `: “${row.note}”` : ""}`)).join("; ");
  return `\n       suggested by ${supporters} member${supporters === 1 ? "" : "s"}: ${who}`;
}

function candidateJson(candidate: Candidate, app: OpenedApp) {
  return {
    arxivId: candidate.arxivId,
    version: candidate.version,
    title: candidate.title,
    authors: candidate.authors,
    categories: candidate.categories,
    score: candidate.score,
    reasons: { papers: candidate.reasons.papers, topics: candidate.reasons.topics, terms: candidateTermsAsWritten(candidate) },
    firstSeen: candidate.firstSeen,
    suggestions: suggestionsOf(app, candidate.arxivId),
  };
}

function candidateLine(candidate: Candidate, index: number, app: OpenedApp): string {
  const like = candidate.reasons.papers.map((id) => {
    const paper = app.catalog.papers.find((entry) => entry.id === id);
    return paper ? paperShortName(paper) : id;
  });
  const terms = candidateTermsAsWritten(candidate);
  const why = [
    terms.length > 0 ? `terms: ${plainLine(terms.join(", "))}` : "",
    like.length > 0 ? `like ${formatList("en", like)}` : "",
    candidate.reasons.topics.length > 0 ? `topics: ${plainLine(candidate.reasons.topics.join(", "))}` : "",
  ]
    .filter((part) => part !== "")
    .join("; ");
  // Feed text on a terminal: no escape codes, bidi overrides or line breaks (one candidate, one line).
  const head = `${String(index + 1).padStart(3)}. ${candidate.score.toFixed(3)}  ${candidate.arxivId}v${candidate.version}  ${plainLine(texToText(candidate.title))}`;
  return (why === "" ? head : `${head}\n       ${why}`) + suggestionLine(app, candidate.arxivId);
}

function relevanceFor(app: OpenedApp): RelevanceModel {
  const model = new RelevanceModel(app.db);
  model.refresh(app.catalog.papers);
  return model;
}

export async function candidatesCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === "approve" || verb === "reject") return decide(verb, rest, io);
  if (verb === "eval") return evaluate(rest, io);
  const { values, positionals } = parseCliArgs(args, { limit: { type: "string" }, json: { type: "boolean", default: false } }, false);
  noExtra(positionals);
  const limit = values.limit === undefined ? 20 : wholeNumberOption("--limit", values.limit, 1, 1000);
  return withWritableApp(io, async (app) => {
    relevanceFor(app);
    const pending = candidateStore(app.db).pending(app.config.arxiv.minScore, limit);
    if (values.json) io.stdout(JSON.stringify({ candidates: pending.map((candidate) => candidateJson(candidate, app)) }) + "\n");
    else
      io.stdout(
        (pending.length === 0
          ? "no pending candidates"
          : pending.map((candidate, index) => candidateLine(candidate, index, app)).join("\n")) + "\n",
      );
    return 0;
  });
}

async function decide(verb: "approve" | "reject", args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    { by: { type: "string" }, topics: { type: "string" }, note: { type: "string" } },
    true,
  );
  const [reference, ...extra] = positionals;
  noExtra(extra);
  const arxivId = reference === undefined ? null : parseArxivReference(reference);
  if (!arxivId) throw new UsageError(`candidates ${verb} needs an arXiv id, e.g. 2401.01335`);
  const unsafe = controlCharactersProblem([
    { label: "--by", value: values.by ?? "" },
    { label: "--topics", value: values.topics ?? "" },
    { label: "--note", value: values.note ?? "", newlines: true },
  ]);
  if (unsafe) throw new InputError(unsafe);
  const by = values.by?.trim() || "cli";
  if (by.length > 100) throw new UsageError("--by takes a name of at most 100 characters");
  const topics = values.topics === undefined ? undefined : parseTopics(values.topics);
  if (topics && !topics.ok) throw new InputError(renderMessage("en", topics));
  return withWritableApp(io, async (app) => {
    const known = candidateStore(app.db).get(arxivId);
    if (!known) {
      io.stderr(`paperbot: ${arxivId} is not a paper the arXiv watch has seen\n`);
      return 1;
    }
    if (known.status === "approved" || known.status === "rejected") {
      io.stderr(
        `paperbot: ${arxivId} was already ${known.status} by ${known.decidedBy ?? "?"} at ${known.decidedAt ?? "?"}; nothing changed\n`,
      );
      return 1;
    }
    // The same path as /review: decided once, audited, and an approved paper joins the reading list.
    const moderation = createModeration(app);
    const actor = { id: "cli", name: by };
    const note = values.note?.trim().slice(0, 500) ?? "";
    const chosen = topics?.value.length ? topics.value : approvalTopics(known);
    const result =
      verb === "approve"
        ? moderation.approveCandidate(arxivId, { topics: chosen, note }, actor)
        : moderation.rejectCandidate(arxivId, actor, note);
    if (!result.ok) {
      io.stderr(`paperbot: ${renderMessage("en", result)}\n`);
      return 1;
    }
    relevanceFor(app);
    io.stdout(`${verb === "approve" ? "approved" : "rejected"} ${arxivId}: ${plainLine(known.title)} (by ${by})\n`);
    const paper = "paper" in result.value ? result.value.paper : null;
    if (paper) {
      const alerts = createAlerts({
        db: app.db,
        clock: app.clock,
        logger: app.logger,
        maxDelayMs: app.config.moderation.alertMaxDelayMs,
        paper: () => undefined,
        transport: null,
      });
      const recorded = alerts.fanout(paper);
      io.stdout(`added ${paper.id} to the reading list (topics ${paper.topics.join(", ")}); ${recordedLine(recorded)}\n`);
    }
    return 0;
  });
}

async function evaluate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { json: { type: "boolean", default: false } }, false);
  noExtra(positionals);
  return withWritableApp(io, async (app) => {
    const result = relevanceFor(app).evaluate();
    io.stdout(values.json ? JSON.stringify(result) + "\n" : evaluationText(result));
    return 0;
  });
}
