import { compactKey, editDistance } from "../text.js";
import { shortNameOf } from "./exact.js";
import { fuzzyScore } from "./score.js";
import type { Offer, PaperHead } from "./types.js";
import { LOOKUP_WEIGHTS } from "./weights.js";

/** Names this short that differ by one letter are other names ("beit", "llava"), unless the difference is a slip. */
export const SHORT_NAME = 5;

export interface FuzzyKey {
  key: string;
  paper: PaperHead;
}

/** Stage 2: whole-query fuzzy matching against the short names of curated papers ("qlroa", "chinchila"). */
export class FuzzyNames {
  /** Keys worth fuzzy matching as a whole: aliases, ids and short names of curated papers. */
  private fuzzyKeys: FuzzyKey[] = [];

  get keys(): readonly FuzzyKey[] {
    return this.fuzzyKeys;
  }

  remove(seq: number): void {
    this.fuzzyKeys = this.fuzzyKeys.filter((key) => key.paper.seq !== seq);
  }

  add(paper: PaperHead): void {
    if (paper.aliases.length === 0) return;
    const shortName = shortNameOf(paper);
    for (const name of [paper.id, ...paper.aliases, ...(shortName ? [shortName] : [])]) {
      const key = compactKey(name);
      if (key.length >= 3) this.fuzzyKeys.push({ key, paper });
    }
  }

  match(cleaned: string, offer: Offer): void {
    const key = compactKey(cleaned);
    if (key.length < 3 || key.length > 40) return;
    const allowed = key.length <= 4 ? 1 : key.length <= 11 ? 2 : 3;
    // A word typed exactly as a name is no typo: "lora explained" is not "moe explained".
    const words = cleaned.split(/\s+/).map(compactKey);
    const names =
      words.length > 1 ? words.filter((word) => word.length >= 3 && this.fuzzyKeys.some((candidate) => candidate.key === word)) : [];
    for (const candidate of this.fuzzyKeys) {
      if (names.some((name) => !candidate.key.includes(name))) continue;
      if (Math.abs(candidate.key.length - key.length) > allowed) continue;
      // Short keys need a shared first letter: "lora" must not become "dora".
      if (key.length <= 5 && key[0] !== candidate.key[0]) continue;
      // Edits must not replace the start of a name ("dpo explained" is not "moe explained") …
      if (!startsAlike(key, candidate.key)) continue;
      const distance = editDistance(key, candidate.key, allowed);
      if (distance > allowed) continue;
      // One edit in a name of five letters or fewer is another name ("bart", "gptq", "beat") unless it is a slip of
      // the fingers: swapped letters ("bret"), a neighbouring key ("lpra") or a doubled letter.
      if (key.length <= SHORT_NAME && distance === 1 && !isSlip(key, candidate.key)) continue;
      // … and two edits in a short name need most letter pairs in common ("resnet" is not "restem").
      if (distance >= 2 && bigramSimilarity(key, candidate.key) < LOOKUP_WEIGHTS.fuzzy.minLetterPairs) continue;
      // Version numbers are not typos: "gpt5" is not "gpt3", "llama3" is not "llama2".
      if (digitsOf(key) !== digitsOf(candidate.key)) continue;
      const closeness = 1 - distance / Math.max(key.length, candidate.key.length);
      offer(candidate.paper, fuzzyScore(closeness), "fuzzy");
    }
  }
}

/** The first two letters differ by at most one edit ("qlroa"/"qlora" yes, "dpo…"/"moe…" no). */
export function startsAlike(a: string, b: string): boolean {
  const [a0, a1] = [a[0], a[1]];
  const [b0, b1] = [b[0], b[1]];
  return a0 === b0 || a1 === b1 || (a0 === b1 && a1 === b0) || a0 === b1 || a1 === b0;
}

/** Dice coefficient over letter pairs. */
function bigramSimilarity(a: string, b: string): number {
  const pairs = (text: string) => {
    const counts = new Map<string, number>();
    for (let i = 0; i + 1 < text.length; i += 1) counts.set(text.slice(i, i + 2), (counts.get(text.slice(i, i + 2)) ?? 0) + 1);
    return counts;
  };
  const left = pairs(a);
  const right = pairs(b);
  let shared = 0;
  for (const [pair, count] of left) shared += Math.min(count, right.get(pair) ?? 0);
  const total = Math.max(0, a.length - 1) + Math.max(0, b.length - 1);
  return total === 0 ? 0 : (2 * shared) / total;
}

function digitsOf(text: string): string {
  return text.replace(/\D+/g, " ").trim();
}

const KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

/** Keys next to each other on a QWERTY keyboard (same row or the rows above and below, offset by up to one). */
function neighbours(a: string, b: string): boolean {
  const at = (char: string) => {
    for (let row = 0; row < KEYBOARD_ROWS.length; row += 1) {
      const column = KEYBOARD_ROWS[row]?.indexOf(char) ?? -1;
      if (column >= 0) return { row, column };
    }
    return undefined;
  };
  const [pa, pb] = [at(a), at(b)];
  if (!pa || !pb) return false;
  return Math.abs(pa.row - pb.row) <= 1 && Math.abs(pa.column - pb.column) <= 1 && (pa.row !== pb.row || pa.column !== pb.column);
}

/** `typed` is one slip away from `name`: two letters swapped, a neighbouring key, a doubled or an extra neighbouring letter, or one left out. */
export function isSlip(typed: string, name: string): boolean {
  if (typed.length === name.length) {
    const differing = [...typed].flatMap((char, index) => (char === name[index] ? [] : [index]));
    if (differing.length === 2) {
      const [i = 0, j = 0] = differing;
      return j === i + 1 && typed[i] === name[j] && typed[j] === name[i];
    }
    const [index = 0] = differing;
    return differing.length === 1 && neighbours(typed[index] ?? "", name[index] ?? "");
  }
  if (typed.length === name.length - 1) return true;
  if (typed.length !== name.length + 1) return false;
  for (let index = 0; index < typed.length; index += 1) {
    if (typed.slice(0, index) + typed.slice(index + 1) !== name) continue;
    const extra = typed[index] ?? "";
    const around = [typed[index - 1], typed[index + 1]].filter((char): char is string => char !== undefined);
    if (around.some((char) => char === extra || neighbours(char, extra))) return true;
  }
  return false;
}
