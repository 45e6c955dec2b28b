/**
 * Binary snapshot of a search index, written and read as a stream of sections so that neither side ever holds
 * the whole serialised form next to the live index (start-up used to peak at twice the serving memory) and no
 * single JSON string grows with the archive (V8 caps a string at ≈512 MB, reached near a million papers).
 *
 * Layout (little-endian):
 *   header: "ADSI" | u32 format | f64 revision | u32 docs | u32 terms | f64 pool bytes | u32 string fields |
 *     u32 Latin words | f64 Latin stream bytes
 *   per string field, in `STRING_FIELDS` order: a UTF-8 column (ids, titles, first authors, normalised titles) is
 *     f64 bytes | ends u32[docs] | UTF-8 bytes | pad to 4; dates and sources (few distinct values), then the terms
 *     and the Latin words, are blocks of up to `BLOCK` strings, each u32 bytes | JSON array | pad to 4
 *   alive u8[docs] | pad | lens u16[4·docs] | pad | start u32[terms] | end u32[terms] | df u32[terms] |
 *   last i32[terms] | Latin stream ends u32[docs] | pool u8[pool bytes] | Latin streams u8[stream bytes]
 * Typed arrays are read straight into their final memory. A new per-document string field is one more name in
 * `STRING_FIELDS` (and a format bump).
 */
import type { PostingArrays, PostingSource, StringList } from './postings.ts';
import type { TokenStreamArrays } from './token-streams.ts';
import { Interner, StringColumn } from './string-column.ts';

/**
 * Bumped whenever the layout or the analyzer changes: an older snapshot is then rebuilt, not misread (3: joined
 * hyphenated forms, name parts, irregular word forms, categories, author name forms; 4: streamed sections,
 * token-stream vocabulary; 6: all of them together; 7: abstract tf in the low bits of the packed frequency; 8: postings with the commonest frequency stored as their gap
 * alone; 9: abstract tokens in the Latin streams as one-byte hashes; 10: per-document string columns as UTF-8 bytes and
 * end offsets instead of JSON blocks).
 */
export const SNAPSHOT_FORMAT = 10;
/** Lengths stored per document: title, authors, abstract, original title (format 2 added the last). */
export const LENS_PER_DOC = 4;
const MAGIC = 0x49534441; // "ADSI"
const HEADER = 48;
/** Strings per JSON block: small enough that encoding or parsing one block never stalls the event loop. */
const BLOCK = 4096;

/** The per-document string fields, in snapshot order. */
export const STRING_FIELDS = ['ids', 'titles', 'firstAuthors', 'dates', 'sources', 'titleNorms'] as const;
type StringField = (typeof STRING_FIELDS)[number];

/** Fields held as UTF-8 columns in memory; the others (few distinct values) as interned strings. */
const COLUMN_FIELDS = new Set<StringField>(['ids', 'titles', 'firstAuthors', 'titleNorms']);

/** Per-document arrays of the index, by slot, as a loaded snapshot holds them. */
export type SnapshotDocs = Record<'ids' | 'titles' | 'firstAuthors' | 'titleNorms', StringColumn> &
  Record<'dates' | 'sources', string[]> & {
    alive: Uint8Array;
    lens: Uint16Array;
    latins: TokenStreamArrays;
  };

/** What a snapshot is written from (strings and the Latin vocabulary may be produced block by block). */
export type SnapshotDocsSource = Record<'ids' | 'titles' | 'firstAuthors' | 'titleNorms', StringColumn> &
  Record<'dates' | 'sources', StringList> & {
  alive: Uint8Array;
  lens: Uint16Array;
  latins: Omit<TokenStreamArrays, 'words' | 'pool'> & { words: StringList; pool: readonly Uint8Array[] };
};

/** A decoded snapshot. */
export interface DecodedSnapshot {
  revision: number;
  docs: SnapshotDocs;
  postings: PostingArrays;
}

const pad4 = (n: number): number => (n + 3) & ~3;
const PAD = new Uint8Array(4);

/**
 * Encodes docs and postings as a sequence of chunks (views, not copies, where possible). A chunk is valid until the
 * next one is pulled (a buffer may be reused): write it, or copy it, before asking for more. The caller must not
 * mutate the arrays while it consumes the chunks; `SearchIndex.snapshotChunks` hands over a frozen copy.
 */
