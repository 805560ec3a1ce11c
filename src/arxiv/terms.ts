import { contentTokens } from "../catalog/text.js";

/**
 * Feed text → term ids: the catalog's content tokens (normalised, stop words out, Porter stems:
 * src/catalog/text.ts) of each space-separated word, interned as small integers.
 *
 * Scoring 2,000 abstracts means about 400,000 words, and a `split(" ")` plus a Map lookup per word cost as
 * much as parsing the feed. So each distinct word is tokenised once and remembered in an open-addressing
 * table keyed on the word's UTF-8 bytes where they stand in the text (one native encode per text): a word
 * seen before costs a scan for its end four bytes at a time, a hash of its first eight bytes (and of any after
 * them), and one probe that compares those eight bytes inline, with no substring and no garbage.
 * Feed text is whitespace-collapsed already, so words are exactly `text.split(" ")` without the empty ones.
 */

/** Distinct words remembered before the table starts afresh (a bound on memory, not on correctness). */
export const MAX_CACHED_WORDS = 200_000;

const SPACE = 32;
const FNV_PRIME = 0x01000193;
/** The ids entry of a word without ids (a stop word, punctuation). */
const NONE = -1;

const termIds = new Map<string, number>();
const termNames: string[] = [];

function intern(term: string): number {
  let id = termIds.get(term);
  if (id === undefined) {
    termIds.set(term, (id = termIds.size));
    termNames.push(term);
  }
  return id;
}

const termSurfaces: (string | undefined)[] = [];

/** How the term was first written in a text (a whole word that gave only this term), or its stem. */
export function termSurface(id: number): string {
  return termSurfaces[id] ?? termName(id);
}

/** The term (a content token: normalised, stemmed) an id stands for. */
export function termName(id: number): string {
  return termNames[id] ?? "";
}

/** The id of a term (a content token) as stored, interning it. */
export function termIdOf(term: string): number {
  return intern(term);
}

/** How many term ids exist so far (ids are 0 … size-1). */
export function termCount(): number {
  return termIds.size;
}

/** A growable list of term ids, reused between calls so the hot path allocates nothing. */
export class TermBuffer {
  ids = new Int32Array(1024);
  length = 0;

  push(id: number): void {
    this.reserve(1);
    this.ids[this.length++] = id;
  }

  /** Room for `more` ids after the current ones. */
  reserve(more: number): void {
    if (this.length + more <= this.ids.length) return;
    const grown = new Int32Array(Math.max(this.length + more, this.ids.length * 2));
    grown.set(this.ids.subarray(0, this.length));
    this.ids = grown;
  }
}

const encoder = new TextEncoder();
/** Keeps a leading U+FEFF: the word decoded must be exactly the word in the text. */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Slot layout in `slots` (8 ints, two slots per cache line): the word's hash, byte count (0 = free), its first
 * eight bytes as two little-endian ints (so most words are told apart without reading `bytes`), where its bytes
 * start in `bytes`, and its ids entry.
 */
const SLOT_INTS = 8;
const HASH = 0;
const SIZE = 1;
const HEAD = 2;
const HEAD2 = 3;
const START = 4;
const IDS = 5;
const SPACES = 0x20202020;
/** Bytes of slack after the encoded text: words are read four bytes at a time, and the text ends in spaces. */
const SLACK = 8;
const MAX_LOAD = 0.5;

/** The first `size` bytes (1 … 4) of a little-endian int; all four when size >= 4. */
function head(value: number, size: number): number {
  return size >= 4 ? value : value & ((1 << (size << 3)) - 1);
}

class WordTable {
  private mask = 0;
  private slots = new Int32Array(0);
  private words = 0;
  /** Every remembered word's UTF-8 bytes, one after another. */
  private bytes = new Uint8Array(0);
  private bytesUsed = 0;
  /**
   * A word's ids, stored in its slot: its one id (>= 0), NONE, or, for a word with several ids, -(3 + n) where
   * they are idPool[idStart[n] … idStart[n] + idCount[n]).
   */
  private idStart = new Int32Array(0);
  private idCount = new Int32Array(0);
  private several = 0;
  private idPool = new Int32Array(0);
  private pooled = 0;
  /** The text being read, as UTF-8 (reused), and a view on it for reading four bytes at once. */
  private text = new Uint8Array(1 << 14);
  private view = new DataView(this.text.buffer);

