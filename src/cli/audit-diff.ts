import type { AuditEntry } from "../db/audit.js";
import { plainLine } from "../shared/safe-text.js";

/** One field an audited action changed; `field` is a dotted path (`summary.en`, `keyResults[2].ja`), absent sides null. */
export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** A value's leaves by path, in the order they appear. Arrays of plain values are one leaf (a list reads as one field). */
function leaves(value: unknown, path = "", into = new Map<string, unknown>()): Map<string, unknown> {
  if (value === null || value === undefined) return into;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== "object")) into.set(path, value);
    else value.forEach((item, index) => leaves(item, `${path}[${index}]`, into));
  } else if (typeof value === "object") {
    for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, into);
  } else into.set(path, value);
  return into;
}

/** The note a moderator left (approve or reject forms, `--note`), which is said once, not diffed. */
export function auditNote(entry: AuditEntry): string | null {
  const after = entry.after;
  if (after === null || typeof after !== "object" || Array.isArray(after)) return null;
  const note = (after as Record<string, unknown>)["note"];
  return typeof note === "string" && note.trim() !== "" ? note : null;
}

/** Field by field, what the action changed: every field of an addition or a removal, only the differing ones of an edit. */
export function auditChanges(entry: AuditEntry): AuditChange[] {
  const withoutNote = (value: unknown) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const { note: _note, ...rest } = value as Record<string, unknown>;
    return rest;
  };
  const before = leaves(entry.before);
  const after = leaves(withoutNote(entry.after));
  const fields = [...new Set([...before.keys(), ...after.keys()])];
  return fields
    .map((field) => ({ field, before: before.get(field) ?? null, after: after.get(field) ?? null }))
    .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
}

/** How much of a text a line shows; a change inside a long text shows the changed part with some words around it. */
const SHOWN_CHARS = 80;
const CONTEXT_CHARS = 24;

function display(value: unknown): string {
  if (value === null) return "—";
  if (Array.isArray(value)) return `[${value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join(", ")}]`;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `text` cut to about `max` characters at a word boundary, with … where it was cut. */
function cut(text: string, max: number, from: "start" | "end" = "end"): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (from === "end") {
    const head = chars.slice(0, max).join("");
    const space = head.lastIndexOf(" ");
    return `${space > max / 2 ? head.slice(0, space) : head}…`;
  }
  const tail = chars.slice(-max).join("");
  const space = tail.indexOf(" ");
  return `…${space >= 0 && space < max / 2 ? tail.slice(space + 1) : tail}`;
}

/** Context before a change starts at a word when there is one to start at (Japanese text has no spaces: kept whole). */
function fromWord(text: string): string {
  const space = text.indexOf(" ");
  return space >= 0 && space < text.length / 2 ? text.slice(space + 1) : text;
}

function toWord(text: string): string {
  const space = text.lastIndexOf(" ");
  return space > text.length / 2 ? text.slice(0, space) : text;
}

function commonPrefixLength(a: string[], b: string[]): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

/**
 * Two versions of a text as they fit on a line: short ones whole; long ones from a little before the first
 * difference to a little after the last, so an edited summary shows the words that changed.
 */
function shortened(before: string, after: string): [string, string] {
  const a = [...before];
  const b = [...after];
  if (a.length <= SHOWN_CHARS && b.length <= SHOWN_CHARS) return [before, after];
  const prefix = commonPrefixLength(a, b);
  const suffix = Math.min(commonPrefixLength([...a].reverse(), [...b].reverse()), a.length - prefix, b.length - prefix);
  const part = (chars: string[]) => {
    const start = Math.max(0, prefix - CONTEXT_CHARS);
    const end = Math.min(chars.length, chars.length - suffix + CONTEXT_CHARS);
    const lead = chars.slice(start, prefix).join("");
    const trail = chars.slice(chars.length - suffix, end).join("");
    const changed = cut(chars.slice(prefix, chars.length - suffix).join(""), SHOWN_CHARS);
    return `${start > 0 ? `…${fromWord(lead)}` : lead}${changed}${end < chars.length ? `${toWord(trail)}…` : trail}`;
  };
  return [part(a), part(b)];
}

/** A list that gained or lost items (aliases, topics) as those items: `+ low-rank, − lora`; null if only the order moved. */
function listChange(before: readonly unknown[], after: readonly unknown[]): string | null {
  const key = (item: unknown) => JSON.stringify(item);
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  const added = after.filter((item) => !had.has(key(item))).map((item) => `+ ${cut(display(item), SHOWN_CHARS)}`);
  const removed = before.filter((item) => !has.has(key(item))).map((item) => `− ${cut(display(item), SHOWN_CHARS)}`);
  return added.length + removed.length === 0 ? null : [...added, ...removed].join(", ");
}

/**
 * One line per change: `field: before → after` (a list as the items it gained and lost); a field an edit added or emptied as `field: — → value` and
 * `field: value → —`; and where the whole record was created or removed (paper.add, paper.remove), `field: value`.
 */
export function changeLine(change: AuditChange, wholeRecord: boolean): string {
  const oneLine = (text: string) => plainLine(text.replace(/\r?\n/g, " ⏎ "));
  const only = change.before === null ? change.after : change.after === null ? change.before : undefined;
  if (wholeRecord && only !== undefined) return oneLine(`${change.field}: ${cut(display(only), SHOWN_CHARS)}`);
  if (Array.isArray(change.before) && Array.isArray(change.after)) {
    const listed = listChange(change.before, change.after);
    if (listed) return oneLine(`${change.field}: ${listed}`);
  }
  const [before, after] = shortened(display(change.before), display(change.after));
  return oneLine(`${change.field}: ${before} → ${after}`);
}

/** An audit entry on a terminal: a header line, then its changes and note indented under it. */
export function auditText(entry: AuditEntry): string {
  const header = plainLine(`${entry.at}  ${entry.actor.name} (${entry.actor.id})  ${entry.action}  ${entry.target}`);
  const note = auditNote(entry);
  const wholeRecord = entry.before === null || entry.after === null;
  const lines = [
    header,
    ...auditChanges(entry).map((change) => `    ${changeLine(change, wholeRecord)}`),
    ...(note === null ? [] : [`    ${plainLine(`note: ${cut(note.replace(/\r?\n/g, " ⏎ "), 200)}`)}`]),
  ];
  return lines.join("\n");
}
