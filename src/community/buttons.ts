import type { Paper } from "../catalog/types.js";
import { t } from "../i18n/index.js";
import { actionButton } from "../shared/embeds.js";
import { ButtonStyle, ComponentType, type ActionButton, type MessageRow } from "../shared/reply.js";

/** Custom id prefix of vote buttons: `vote:<paper key>`. */
export const VOTE_PREFIX = "vote";
/** An arXiv id (new or old style) or a catalog id: what a paper key may be. */
const PAPER_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/** The key votes are kept under: the arXiv id (so a candidate's votes stay when it is added), else the catalog id. */
export function paperKeyOf(paper: Pick<Paper, "id" | "arxivId">): string {
  return paper.arxivId ?? paper.id;
}

export function isPaperKey(value: string): boolean {
  return PAPER_KEY.test(value);
}

/** Separates the count from a paper's name on a button that names its paper (a digest's several buttons). */
const NAME_SEPARATOR = " · ";
const LABEL_MAX = 80;

/** "👍 12" (or "👍" while nobody voted), "👍 12 · LoRA" when the button names its paper; the same in every language. */
export function voteLabel(count: number, name?: string): string {
  const votes = count > 0 ? t("en", "votes.button", { count }) : t("en", "votes.buttonNone");
  if (!name) return votes;
  const label = `${votes}${NAME_SEPARATOR}${name}`;
  return [...label].length <= LABEL_MAX ? label : `${[...label].slice(0, LABEL_MAX - 1).join("")}…`;
}

/** The paper name a vote button's label carries, if any. */
function nameIn(label: string): string | undefined {
  const at = label.indexOf(NAME_SEPARATOR);
  return at < 0 ? undefined : label.slice(at + NAME_SEPARATOR.length);
}

export function voteButton(paperKey: string, count = 0, name?: string): ActionButton {
  return actionButton(voteLabel(count, name), `${VOTE_PREFIX}:${paperKey}`, { style: ButtonStyle.Secondary });
}

/** The paper key of a vote button, or null for any other component. */
export function votedKey(button: { custom_id?: string }): string | null {
  const id = button.custom_id;
  if (!id?.startsWith(`${VOTE_PREFIX}:`)) return null;
  const key = id.slice(VOTE_PREFIX.length + 1);
  return isPaperKey(key) ? key : null;
}

/** The count each vote button on these rows shows now (a label without a number shows 0). */
export function shownCounts(rows: readonly MessageRow[]): Map<string, number> {
  const shown = new Map<string, number>();
  for (const button of rows.flatMap((r) => r.components)) {
    if (button.type !== ComponentType.Button) continue;
    const key = "custom_id" in button ? votedKey(button) : null;
    if (key === null) continue;
    const counted = button.label.split(NAME_SEPARATOR)[0] ?? "";
    const digits = /\d+/.exec(counted.replace(/[,\s]/g, ""));
    shown.set(key, digits ? Number(digits[0]) : 0);
  }
  return shown;
}

export function hasVoteButtons(rows: readonly MessageRow[]): boolean {
  return shownCounts(rows).size > 0;
}

/** The rows with each vote button labelled with its paper's count (buttons of papers not in `counts` stay as they are). */
export function relabel(rows: readonly MessageRow[], counts: ReadonlyMap<string, number>): MessageRow[] {
  return rows.map((r) => ({
    type: ComponentType.ActionRow,
    components: r.components.map((button) => {
      if (button.type !== ComponentType.Button) return button;
      const key = "custom_id" in button ? votedKey(button) : null;
      const count = key === null ? undefined : counts.get(key);
      return count === undefined ? button : { ...button, label: voteLabel(count, nameIn(button.label)) };
    }),
  }));
}

/** A public post's row with the paper's vote button first (a row holds five buttons: the last ones give way). */
export function withVote(buttonRow: MessageRow, paperKey: string, count: number): MessageRow {
  return { type: ComponentType.ActionRow, components: [voteButton(paperKey, count), ...buttonRow.components].slice(0, 5) };
}