  constructor() {
    this.reset();
  }

  private reset(): void {
    const capacity = 1 << 15;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity * SLOT_INTS);
    this.words = 0;
    this.bytes = new Uint8Array(capacity * 4);
    this.bytesUsed = 0;
    this.idStart = new Int32Array(256);
    this.idCount = new Int32Array(256);
    this.several = 0;
    this.idPool = new Int32Array(1024);
    this.pooled = 0;
  }

  /** Appends the term ids of every word of `text` to `into`, in order. */
  collect(text: string, into: TermBuffer): void {
    // One id per word (at most one per byte) is written without checks; words with several ids make room themselves.
    into.reserve(text.length * 3);
    if (this.text.length < text.length * 3 + SLACK) {
      this.text = new Uint8Array(text.length * 3 + SLACK);
      this.view = new DataView(this.text.buffer);
    }
    const encoded = this.text;
    const view = this.view;
    // Checked on every call, not only for non-ASCII text: a check that runs rarely has no type feedback, and reaching
    // it would throw away the optimised loop (V8 does not always optimise it again: 12 against 16 ms per 2,000 abstracts).
    const wellFormed = text.isWellFormed();
    const length = encoder.encodeInto(text, encoded).written;
    if (!wellFormed) {
      for (const word of text.split(" ")) if (word !== "") for (const term of contentTokens(word)) into.push(intern(term));
      return;
    }
    // Spaces after the end: the word scan stops there without a bounds check.
    encoded.fill(SPACE, length, length + SLACK);
    let out = into.ids;
    let written = into.length;
    // The table's arrays, read again only after a new word was added (adding may replace them).
    let { slots, bytes, mask } = this;
    let wrap = mask * SLOT_INTS + SLOT_INTS - 1;
    let start = 0;
    while (start < length) {
      if (encoded[start] === SPACE) {
        start += 1;
        continue;
      }
      // The word's end: four bytes at a time, the first space byte found with the "has a zero byte" bit trick.
      let end = start;
      for (;;) {
        const spaced = view.getInt32(end, true) ^ SPACES;
        const zeroBytes = (spaced - 0x01010101) & ~spaced & 0x80808080;
        if (zeroBytes !== 0) {
          end += (31 - Math.clz32(zeroBytes & -zeroBytes)) >> 3;
          break;
        }
        end += 4;
      }
      const size = end - start;
      const first = head(view.getInt32(start, true), size);
      const second = size > 4 ? head(view.getInt32(start + 4, true), size - 4) : 0;
      let hash = Math.imul(first ^ Math.imul(second ^ size, FNV_PRIME), 0x2c1b3c6d);
      for (let at = start + 8; at < end; at += 1) hash = Math.imul(hash ^ (encoded[at] ?? 0), FNV_PRIME);
      hash ^= hash >>> 15;
      hash = Math.imul(hash, 0x297a2d39);
      hash ^= hash >>> 12;
      // The probe, written out here rather than in a method so the hot loop doesn't depend on the JIT inlining it.
      let slot = (hash & mask) * SLOT_INTS;
      let ids: number;
      for (;;) {
        const held = slots[slot + SIZE] ?? 0;
        if (held === 0) {
          ids = this.add(encoded.subarray(start, end), hash, first, second);
          ({ slots, bytes, mask } = this);
          wrap = mask * SLOT_INTS + SLOT_INTS - 1;
          break;
        }
        if (held === size && slots[slot + HEAD] === first && slots[slot + HEAD2] === second && slots[slot + HASH] === hash) {
          let at = start + 8;
          if (at < end) {
            const offset = (slots[slot + START] ?? 0) - start;
            while (at < end && bytes[offset + at] === encoded[at]) at += 1;
          }
          if (at >= end) {
            ids = slots[slot + IDS] ?? NONE;
            break;
          }
        }
        slot = (slot + SLOT_INTS) & wrap;
      }
      if (ids >= 0) out[written++] = ids;
      else if (ids !== NONE) {
        // NFKC can make one character several tokens ("½" → 1, 2): keep room for them and for one id per byte left.
        into.length = written;
        written = this.addSeveral(ids, into, length - end);
        out = into.ids;
      }
      start = end + 1;
    }
    into.length = written;
  }

  /** Appends the ids of a word that has several (its entry is `entry`), keeping room for `more`; returns the new length. */
  private addSeveral(entry: number, into: TermBuffer, more: number): number {
    const first = this.idStart[-3 - entry] ?? 0;
    const last = first + (this.idCount[-3 - entry] ?? 0);
    into.reserve(last - first + more);
    for (let at = first; at < last; at += 1) into.ids[into.length++] = this.idPool[at] ?? 0;
    return into.length;
  }

  private add(word: Uint8Array, hash: number, first: number, second: number): number {
    if (this.words >= MAX_CACHED_WORDS) this.reset();
    else if (this.words >= (this.mask + 1) * MAX_LOAD) this.grow();
    const text = decoder.decode(word);
    const ids = contentTokens(text).map(intern);
    const only = ids.length === 1 ? ids[0] : undefined;
    if (only !== undefined && termSurfaces[only] === undefined) termSurfaces[only] = surfaceOf(text);
    this.words += 1;
    if (this.bytesUsed + word.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.bytesUsed + word.length));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const start = this.bytesUsed;
    this.bytes.set(word, start);
    this.bytesUsed += word.length;
    let entry: number;
    if (ids.length <= 1) entry = ids[0] ?? NONE;
    else {
      const number = this.several++;
      if (number >= this.idStart.length) {
        this.idStart = resized(this.idStart, this.idStart.length * 2);
        this.idCount = resized(this.idCount, this.idCount.length * 2);
      }
      if (this.pooled + ids.length > this.idPool.length)
        this.idPool = resized(this.idPool, Math.max(this.idPool.length * 2, this.pooled + ids.length));
      this.idStart[number] = this.pooled;
      this.idCount[number] = ids.length;
      for (const id of ids) this.idPool[this.pooled++] = id;
      entry = -3 - number;
    }
    const slots = this.slots;
    const slot = this.freeSlot(hash);
    slots[slot + HASH] = hash;
    slots[slot + SIZE] = word.length;
    slots[slot + HEAD] = first;
    slots[slot + HEAD2] = second;
    slots[slot + START] = start;
    slots[slot + IDS] = entry;
    return entry;
  }

  private freeSlot(hash: number): number {
    const wrap = this.mask * SLOT_INTS + SLOT_INTS - 1;
    let slot = (hash & this.mask) * SLOT_INTS;
    while ((this.slots[slot + SIZE] ?? 0) !== 0) slot = (slot + SLOT_INTS) & wrap;
    return slot;
  }

  /** Doubles the slots (the load factor stays at most MAX_LOAD, so probes stay short). */
  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let slot = 0; slot < old.length; slot += SLOT_INTS) {
      if ((old[slot + SIZE] ?? 0) !== 0) this.slots.set(old.subarray(slot, slot + SLOT_INTS), this.freeSlot(old[slot + HASH] ?? 0));
    }
  }
}

/** A word without the punctuation around it; lower case unless written as an acronym (KV, LLM, RLHF). */
function surfaceOf(word: string): string {
  const bare = word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  return /\p{Lu}.*\p{Lu}/u.test(bare) ? bare : bare.toLowerCase();
}

function resized(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array);
  return grown;
}

const table = new WordTable();

/** Appends the term ids of `text` (whitespace-collapsed) to `into`. */
export function collectTerms(text: string, into: TermBuffer): void {
  table.collect(text, into);
}

const shared = new TermBuffer();

export function termIdsOf(text: string): number[] {
  shared.length = 0;
  table.collect(text, shared);
  return Array.from(shared.ids.subarray(0, shared.length));
}
