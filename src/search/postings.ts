/**
 * Posting lists: term → ascending doc slots, each with a packed per-field term frequency.
 *
 * Memory is the constraint (≈40 million postings at 100k papers once Chinese abstracts are cut into
 * bigrams), so postings are varint-encoded slot gaps and packed frequencies in byte pools, addressed by
 * per-term start/end offsets in typed arrays. Three tiers, read one after another for each term:
 * - the **main pool**, what a snapshot loaded (hundreds of megabytes at a million papers);
 * - the **tail pool**, postings folded in since: fresh documents are folded into it every few thousand
 *   documents, which rewrites the tail only — rewriting the main pool took a synchronous copy of all of it;
 * - the **pending** documents, uncompressed, not folded yet.
 * The tail joins the main pool only once it has grown to half its size (a bulk build; a running bot takes months
 * to get there), so that copy is rare and its cost is shared by the papers that made the tail grow. Slots only
 * grow, so folding appends to each term's run and never re-encodes old bytes; a snapshot writes each term's runs
 * back to back, as one main pool.
 */

import { lowerBound } from './term-dictionary.ts';

/**
 * Packed frequency: abstract tf in bits 0–6, title tf in bits 7–10, author tf in bits 11–12. Most postings are
 * abstract-only with a small tf, so this order keeps them under 128 — one varint byte — where the abstract tf in
 * the high bits made every posting with abstract tf ≥ 2 take two (BM25 saturates long before tf 127).
 */
export function packTf(title: number, author: number, abstract: number): number {
  return Math.min(abstract, 127) | (Math.min(title, 15) << 7) | (Math.min(author, 3) << 11);
}
/** Title tf of a packed frequency. */
export const tfTitle = (p: number): number => (p >> 7) & 15;
/** Author tf of a packed frequency. */
export const tfAuthor = (p: number): number => (p >> 11) & 3;
/** Abstract tf of a packed frequency. */
export const tfAbstract = (p: number): number => p & 127;

/** Pending documents are folded into the pool when this many have accumulated. */
const FLUSH_DOCS = 4000;

/** The raw arrays of a flushed posting store, as written to and read from a snapshot. */
export interface PostingArrays {
  terms: string[];
  start: Uint32Array;
  end: Uint32Array;
  df: Uint32Array;
  last: Int32Array;
  pool: Uint8Array;
}

/** Read access to a list of strings, which need not be a materialised array. */
export interface StringList {
  readonly length: number;
  slice(from: number, to: number): string[];
}

/**
 * The arrays a snapshot is written from: terms as a `StringList`, produced block by block, and the pool as parts to
 * write back to back (`poolBytes` in all), so that the tiers are merged as they are written, not in memory.
 */
export type PostingSource = Omit<PostingArrays, 'terms' | 'pool'> & { terms: StringList; pool: Iterable<Uint8Array>; poolBytes: number };

/** Decoded postings of one term. */
export interface TermPostings {
  slots: Int32Array;
  packs: Uint32Array;
}

const EMPTY: TermPostings = { slots: new Int32Array(0), packs: new Uint32Array(0) };

/** Interned terms and their posting lists. */
export class PostingStore {
  /**
   * Ids of the terms added since the store was loaded. The loaded terms (ids below `sortedCount`) are in sorted
   * order, as a snapshot writes them, and are found by binary search: a `Map` entry for each of a million-paper
   * index's terms cost tens of megabytes and a second at start-up.
   */
  private readonly ids = new Map<string, number>();
  private sortedCount = 0;
  private termList: string[] = [];
  private start = new Uint32Array(1024);
  private end = new Uint32Array(1024);
  private dfs = new Uint32Array(1024);
  private last = new Int32Array(1024).fill(-1);
  private pool: Uint8Array = new Uint8Array(0);
  private poolLen = 0;
  private tailStart = new Uint32Array(1024);
  private tailEnd = new Uint32Array(1024);
  private tail: Uint8Array = new Uint8Array(0);
  private tailLen = 0;
  /** Terms with a run in the tail, in tail order. */
  private tailIds: number[] = [];
  private pending = new Map<number, number[]>();
  private pendingDocs = 0;

  /** Number of distinct terms. */
  get termCount(): number {
    return this.termList.length;
  }

  /** Bytes held by the compressed pools (for diagnostics). */
  get poolBytes(): number {
    return this.poolLen + this.tailLen;
  }

