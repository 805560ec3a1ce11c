import { contentTokens } from "../catalog/text.js";

/**
 * Feed text → term ids: the catalog's content tokens (normalised, stop words out, Porter stems:
 * src/catalog/text.ts) of each space-separated word, interned as small integers.
 *
 * Scoring 2,000 abstracts means about 400,000 words, and a `split(" ")` plus a Map lookup per word cost as
 * much as parsing the feed. So each distinct word is tokenised once and remembered in an open-addressing
 * table keyed on the word's UTF-8 bytes where they stand in the text (one native encode per text): a word
 * seen before costs one pass over its bytes (hash), a probe and a byte comparison, with no substring and no garbage.
 * Feed text is whitespace-collapsed already, so words are exactly `text.split(" ")` without the empty ones.
 */

/** Distinct words remembered before the table starts afresh (a bound on memory, not on correctness). */
export const MAX_CACHED_WORDS = 200_000;

const SPACE = 32;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const EMPTY = -1;
/** `single` of a word without ids (a stop word, punctuation) and of one with several ("gpt-3.5-turbo"). */
const NONE = -1;
const SEVERAL = -2;

const termIds = new Map<string, number>();

function intern(term: string): number {
  let id = termIds.get(term);
  if (id === undefined) termIds.set(term, (id = termIds.size));
  return id;
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
/** UTF-8 is one-to-one on well-formed text; a lone surrogate would encode as U+FFFD, so such text skips the table. */
const SURROGATE = /[\uD800-\uDFFF]/;

class WordTable {
  private mask = 0;
  /** Slot → word number (EMPTY when free), and that word's hash. */
  private slots = new Int32Array(0);
  private slotHashes = new Int32Array(0);
  private words = 0;
  /** Word number → where its UTF-8 bytes are in `bytes`, and how many. Inline, so a probe doesn't chase a string. */
  private byteStart = new Int32Array(0);
  private byteCount = new Int32Array(0);
  private bytes = new Uint8Array(0);
  private bytesUsed = 0;
  /** Word number → its one id, NONE, or SEVERAL: then they are idPool[idStart[w] … idStart[w] + idCount[w]). */
  private single = new Int32Array(0);
  private idStart = new Int32Array(0);
  private idCount = new Int32Array(0);
  private idPool = new Int32Array(0);
  private pooled = 0;
  /** The text being read, as UTF-8 (reused). */
  private text = new Uint8Array(1 << 14);

  constructor() {
    this.reset();
  }

  private reset(): void {
    const capacity = 1 << 15;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.slotHashes = new Int32Array(capacity);
    this.words = 0;
    this.byteStart = new Int32Array(capacity >> 1);
    this.byteCount = new Int32Array(capacity >> 1);
    this.bytes = new Uint8Array(capacity * 4);
    this.bytesUsed = 0;
    this.single = new Int32Array(capacity >> 1);
    this.idStart = new Int32Array(capacity >> 1);
    this.idCount = new Int32Array(capacity >> 1);
    this.idPool = new Int32Array(capacity);
    this.pooled = 0;
  }

  /** Appends the term ids of every word of `text` to `into`, in order. */
  collect(text: string, into: TermBuffer): void {
    // One id per word (at most one per byte) is written without checks; words with several ids make room themselves.
    into.reserve(text.length * 3);
    if (this.text.length < text.length * 3) this.text = new Uint8Array(text.length * 3);
    const encoded = this.text;
    const length = encoder.encodeInto(text, encoded).written;
    if (length !== text.length && SURROGATE.test(text)) {
      for (const word of text.split(" ")) if (word !== "") for (const term of contentTokens(word)) into.push(intern(term));
      return;
    }
    let out = into.ids;
    let written = into.length;
    let start = 0;
    while (start < length) {
      if (encoded[start] === SPACE) {
        start += 1;
        continue;
      }
      let hash = FNV_OFFSET;
      let end = start;
      for (; end < length; end += 1) {
        const code = encoded[end] ?? SPACE;
        if (code === SPACE) break;
        hash = Math.imul(hash ^ code, FNV_PRIME);
      }
      const word = this.find(encoded, start, end, hash);
      const single = this.single[word] ?? NONE;
      if (single >= 0) out[written++] = single;
      else if (single === SEVERAL) {
        // NFKC can make one character several tokens ("½" → 1, 2): keep room for them and for one id per byte left.
        const first = this.idStart[word] ?? 0;
        const last = first + (this.idCount[word] ?? 0);
        into.length = written;
        into.reserve(last - first + length - end);
        out = into.ids;
        for (let at = first; at < last; at += 1) out[written++] = this.idPool[at] ?? 0;
      }
      start = end + 1;
    }
    into.length = written;
  }

  private find(text: Uint8Array, start: number, end: number, hash: number): number {
    const size = end - start;
    const { slots, slotHashes, byteStart, byteCount, bytes, mask } = this;
    let slot = hash & mask;
    for (;;) {
      const word = slots[slot] ?? EMPTY;
      if (word === EMPTY) return this.add(text.subarray(start, end), hash);
      if (slotHashes[slot] === hash && byteCount[word] === size) {
        const offset = (byteStart[word] ?? 0) - start;
        let at = start;
        while (at < end && bytes[offset + at] === text[at]) at += 1;
        if (at === end) return word;
      }
      slot = (slot + 1) & mask;
    }
  }

  private add(word: Uint8Array, hash: number): number {
    if (this.words >= MAX_CACHED_WORDS) this.reset();
    else if (this.words >= this.slots.length * 0.35) this.grow();
    const ids = contentTokens(decoder.decode(word)).map(intern);
    const number = this.words++;
    if (number >= this.single.length) {
      const size = this.single.length * 2;
      this.single = resized(this.single, size);
      this.idStart = resized(this.idStart, size);
      this.idCount = resized(this.idCount, size);
      this.byteStart = resized(this.byteStart, size);
      this.byteCount = resized(this.byteCount, size);
    }
    if (this.bytesUsed + word.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.bytesUsed + word.length));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.byteStart[number] = this.bytesUsed;
    this.byteCount[number] = word.length;
    this.bytes.set(word, this.bytesUsed);
    this.bytesUsed += word.length;
    if (this.pooled + ids.length > this.idPool.length) this.idPool = resized(this.idPool, Math.max(this.idPool.length * 2, this.pooled + ids.length));
    this.single[number] = ids.length === 0 ? NONE : ids.length === 1 ? (ids[0] ?? NONE) : SEVERAL;
    this.idStart[number] = this.pooled;
    this.idCount[number] = ids.length;
    for (const id of ids) this.idPool[this.pooled++] = id;
    this.place(number, hash);
    return number;
  }

  private place(word: number, hash: number): void {
    let slot = hash & this.mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & this.mask;
    this.slots[slot] = word;
    this.slotHashes[slot] = hash;
  }

  /** Doubles the slots (load factor stays under 0.35, so probes stay short). */
  private grow(): void {
    const slots = this.slots;
    const hashes = this.slotHashes;
    this.slots = new Int32Array(slots.length * 2).fill(EMPTY);
    this.slotHashes = new Int32Array(slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let slot = 0; slot < slots.length; slot += 1) {
      const word = slots[slot] ?? EMPTY;
      if (word !== EMPTY) this.place(word, hashes[slot] ?? 0);
    }
  }
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

export function termIdsOf(text: string): number[] {
  const buffer = new TermBuffer();
  table.collect(text, buffer);
  return Array.from(buffer.ids.subarray(0, buffer.length));
}
