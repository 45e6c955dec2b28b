/**
 * Each paper's stemmed Latin token stream (all fields, in order, fields separated by `FIELD_SEP`), kept for exact
 * phrase checks and same-author checks. Held as strings these were the largest per-paper item once English
 * abstracts are indexed (≈1 KB a paper); here each token is a varint id into a shared vocabulary (≈2 bytes), all
 * papers in one byte pool addressed by per-slot offsets. Ids are stable (never renumbered), so a snapshot stores
 * the pool as it is.
 */
import type { StringList } from './postings.ts';

/** The arrays a snapshot holds (vocabulary in id order; `ends[slot]` is where that slot's stream ends). */
export interface TokenStreamArrays {
  words: string[];
  ends: Uint32Array;
  pool: Uint8Array;
}

/** Append-only token streams by slot. */
export class TokenStreams {
  private ids = new Map<string, number>();
  private words: string[] = [];
  private ends: Uint32Array = new Uint32Array(1024);
  private slots = 0;
  private pool: Uint8Array = new Uint8Array(1 << 16);
  private poolLen = 0;

  constructor(private readonly separator: string) {}

  /** Appends the stream of the next slot (`tokens` joined by single spaces, as `analyseDoc` produces it). */
  push(stream: string): void {
    const tokens = stream.length > 0 ? stream.split(' ') : [];
    if (this.poolLen + tokens.length * 5 > this.pool.length) {
      const next = new Uint8Array(Math.max(this.poolLen + tokens.length * 5, this.pool.length * 2));
      next.set(this.pool.subarray(0, this.poolLen));
      this.pool = next;
    }
    for (const t of tokens) {
      let code = 0;
      if (t !== this.separator) {
        let id = this.ids.get(t);
        if (id === undefined) {
          id = this.words.length;
          this.words.push(t);
          this.ids.set(t, id);
        }
        code = id + 1;
      }
      while (code >= 128) {
        this.pool[this.poolLen++] = (code & 127) | 128;
        code >>>= 7;
      }
      this.pool[this.poolLen++] = code;
    }
    if (this.slots >= this.ends.length) {
      const next = new Uint32Array(this.ends.length * 2);
      next.set(this.ends);
      this.ends = next;
    }
    this.ends[this.slots++] = this.poolLen;
  }

  /** The stream of `slot`, as the string `push` was given. */
  text(slot: number): string {
    const out: string[] = [];
    const pool = this.pool;
    let pos = slot === 0 ? 0 : this.ends[slot - 1]!;
    const stop = this.ends[slot]!;
    while (pos < stop) {
      let b = pool[pos++]!;
      let code = b & 127;
      for (let shift = 7; b & 128; shift += 7) {
        b = pool[pos++]!;
        code |= (b & 127) << shift;
      }
      out.push(code === 0 ? this.separator : this.words[code - 1]!);
    }
    return out.join(' ');
  }

  /** A consistent copy for a snapshot of the first `n` slots (the pool is append-only, so it is cut, not copied). */
  freeze(n: number): { words: StringList; ends: Uint32Array; pool: Uint8Array } {
    const ends = this.ends.slice(0, n);
    const words = this.words;
    const count = words.length;
    return {
      words: { length: count, slice: (from, to) => words.slice(from, Math.min(to, count)) },
      ends,
      pool: this.pool.subarray(0, n === 0 ? 0 : ends[n - 1]!),
    };
  }

  /** Takes over snapshot arrays. */
  static from(separator: string, a: TokenStreamArrays): TokenStreams {
    const s = new TokenStreams(separator);
    s.words = a.words;
    a.words.forEach((w, i) => s.ids.set(w, i));
    s.ends = a.ends.length > 0 ? a.ends : new Uint32Array(1024);
    s.slots = a.ends.length;
    s.pool = a.pool;
    s.poolLen = a.pool.length;
    return s;
  }
}
