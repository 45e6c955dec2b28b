/**
 * Each paper's stemmed Latin token stream, kept for exact phrase checks and same-author checks. Two parts per paper:
 * - the **exact part** (title, original title and ids, then one field per author): each token a varint id into a
 *   shared vocabulary (≈2 bytes), fields separated by code 0 — author names are compared as words;
 * - the **abstract part** (after code 1): one byte per token, a hash of the word (1–255; 0 separates the two
 *   abstracts). Abstracts are most of the tokens (≈160 a paper with an English abstract), and a phrase check only
 *   needs "are these words adjacent", so a byte does: a false "adjacent" needs every word of the phrase to collide
 *   at one position, about 1 in 65,000 per position for two words, and only papers holding all the words are
 *   checked at all. Ids (2–3 bytes) for abstracts were the largest per-paper item of a million-paper index.
 * All papers sit in one chunked byte pool (byte-chunks.ts) addressed by per-slot end offsets. Ids are stable (never renumbered), so a
 * snapshot stores the pool as it is.
 */
import { ByteChunks } from './byte-chunks.ts';
import type { StringList } from './postings.ts';

/** The arrays a snapshot holds (vocabulary in id order; `ends[slot]` is where that slot's stream ends). */
export interface TokenStreamArrays {
  words: string[];
  ends: Uint32Array;
  pool: Uint8Array;
}

const SEP_CODE = 0;
const ABSTRACT_CODE = 1;
/** Word ids are stored as id + this (codes 0 and 1 are the separator and the start of the abstract part). */
const ID_BASE = 2;

/** The one-byte hash of an abstract word (1–255; FNV-1a). */
export function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % 255) + 1;
}

/** Append-only token streams by slot. */
export class TokenStreams {
  private ids = new Map<string, number>();
  private words: string[] = [];
  private ends: Uint32Array = new Uint32Array(1024);
  private slots = 0;
  private pool = new ByteChunks();
  /** See `exactPart`. */
  private exactBuf = new Int32Array(64);

  /** `separator` is the token that separates fields in the strings given to `push`. */
  constructor(private readonly separator: string) {}

  /**
   * Appends the streams of the next slot: `exact` (title and author fields) and `abstract` (the abstracts), each
   * tokens joined by single spaces with `separator` tokens between fields, as `analyseDoc` produces them.
   */
  push(exact: string, abstract: string): void {
    const tokens = exact.length > 0 ? exact.split(' ') : [];
    const hashed = abstract.length > 0 ? abstract.split(' ') : [];
    const { buf, at } = this.pool.reserve(tokens.length * 5 + hashed.length + 1);
    let pos = at;
    for (const t of tokens) {
      let code = SEP_CODE;
      if (t !== this.separator) {
        let id = this.ids.get(t);
        if (id === undefined) {
          id = this.words.length;
          this.words.push(t);
          this.ids.set(t, id);
        }
        code = id + ID_BASE;
      }
      while (code >= 128) {
        buf[pos++] = (code & 127) | 128;
        code >>>= 7;
      }
      buf[pos++] = code;
    }
    if (hashed.length > 0) {
      buf[pos++] = ABSTRACT_CODE;
      for (const t of hashed) buf[pos++] = t === this.separator ? SEP_CODE : wordHash(t);
    }
    this.pool.commit(pos - at);
    if (this.slots >= this.ends.length) {
      const next = new Uint32Array(this.ends.length * 2);
      next.set(this.ends);
      this.ends = next;
    }
    this.ends[this.slots++] = this.pool.length;
  }

  /** The exact part of `slot` as fields of words (the first field is the title's, then one per author). */
  fields(slot: number): string[][] {
    const out: string[][] = [[]];
    const { codes, count } = this.exactPart(slot);
    for (let i = 0; i < count; i++) {
      const code = codes[i]!;
      if (code === SEP_CODE) out.push([]);
      else out[out.length - 1]!.push(this.words[code - ID_BASE]!);
    }
    if (out[out.length - 1]!.length === 0) out.pop();
    return out;
  }

