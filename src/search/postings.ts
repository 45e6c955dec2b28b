/**
 * Posting lists: term → ascending doc slots, each with a packed per-field term frequency.
 *
 * Memory is the constraint (≈40 million postings at 100k papers once Chinese abstracts are cut into
 * bigrams), so the main segment is one byte pool of varint-encoded slot gaps and packed frequencies,
 * addressed by per-term start/end offsets in typed arrays. Fresh documents go to a small uncompressed
 * pending segment that is read alongside the pool and folded into it every few thousand documents
 * (slots only grow, so folding appends to each term's run and never re-encodes old bytes).
 */

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

/** The arrays a snapshot is written from: terms as a `StringList`, produced block by block. */
export type PostingSource = Omit<PostingArrays, 'terms'> & { terms: StringList };

/** Decoded postings of one term. */
export interface TermPostings {
  slots: Int32Array;
  packs: Uint32Array;
}

const EMPTY: TermPostings = { slots: new Int32Array(0), packs: new Uint32Array(0) };

/** Interned terms and their posting lists. */
export class PostingStore {
  private readonly ids = new Map<string, number>();
  private termList: string[] = [];
  private start = new Uint32Array(1024);
  private end = new Uint32Array(1024);
  private dfs = new Uint32Array(1024);
  private last = new Int32Array(1024).fill(-1);
  private pool: Uint8Array = new Uint8Array(1 << 16);
  private poolLen = 0;
  private pending = new Map<number, number[]>();
  private pendingDocs = 0;

  /** Number of distinct terms. */
  get termCount(): number {
    return this.termList.length;
  }

  /** Bytes held by the compressed pool (for diagnostics). */
  get poolBytes(): number {
    return this.poolLen;
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
    return this.ids.get(term) ?? -1;
  }

  /** The id of a term, creating it when new. */
  intern(term: string): number {
    let id = this.ids.get(term);
    if (id !== undefined) return id;
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
    const pool = this.pool;
    let pos = this.start[id]!;
    const stop = this.end[id]!;
    let prev = -1;
    let k = 0;
    while (pos < stop) {
      let b = pool[pos++]!;
      let head = b & 127;
      for (let shift = 7; b & 128; shift += 7) {
        b = pool[pos++]!;
        head += (b & 127) * 2 ** shift;
      }
      // See `encodePosting`: an odd head is a posting with the commonest frequency and no frequency bytes.
      const odd = head % 2;
      let packed = COMMON_TF;
      if (odd === 0) {
        b = pool[pos++]!;
        packed = b & 127;
        for (let shift = 7; b & 128; shift += 7) {
          b = pool[pos++]!;
          packed += (b & 127) * 2 ** shift;
        }
      }
      const gap = (head - odd) / 2;
      prev += gap + 1;
      slots[k] = prev;
      packs[k++] = packed;
    }
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

  /** Folds pending documents into the compressed pool. */
  flush(): void {
    if (this.pending.size === 0) return;
    const n = this.termList.length;
    // Encode each term's pending run once, then lay out the new pool term by term.
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
    const pool = new Uint8Array(this.poolLen + extraBytes);
    let pos = 0;
    for (let id = 0; id < n; id++) {
      const s = this.start[id]!;
      const e = this.end[id]!;
      this.start[id] = pos;
      if (e > s) {
        pool.set(this.pool.subarray(s, e), pos);
        pos += e - s;
      }
      const add = extra.get(id);
      if (add) {
        pool.set(add, pos);
        pos += add.length;
      }
      this.end[id] = pos;
    }
    this.pool = pool;
    this.poolLen = pos;
    this.pending = new Map();
    this.pendingDocs = 0;
  }

  /**
   * Flushes and exposes the raw arrays with terms in `order` (ids in term order, from the term dictionary), so a
   * loaded snapshot can prefix-search at once. Copies the per-term arrays (16 bytes a term); the pool is shared,
   * which is safe because flushing builds a new pool rather than writing into the old one.
   */
  toArrays(order: Int32Array): PostingSource {
    this.flush();
    const n = order.length;
    const pick = <T extends Uint32Array | Int32Array>(src: T, dst: T): T => {
      for (let i = 0; i < n; i++) dst[i] = src[order[i]!]!;
      return dst;
    };
    const list = this.termList;
    return {
      terms: lazyTerms(list, order),
      start: pick(this.start, new Uint32Array(n)),
      end: pick(this.end, new Uint32Array(n)),
      df: pick(this.dfs, new Uint32Array(n)),
      last: pick(this.last, new Int32Array(n)),
      pool: this.pool.subarray(0, this.poolLen),
    };
  }

  /** Rebuilds a store from snapshot arrays (taken over, not copied). */
  static fromArrays(a: PostingArrays): PostingStore {
    const s = new PostingStore();
    const n = a.terms.length;
    s.termList = a.terms;
    for (let i = 0; i < n; i++) s.ids.set(a.terms[i]!, i);
    const cap = Math.max(1024, n + 1024);
    s.start = new Uint32Array(cap);
    s.start.set(a.start);
    s.end = new Uint32Array(cap);
    s.end.set(a.end);
    s.dfs = new Uint32Array(cap);
    s.dfs.set(a.df);
    s.last = new Int32Array(cap).fill(-1);
    s.last.set(a.last);
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