export function* encodeSnapshot(revision: number, docs: SnapshotDocsSource, p: PostingSource): Generator<Uint8Array> {
  const n = docs.ids.length;
  const t = p.terms.length;
  const header = new Uint8Array(HEADER);
  const view = new DataView(header.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, SNAPSHOT_FORMAT, true);
  view.setFloat64(8, revision, true);
  view.setUint32(16, n, true);
  view.setUint32(20, t, true);
  view.setFloat64(24, p.poolBytes, true);
  view.setUint32(32, STRING_FIELDS.length, true);
  view.setUint32(36, docs.latins.words.length, true);
  view.setFloat64(40, docs.latins.pool.reduce((bytes, part) => bytes + part.length, 0), true);
  yield header;
  const encoder = new TextEncoder();
  const strings = function* (list: StringList, count: number): Generator<Uint8Array> {
    for (let i = 0; i < count; i += BLOCK) {
      const json = encoder.encode(JSON.stringify(list.slice(i, Math.min(count, i + BLOCK))));
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, json.length, true);
      yield len;
      yield json;
      if (pad4(json.length) !== json.length) yield PAD.subarray(0, pad4(json.length) - json.length);
    }
  };
  for (const field of STRING_FIELDS) {
    if (field === 'dates' || field === 'sources') {
      yield* strings(docs[field], n);
      continue;
    }
    // UTF-8 columns as they are in memory: loading reads them straight in (JSON blocks took most of a cold start).
    const column = docs[field].toArrays();
    const size = new Uint8Array(8);
    new DataView(size.buffer).setFloat64(0, column.bytes, true);
    yield size;
    yield bytesOf(column.ends.subarray(0, n));
    yield* column.pool;
    if (pad4(column.bytes) !== column.bytes) yield PAD.subarray(0, pad4(column.bytes) - column.bytes);
  }
  yield* strings(p.terms, t);
  yield* strings(docs.latins.words, docs.latins.words.length);
  yield docs.alive.subarray(0, n);
  if (pad4(n) !== n) yield PAD.subarray(0, pad4(n) - n);
  yield bytesOf(docs.lens.subarray(0, n * LENS_PER_DOC));
  if ((n * LENS_PER_DOC * 2) % 4) yield PAD.subarray(0, 2);
  yield bytesOf(p.start.subarray(0, t));
  yield bytesOf(p.end.subarray(0, t));
  yield bytesOf(p.df.subarray(0, t));
  yield bytesOf(p.last.subarray(0, t));
  yield bytesOf(docs.latins.ends.subarray(0, n));
  let poolBytes = 0;
  for (const part of p.pool) {
    poolBytes += part.length;
    yield part;
  }
  if (poolBytes !== p.poolBytes) throw new Error(`snapshot: the posting pool came to ${poolBytes} bytes, ${p.poolBytes} announced`);
  yield* docs.latins.pool;
}