  /** True when `words` (stemmed, two or more) occur adjacent, in this order, within one field of `slot`. */
  hasPhrase(slot: number, words: readonly string[]): boolean {
    return this.phrase(words)(slot);
  }

  /**
   * A phrase check for many slots: the words' ids and hashes are looked up once, not once per paper (a common
   * translated phrase such as `language models` is checked on tens of thousands of papers per query).
   */
  phrase(words: readonly string[]): (slot: number) => boolean {
    if (words.length === 0) return () => true;
    const codes = words.map((w) => {
      const id = this.ids.get(w);
      return id === undefined ? -1 : id + ID_BASE;
    });
    const known = !codes.includes(-1);
    const hashes = words.map(wordHash);
    const n = words.length;
    return (slot) => {
      const { codes: exact, count, abstractAt, rec } = this.exactPart(slot);
      // Exact part: compare ids; a word outside the vocabulary occurs in no exact part.
      if (known) {
        for (let start = 0; start + n <= count; start++) {
          let k = 0;
          while (k < n && exact[start + k] === codes[k]) k++;
          if (k === n) return true;
        }
      }
      if (abstractAt < 0) return false;
      // Abstract part: compare hashes, a byte a word (a separator, 0, is no hash: a phrase never spans two abstracts).
      const first = hashes[0]!;
      for (let start = rec.indexOf(first, abstractAt); start >= 0 && start + n <= rec.length; start = rec.indexOf(first, start + 1)) {
        let k = 1;
        while (k < n && rec[start + k] === hashes[k]) k++;
        if (k === n) return true;
      }
      return false;
    };
  }

  /** The bytes of `slot`'s streams. */
  private record(slot: number): Uint8Array {
    return this.pool.view(slot === 0 ? 0 : this.ends[slot - 1]!, this.ends[slot]!);
  }

  /**
   * The codes of the exact part of `slot`, decoded into a buffer reused by the next call (this runs on every paper
   * a phrase check reads), the slot's record, and where its abstract part starts (-1 when there is none).
   */
  private exactPart(slot: number): { codes: Int32Array; count: number; abstractAt: number; rec: Uint8Array } {
    const rec = this.record(slot);
    const stop = rec.length;
    let codes = this.exactBuf;
    let pos = 0;
    let count = 0;
    let abstractAt = -1;
    while (pos < stop) {
      let b = rec[pos++]!;
      let code = b & 127;
      for (let shift = 7; b & 128; shift += 7) {
        b = rec[pos++]!;
        code |= (b & 127) << shift;
      }
      if (code === ABSTRACT_CODE) {
        abstractAt = pos;
        break;
      }
      if (count === codes.length) {
        const grown = new Int32Array(count * 2);
        grown.set(codes);
        this.exactBuf = codes = grown;
      }
      codes[count++] = code;
    }
    return { codes, count, abstractAt, rec };
  }

  /** A consistent copy for a snapshot of the first `n` slots (the pool is append-only: its chunks are shared). */
  freeze(n: number): { words: StringList; ends: Uint32Array; pool: Uint8Array[] } {
    const ends = this.ends.slice(0, n);
    const words = this.words;
    const count = words.length;
    return {
      words: { length: count, slice: (from, to) => words.slice(from, Math.min(to, count)) },
      ends,
      pool: this.pool.parts(n === 0 ? 0 : ends[n - 1]!),
    };
  }

  /** Takes over snapshot arrays. */
  static from(separator: string, a: TokenStreamArrays): TokenStreams {
    const s = new TokenStreams(separator);
    s.words = a.words;
    a.words.forEach((w, i) => s.ids.set(w, i));
    s.ends = a.ends.length > 0 ? a.ends : new Uint32Array(1024);
    s.slots = a.ends.length;
    s.pool = ByteChunks.over(a.pool);
    return s;
  }
}