  /** Bytes of the tail pool (for tests and diagnostics). */
  get tailBytes(): number {
    return this.tailLen;
  }

  /** The term of an id. */
  term(id: number): string {
    return this.termList[id] ?? '';
  }

  /** All terms, indexed by term id (do not mutate). */
  get terms(): readonly string[] {
    return this.termList;
  }

  /** The id of a term, or -1 when it was never indexed. */
  lookup(term: string): number {
    const added = this.ids.get(term);
    if (added !== undefined) return added;
    const list = this.termList;
    const lo = lowerBound(0, this.sortedCount, (i) => list[i]!, term);
    return lo < this.sortedCount && list[lo] === term ? lo : -1;
  }

  /** The id of a term, creating it when new. */
  intern(term: string): number {
    let id = this.lookup(term);
    if (id >= 0) return id;
    id = this.termList.length;
    this.termList.push(term);
    this.ids.set(term, id);
    if (id >= this.start.length) this.growTerms(id + 1);
    return id;
  }

  /** Document frequency (tombstoned documents included: removals do not rewrite postings). */
  df(id: number): number {
    return (this.dfs[id] ?? 0) + (this.pending.get(id)?.length ?? 0) / 2;
  }

  /** Adds one document's terms; `slot` must be greater than every slot added before. */
  addDoc(slot: number, termTf: Map<number, number>): void {
    for (const [id, packed] of termTf) {
      let list = this.pending.get(id);
      if (!list) this.pending.set(id, (list = []));
      list.push(slot, packed);
    }
    if (++this.pendingDocs >= FLUSH_DOCS) this.flush();
  }

  /**
   * Decodes the postings of a term into caller-owned buffers (at least `df(id)` long), ascending by slot;
   * returns the count. Queries reuse their buffers, so decoding allocates nothing.
   */
  decodeInto(id: number, slots: Int32Array, packs: Uint32Array): number {
    if (id < 0 || id >= this.termList.length) return 0;
    // The tail run's first gap follows on from the main run's last slot: one running `prev` across both.
    const state = { prev: -1, k: 0 };
    decodeRun(this.pool, this.start[id]!, this.end[id]!, slots, packs, state);
    decodeRun(this.tail, this.tailStart[id]!, this.tailEnd[id]!, slots, packs, state);
    let k = state.k;
    const pend = this.pending.get(id);
    if (pend) {
      for (let i = 0; i < pend.length; i += 2) {
        slots[k] = pend[i]!;
        packs[k++] = pend[i + 1]!;
      }
    }
    return k;
  }

  /** Decodes the postings of a term (pool and pending), ascending by slot, into fresh arrays. */
  read(id: number): TermPostings {
    const n = id < 0 || id >= this.termList.length ? 0 : this.df(id);
    if (n === 0) return EMPTY;
    const slots = new Int32Array(n);
    const packs = new Uint32Array(n);
    this.decodeInto(id, slots, packs);
    return { slots, packs };
  }

  /** Folds pending documents into the tail pool (and the tail into the main pool once it is half its size). */
  flush(): void {
    if (this.pending.size === 0) return;
    // Encode each term's pending run once, then lay out the new tail: the terms already there in order, then the new.
    const extra = new Map<number, Uint8Array>();
    let extraBytes = 0;
    const buf = new Uint8Array(16);
    for (const [id, list] of this.pending) {
      const out: number[] = [];
      let prev = this.last[id]!;
      for (let i = 0; i < list.length; i += 2) {
        const slot = list[i]!;
        const len = encodePosting(buf, slot - prev - 1, list[i + 1]!);
        for (let j = 0; j < len; j++) out.push(buf[j]!);
        prev = slot;
      }
      this.last[id] = prev;
      this.dfs[id] = this.dfs[id]! + list.length / 2;
      const bytes = Uint8Array.from(out);
      extra.set(id, bytes);
      extraBytes += bytes.length;
    }
    const tail = new Uint8Array(this.tailLen + extraBytes);
    let pos = 0;
    const ids: number[] = [];
    const place = (id: number): void => {
      const from = pos;
      pos = copyRun(tail, pos, this.tail, this.tailStart[id]!, this.tailEnd[id]!);
      const add = extra.get(id);
      if (add) {
        pos = copyRun(tail, pos, add, 0, add.length);
        extra.delete(id);
      }
      this.tailStart[id] = from;
      this.tailEnd[id] = pos;
      ids.push(id);
    };
    for (const id of this.tailIds) place(id);
    for (const id of [...extra.keys()]) place(id);
    this.tail = tail;
    this.tailLen = pos;
    this.tailIds = ids;
    this.pending = new Map();
    this.pendingDocs = 0;
    if (this.tailLen >= TAIL_MIN_MERGE && this.tailLen * 2 >= this.poolLen) this.mergeTail();
  }

