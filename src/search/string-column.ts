/**
 * Compact per-document strings. At a million papers a JS string per paper and field (ids, titles, first authors,
 * normalised titles) cost ≈450 bytes a paper in object headers, UTF-16 storage and array slots; here each field
 * is one UTF-8 byte pool addressed by per-slot end offsets (≈4 bytes of overhead a string), decoded on demand —
 * only for the results shown, the top few hundred re-ranked, and phrase candidates. Values that repeat (dates,
 * sources) are interned instead: one shared string, 8 bytes a slot.
 */
import { ByteChunks } from './byte-chunks.ts';
import type { StringList } from './postings.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Append-only strings by slot, stored as UTF-8 in chunked pools (growing never copies what is stored). */
export class StringColumn implements StringList {
  private pool = new ByteChunks();
  private ends: Uint32Array = new Uint32Array(256);
  private count = 0;

  /** Number of strings. */
  get length(): number {
    return this.count;
  }

  /** Bytes held (pool and offsets, capacity included), for diagnostics. */
  get bytes(): number {
    return this.pool.capacity + this.ends.byteLength;
  }

  /** Appends one string. */
  push(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const { buf, at } = this.pool.reserve(s.length * 3);
    this.pool.commit(encoder.encodeInto(s, buf.subarray(at)).written);
    if (this.count === this.ends.length) {
      const next = new Uint32Array(Math.ceil(this.ends.length * 1.5));
      next.set(this.ends);
      this.ends = next;
    }
    this.ends[this.count++] = this.pool.length;
  }

  /** The string at `i` ('' out of range). */
  get(i: number): string {
    if (i < 0 || i >= this.count) return '';
    const bytes = this.pool.view(i === 0 ? 0 : this.ends[i - 1]!, this.ends[i]!);
    if (bytes.length === 0) return '';
    // Short ASCII strings (ids, dates) are cheaper to build by hand than through TextDecoder.
    if (bytes.length <= 48) {
      let ascii = true;
      for (let k = 0; k < bytes.length; k++) if (bytes[k]! >= 128) ascii = false;
      if (ascii) return String.fromCharCode(...bytes);
    }
    return decoder.decode(bytes);
  }

  /** True when the string at `i` is exactly `s` (no decoding for a mismatch of length or first bytes). */
  equals(i: number, s: string): boolean {
    return this.get(i) === s;
  }

  /** Strings `from`..`to` (exclusive), for the snapshot writer. */
  slice(from: number, to: number): string[] {
    const out: string[] = [];
    for (let i = from; i < Math.min(to, this.count); i++) out.push(this.get(i));
    return out;
  }

  /**
   * The first `n` strings, for a snapshot written while strings are still appended: bytes once written never
   * change, so the view shares them.
   */
  freeze(n: number): StringColumn {
    const view = new StringColumn();
    view.pool = this.pool;
    view.ends = this.ends.slice(0, n);
    view.count = n;
    return view;
  }

  /** The column as a snapshot stores it: per-string end offsets and the UTF-8 bytes, as parts back to back. */
  toArrays(): { ends: Uint32Array; pool: Uint8Array[]; bytes: number } {
    const bytes = this.count === 0 ? 0 : this.ends[this.count - 1]!;
    return { ends: this.ends.subarray(0, this.count), pool: this.pool.parts(bytes), bytes };
  }

  /** A column over snapshot arrays (taken over, not copied); `ends` must ascend and stay within `pool`. */
  static over(ends: Uint32Array, pool: Uint8Array): StringColumn {
    const column = new StringColumn();
    column.pool = ByteChunks.over(pool);
    column.ends = ends.length > 0 ? ends : new Uint32Array(256);
    column.count = ends.length;
    return column;
  }
}

/** Shares one string object per distinct value (dates, sources): an array of them costs 8 bytes a slot. */
export class Interner {
  private readonly seen = new Map<string, string>();

  /** The shared copy of `s`. */
  intern(s: string): string {
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    // Bound the table: values that do not repeat (a malformed date per paper) are not worth keeping.
    if (this.seen.size < 100_000) this.seen.set(s, s);
    return s;
  }
}

/**
 * Paper id → slot, without a Map entry and a string per paper: an open-addressing table of slots, keys compared
 * against the id column. Removing a slot leaves a tombstone; the table is rebuilt when it fills.
 */
export class SlotTable {
  private table = new Int32Array(1024).fill(-1);
  private used = 0;
  private size = 0;

  constructor(private readonly ids: StringColumn) {}

  /** Live entries. */
  get count(): number {
    return this.size;
  }

  /** The slot of `id`, or undefined. */
  get(id: string): number | undefined {
    const mask = this.table.length - 1;
    for (let h = hash(id) & mask; ; h = (h + 1) & mask) {
      const slot = this.table[h]!;
      if (slot === -1) return undefined;
      if (slot >= 0 && this.ids.equals(slot, id)) return slot;
    }
  }

  /** Maps `id` (already in the id column at `slot`) to `slot`; the id must not be mapped already. */
  set(id: string, slot: number): void {
    if ((this.used + 1) * 2 > this.table.length) this.rehash(Math.max(1024, this.size * 4));
    const mask = this.table.length - 1;
    let h = hash(id) & mask;
    while (this.table[h]! >= 0) h = (h + 1) & mask;
    if (this.table[h] === -1) this.used++;
    this.table[h] = slot;
    this.size++;
  }

  /** Unmaps `id`; returns its slot, or undefined when it was not mapped. */
  delete(id: string): number | undefined {
    const mask = this.table.length - 1;
    for (let h = hash(id) & mask; ; h = (h + 1) & mask) {
      const slot = this.table[h]!;
      if (slot === -1) return undefined;
      if (slot >= 0 && this.ids.equals(slot, id)) {
        this.table[h] = -2;
        this.size--;
        return slot;
      }
    }
  }

  /** Makes room for `n` entries at once (loading a snapshot), instead of growing step by step. */
  reserve(n: number): void {
    if ((n + 1) * 2 > this.table.length) this.rehash(n * 3);
  }

  /** Every mapped slot (unordered). */
  *slots(): Generator<number> {
    for (const s of this.table) if (s >= 0) yield s;
  }

  private rehash(minCap: number): void {
    let cap = 1024;
    while (cap < minCap) cap *= 2;
    const old = this.table;
    this.table = new Int32Array(cap).fill(-1);
    this.used = 0;
    this.size = 0;
    const mask = cap - 1;
    for (const slot of old) {
      if (slot < 0) continue;
      let h = hash(this.ids.get(slot)) & mask;
      while (this.table[h] !== -1) h = (h + 1) & mask;
      this.table[h] = slot;
      this.used++;
      this.size++;
    }
  }
}

/** FNV-1a over UTF-16 units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
