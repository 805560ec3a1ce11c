import { userInfo } from "node:os";
import { InputError, parse, UsageError, wholeNumberOption, withApp, type Handler } from "./kit.js";
import { writeOutputFile } from "../out-file.js";
import { catalogFileSchema } from "../catalog/schema.js";
import { auditLog } from "../db/audit.js";
import { auditChanges, auditNote, auditText } from "./audit-diff.js";
import { renderMessage, t } from "../i18n/index.js";
import { createAlerts, recordedLine } from "../moderation/alerts.js";
import { controlCharactersProblem } from "../moderation/form-text.js";
import { plainLine } from "../shared/safe-text.js";
import { createModeration } from "../moderation/index.js";
import { addedFromAbstract, arxivEntry, entryOf, outsideLlmAreas, parseTopics } from "../moderation/papers.js";

export const MODERATION_USAGE = `  audit [--json] [--limit N]                   Moderation audit log, newest first (default 20 entries)
  paper-add <arxiv id or URL> [--topics T,T] [--by NAME]
                                               Add an arXiv paper to the reading list (as /paper-add does)
  catalog export [--out FILE]                  The merged reading list (catalog + moderators' work) in
                                               data/catalog.json's format, to stdout or FILE`;

function parseLimit(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : wholeNumberOption("--limit", value, 1, 10_000);
}

/** Who the operator is in the audit log: --by, else the shell user. */
export function operator(by: string | undefined): { id: string; name: string } {
  const name = by?.trim() || safeUserName();
  return { id: "cli", name: name.slice(0, 100) };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "operator";
  }
}

const auditCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(args, { json: { type: "boolean", default: false }, limit: { type: "string" } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  const limit = parseLimit(values.limit, 20);
  return withApp(io, async (app) => {
    const entries = auditLog(app.db).latest(limit);
    // JSON keeps each entry's whole before and after, and adds the same field-level changes and note the text shows.
    if (values.json)
      io.stdout(
        JSON.stringify({ entries: entries.map((entry) => ({ ...entry, changes: auditChanges(entry), note: auditNote(entry) })) }) + "\n",
      );
    else io.stdout(entries.length === 0 ? "no moderation actions recorded\n" : entries.map(auditText).join("\n") + "\n");
    return 0;
  });
};

const paperAddCommand: Handler = async (args, io) => {
  const { values, positionals } = parse(args, { topics: { type: "string" }, by: { type: "string" } }, true);
  const [reference, ...extra] = positionals;
  if (!reference || extra.length > 0) throw new UsageError("paper-add needs exactly one arXiv id or URL");
  const unsafe = controlCharactersProblem([
    { label: "--by", value: values.by ?? "" },
    { label: "--topics", value: values.topics ?? "" },
  ]);
  if (unsafe) throw new InputError(unsafe);
  const topics = values.topics === undefined ? undefined : parseTopics(values.topics);
  if (topics && !topics.ok) throw new InputError(renderMessage("en", topics));
  return withApp(
    io,
    async (app) => {
      const moderation = createModeration(app);
      const found = await moderation.arxiv.lookup(reference);
      if (!found.ok) {
        io.stderr(`paperbot: ${renderMessage("en", found)}\n`);
        return 1;
      }
      const entry = arxivEntry(found.value, topics?.value ?? [], (id) => app.catalog.get(id) !== undefined);
      if (!entry.ok) {
        io.stderr(`paperbot: ${renderMessage("en", entry)}\n`);
        return 1;
      }
      const actor = operator(values.by);
      const added = moderation.addPaper(entry.value, addedFromAbstract(actor.name), actor);
      if (!added.ok) {
        io.stderr(`paperbot: ${renderMessage("en", added).replaceAll("**", "").replaceAll("`", "")}\n`);
        return 1;
      }
      // The running bot sends these (it picks up open intents every few minutes).
      const alerts = createAlerts({
        db: app.db,
        clock: app.clock,
        logger: app.logger,
        maxDelayMs: app.config.moderation.alertMaxDelayMs,
        paper: () => undefined,
        transport: null,
      });
      const recorded = alerts.fanout(added.value);
      io.stdout(
        `added ${added.value.id}: ${plainLine(added.value.title)} (arXiv:${found.value.arxivId}; topics ${added.value.topics.join(", ")})\n`,
      );
      io.stdout(`${recordedLine(recorded)}\n`);
      // The Discord preview warns before adding; the CLI has no preview, so it warns right after.
      if (outsideLlmAreas(found.value.categories))
        io.stderr(`paperbot: warning:${t("en", "paperAdd.offTopic", { categories: plainLine(found.value.categories.join(", ")) })}\n`);
      return 0;
    },
    { write: true },
  );
};

const catalogCommand: Handler = async (args, io) => {
  const [verb, ...rest] = args;
  if (verb !== "export") throw new UsageError("catalog needs a verb: export");
  const { values, positionals } = parse(rest, { out: { type: "string" } }, false);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ""}"`);
  if (values.out !== undefined && values.out.trim() === "") throw new UsageError("--out needs a file name");
  return withApp(io, async (app) => {
    const papers = app.catalog.papers;
    const newest =
      papers
        .map((paper) => paper.moderation?.editedAt ?? (paper.source === "moderator" ? paper.addedAt : ""))
        .sort()
        .at(-1) ?? "";
    const updated = newest.slice(0, 10) > app.catalogUpdated ? newest.slice(0, 10) : app.catalogUpdated;
    // The file must load back as a catalog: check it with the same schema before writing anything.
    const file = catalogFileSchema.parse({ version: 1, updated, papers: papers.map(entryOf) });
    const text = JSON.stringify(file, null, 2) + "\n";
    if (!values.out) {
      io.stdout(text);
      return 0;
    }
    await writeOutputFile(values.out, text);
    io.stderr(`wrote ${papers.length} papers to ${values.out}\n`);
    return 0;
  });
};

export const moderationCommands: Record<string, Handler> = { audit: auditCommand, "paper-add": paperAddCommand, catalog: catalogCommand };