  /** Appends every term's tail run to its main run: a new main pool, an empty tail. */
  private mergeTail(): void {
    const n = this.termList.length;
    const pool = new Uint8Array(this.poolLen + this.tailLen);
    let pos = 0;
    for (let id = 0; id < n; id++) {
      const from = pos;
      pos = copyRun(pool, pos, this.pool, this.start[id]!, this.end[id]!);
      pos = copyRun(pool, pos, this.tail, this.tailStart[id]!, this.tailEnd[id]!);
      this.start[id] = from;
      this.end[id] = pos;
    }
    this.pool = pool;
    this.poolLen = pos;
    this.tailStart.fill(0);
    this.tailEnd.fill(0);
    this.tail = new Uint8Array(0);
    this.tailLen = 0;
    this.tailIds = [];
  }

  /**
   * Flushes and exposes the raw arrays with terms in `order` (ids in term order, from the term dictionary), so a
   * loaded snapshot can prefix-search at once. Copies the per-term arrays (a few bytes a term). The pools are
   * shared, which is safe because folding builds new pools rather than writing into the old ones; with a tail, the
   * pool is produced a megabyte at a time, each term's main run then its tail run, as the writer pulls it.
   */
  toArrays(order: Int32Array): PostingSource {
    this.flush();
    const n = order.length;
    const pick = <T extends Uint32Array | Int32Array>(src: T, dst: T): T => {
      for (let i = 0; i < n; i++) dst[i] = src[order[i]!]!;
      return dst;
    };
    const list = this.termList;
    const common = { terms: lazyTerms(list, order), df: pick(this.dfs, new Uint32Array(n)), last: pick(this.last, new Int32Array(n)) };
    if (this.tailLen === 0) {
      const pool = this.pool.subarray(0, this.poolLen);
      return { ...common, start: pick(this.start, new Uint32Array(n)), end: pick(this.end, new Uint32Array(n)), pool: [pool], poolBytes: pool.length };
    }
    const start = new Uint32Array(n);
    const end = new Uint32Array(n);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const id = order[i]!;
      start[i] = pos;
      pos += this.end[id]! - this.start[id]! + (this.tailEnd[id]! - this.tailStart[id]!);
      end[i] = pos;
    }
    const terms = this.termList.length;
    const main = { order, start: this.start.slice(0, terms), end: this.end.slice(0, terms), pool: this.pool };
    const tail = { start: this.tailStart.slice(0, terms), end: this.tailEnd.slice(0, terms), pool: this.tail };
    return { ...common, start, end, pool: mergedRuns(main, tail), poolBytes: pos };
  }

  /** Rebuilds a store from snapshot arrays (taken over, not copied). */
  static fromArrays(a: PostingArrays): PostingStore {
    const s = new PostingStore();
    const n = a.terms.length;
    s.termList = a.terms;
    // Terms come sorted from a snapshot; should they not be (a foreign writer), they are looked up through the map.
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = a.terms[i - 1]! < a.terms[i]!;
    if (sorted) s.sortedCount = n;
    else for (let i = 0; i < n; i++) s.ids.set(a.terms[i]!, i);
    const cap = Math.max(1024, n + 1024);
    s.start = new Uint32Array(cap);
    s.start.set(a.start);
    s.end = new Uint32Array(cap);
    s.end.set(a.end);
    s.dfs = new Uint32Array(cap);
    s.dfs.set(a.df);
    s.last = new Int32Array(cap).fill(-1);
    s.last.set(a.last);
    s.tailStart = new Uint32Array(cap);
    s.tailEnd = new Uint32Array(cap);
    s.pool = a.pool;
    s.poolLen = a.pool.length;
    return s;
  }

  private growTerms(min: number): void {
    const cap = Math.max(min, this.start.length * 2);
    const grow = <T extends Uint32Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(cap);
      next.set(old);
      return next;
    };
    this.start = grow(this.start, (n) => new Uint32Array(n));
    this.end = grow(this.end, (n) => new Uint32Array(n));
    this.dfs = grow(this.dfs, (n) => new Uint32Array(n));
    this.tailStart = grow(this.tailStart, (n) => new Uint32Array(n));
    this.tailEnd = grow(this.tailEnd, (n) => new Uint32Array(n));
    const last = new Int32Array(cap).fill(-1);
    last.set(this.last);
    this.last = last;
  }
}