/** Encodes into one buffer (tests, small indexes). */
export function encodeSnapshotBuffer(revision: number, docs: SnapshotDocsSource, p: PostingSource): Uint8Array {
  // Copied as they come: a chunk is only valid until the next is pulled.
  const chunks = Array.from(encodeSnapshot(revision, docs, p), (c) => c.slice());
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function bytesOf(a: Uint16Array | Uint32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The revision stored in a snapshot header, or null when the bytes are not a snapshot of the current format. */
export function snapshotRevision(buf: Uint8Array): number | null {
  if (!(buf instanceof Uint8Array) || buf.length < HEADER) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== SNAPSHOT_FORMAT) return null;
  return view.getFloat64(8, true);
}

/** Bytes of the header, which is all `snapshotRevision` needs. */
export const SNAPSHOT_HEADER_BYTES = HEADER;

/** Thrown by the decoder for a foreign, truncated or older-format snapshot. */
export class SnapshotFormatError extends Error {}

/**
 * The decoder, as a coroutine: it yields a buffer to fill completely (throwing `SnapshotFormatError` into it
 * when the source ends early) and returns the decoded snapshot. `decodeSnapshot` drives it over one buffer,
 * `readSnapshot` over an async byte source (a file read piece by piece).
 */
export function* snapshotDecoder(): Generator<Uint8Array, DecodedSnapshot, void> {
  const header = new Uint8Array(HEADER);
  yield header;
  const revision = snapshotRevision(header);
  if (revision === null) throw new SnapshotFormatError('not a search snapshot of a supported format version');
  const hv = new DataView(header.buffer);
  const n = hv.getUint32(16, true);
  const t = hv.getUint32(20, true);
  const poolBytes = hv.getFloat64(24, true);
  if (hv.getUint32(32, true) !== STRING_FIELDS.length) throw new SnapshotFormatError('unexpected string fields');
  const latinWords = hv.getUint32(36, true);
  const latinBytes = hv.getFloat64(40, true);
  const decoder = new TextDecoder();
  const strings = function* (count: number, out: { length: number; push(s: string): void } = [] as string[]): Generator<Uint8Array, void, void> {
    while (out.length < count) {
      const len = new Uint8Array(4);
      yield len;
      const bytes = new DataView(len.buffer).getUint32(0, true);
      if (bytes > 1 << 30) throw new SnapshotFormatError('corrupt string block');
      const json = new Uint8Array(pad4(bytes));
      yield json;
      let block: unknown;
      try {
        block = JSON.parse(decoder.decode(json.subarray(0, bytes)));
      } catch {
        throw new SnapshotFormatError('corrupt string block');
      }
      if (!Array.isArray(block) || block.length === 0 || out.length + block.length > count) throw new SnapshotFormatError('corrupt string block');
      for (const s of block) out.push(String(s));
    }
  };
  // Per-document strings go straight into their compact in-memory form, block by block.
  const fields = {} as Record<StringField, StringColumn | string[]>;
  for (const field of STRING_FIELDS) {
    if (COLUMN_FIELDS.has(field)) {
      const size = new Uint8Array(8);
      yield size;
      const bytes = new DataView(size.buffer).getFloat64(0, true);
      if (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 32) throw new SnapshotFormatError('corrupt string column');
      const ends = new Uint32Array(n);
      yield bytesOf(ends);
      const pool = new Uint8Array(bytes);
      yield pool;
      if (pad4(bytes) !== bytes) yield new Uint8Array(pad4(bytes) - bytes);
      for (let i = 0; i < n; i++) if (ends[i]! > bytes || (i > 0 && ends[i]! < ends[i - 1]!)) throw new SnapshotFormatError('corrupt string column');
      if (n > 0 && ends[n - 1] !== bytes) throw new SnapshotFormatError('corrupt string column');
      fields[field] = StringColumn.over(ends, pool);
    } else {
      const interner = new Interner();
      const list: string[] = [];
      yield* strings(n, { get length() { return list.length; }, push: (s) => list.push(interner.intern(s)) });
      fields[field] = list;
    }
  }
  const terms: string[] = [];
  yield* strings(t, terms);
  const words: string[] = [];
  yield* strings(latinWords, words);
  const alive = new Uint8Array(n);
  yield alive;
  if (pad4(n) !== n) yield new Uint8Array(pad4(n) - n);
  const lens = new Uint16Array(n * LENS_PER_DOC);
  yield bytesOf(lens);
  if ((n * LENS_PER_DOC * 2) % 4) yield new Uint8Array(2);
  const start = new Uint32Array(t);
  const end = new Uint32Array(t);
  const df = new Uint32Array(t);
  const last = new Int32Array(t);
  for (const a of [start, end, df, last]) yield bytesOf(a);
  const ends = new Uint32Array(n);
  yield bytesOf(ends);
  const pool = new Uint8Array(poolBytes);
  yield pool;
  const streams = new Uint8Array(latinBytes);
  yield streams;
  for (let i = 0; i < n; i++) if (ends[i]! > latinBytes || (i > 0 && ends[i]! < ends[i - 1]!)) throw new SnapshotFormatError('corrupt token streams');
  for (let i = 0; i < t; i++) if (end[i]! > poolBytes || start[i]! > end[i]!) throw new SnapshotFormatError('corrupt posting offsets');
  const docs = { ...fields, alive, lens, latins: { words, ends, pool: streams } } as SnapshotDocs;
  return { revision, docs, postings: { terms, start, end, df, last, pool } };
}

/** Decodes a snapshot held in one buffer; null for a foreign, truncated, trailing-garbage or older-format one. */
export function decodeSnapshot(input: Uint8Array): DecodedSnapshot | null {
  if (!(input instanceof Uint8Array)) return null;
  const dec = snapshotDecoder();
  let at = 0;
  try {
    for (let step = dec.next(); ; ) {
      if (step.done) return at === input.length ? step.value : null;
      const dest = step.value;
      if (at + dest.length > input.length) return null;
      dest.set(input.subarray(at, at + dest.length));
      at += dest.length;
      step = dec.next();
    }
  } catch (error) {
    if (error instanceof SnapshotFormatError) return null;
    throw error;
  }
}

/** Reads bytes in order: fills `dest` completely and returns true, or returns false at the end of the data. */
export type ByteSource = (dest: Uint8Array) => Promise<boolean>;

/**
 * Decodes a snapshot from a byte source, section by section (so memory peaks at the live index plus one
 * section, and the event loop gets a turn between reads). Throws `SnapshotFormatError` for a bad snapshot.
 */
export async function readSnapshot(read: ByteSource): Promise<DecodedSnapshot> {
  const dec = snapshotDecoder();
  for (let step = dec.next(); ; ) {
    if (step.done) {
      if (await read(new Uint8Array(1))) throw new SnapshotFormatError('trailing bytes after the snapshot');
      return step.value;
    }
    if (!(await read(step.value))) throw new SnapshotFormatError('truncated snapshot');
    step = dec.next();
  }
}