/**
 * The terms in `order` without building the array up front: the snapshot encoder only reads `length` and
 * `slice`, block by block, so a million terms are not copied in one go on the event loop.
 */
function lazyTerms(list: readonly string[], order: Int32Array): StringList {
  return {
    length: order.length,
    slice: (from, to) => Array.from(order.subarray(from, to), (id) => list[id]!),
  };
}

/** The tail joins the main pool once it is at least this big and half the main pool's size. */
const TAIL_MIN_MERGE = 1 << 20;
/** Bytes per part when a snapshot writes merged runs. */
const MERGE_PART = 1 << 20;

/**
 * Each term's main run then its tail run, in `order`, as parts of about `MERGE_PART` bytes. One buffer is reused
 * (a million-paper snapshot was a thousand 1 MB allocations, and the garbage collections they set off stalled the
 * event loop): a part is valid until the next is pulled, as `encodeSnapshot` documents. The arrays are copies taken
 * when the snapshot was frozen; the pools are never written to.
 */
function* mergedRuns(
  main: { order: Int32Array; start: Uint32Array; end: Uint32Array; pool: Uint8Array },
  tail: { start: Uint32Array; end: Uint32Array; pool: Uint8Array },
): Generator<Uint8Array> {
  const part = new Uint8Array(MERGE_PART);
  let used = 0;
  for (const id of main.order) {
    for (const [pool, from, to] of [
      [main.pool, main.start[id]!, main.end[id]!],
      [tail.pool, tail.start[id]!, tail.end[id]!],
    ] as const) {
      for (let at = from; at < to; ) {
        const n = Math.min(to - at, part.length - used);
        part.set(pool.subarray(at, at + n), used);
        used += n;
        at += n;
        if (used === part.length) {
          yield part;
          used = 0;
        }
      }
    }
  }
  if (used > 0) yield part.subarray(0, used);
}

/** Copies `src[from, to)` to `dst` at `at`; returns the position after it. */
function copyRun(dst: Uint8Array, at: number, src: Uint8Array, from: number, to: number): number {
  if (to <= from) return at;
  dst.set(src.subarray(from, to), at);
  return at + to - from;
}

/** Decodes the postings in `pool[from, to)` into `slots`/`packs` from `state.k` on, continuing `state.prev`. */
function decodeRun(pool: Uint8Array, from: number, to: number, slots: Int32Array, packs: Uint32Array, state: { prev: number; k: number }): void {
  let pos = from;
  let prev = state.prev;
  let k = state.k;
  // Integer arithmetic throughout (a gap below 2^30 and a packed frequency below 2^13 fit): the float operations
  // this loop had made decoding ≈20 ns a posting, most of a common word's query time.
  while (pos < to) {
    let b = pool[pos++]!;
    let head = b & 127;
    for (let shift = 7; b & 128; shift += 7) {
      b = pool[pos++]!;
      head |= (b & 127) << shift;
    }
    // See `encodePosting`: an odd head is a posting with the commonest frequency and no frequency bytes.
    let packed = COMMON_TF;
    if ((head & 1) === 0) {
      b = pool[pos++]!;
      packed = b & 127;
      for (let shift = 7; b & 128; shift += 7) {
        b = pool[pos++]!;
        packed |= (b & 127) << shift;
      }
    }
    prev += (head >>> 1) + 1;
    slots[k] = prev;
    packs[k++] = packed;
  }
  state.prev = prev;
  state.k = k;
}

/**
 * The frequency of most postings: abstract tf 1, no title or author match (a word of the abstract, a category).
 * Such a posting is stored as its gap alone — two varints became one, the pool shrank by about a third.
 */
const COMMON_TF = 1;

/** Encodes one posting at the start of `buf`: varint(gap·2 + 1), or varint(gap·2) then varint(packed). */
function encodePosting(buf: Uint8Array, gap: number, packed: number): number {
  if (packed === COMMON_TF) return writeVarint(buf, 0, gap * 2 + 1);
  return writeVarint(buf, writeVarint(buf, 0, gap * 2), packed);
}

/** Writes an unsigned LEB128 varint at `pos`, returning the position after it. */
function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let v = value;
  while (v >= 128) {
    buf[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}
