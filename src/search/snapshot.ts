/**
 * Binary snapshot of a search index: a small fixed header, one JSON block for the strings, then the typed
 * arrays copied as they are. Loading is JSON.parse plus memcpy, no re-tokenising.
 *
 * Layout (little-endian): "ADSI" | u32 format | f64 revision | u32 json bytes | json | pad to 4 |
 * alive u8[docs] | pad | lens u16[4·docs] | pad | start u32[terms] | end u32[terms] | df u32[terms] |
 * last i32[terms] | pool u8[poolBytes]
 */
import type { PostingArrays } from './postings.ts';

/** Bumped whenever the layout or the analyzer changes: an older snapshot is then rebuilt, not misread. */
export const SNAPSHOT_FORMAT = 3;
/** Lengths stored per document: title, authors, abstract, original title (format 2 added the last; format 3 indexes categories and author name forms). */
export const LENS_PER_DOC = 4;
const MAGIC = 0x49534441; // "ADSI"
const HEADER = 20;

/** Per-document arrays of the index, by slot. */
export interface SnapshotDocs {
  ids: string[];
  titles: string[];
  firstAuthors: string[];
  dates: string[];
  sources: string[];
  titleNorms: string[];
  latins: string[];
  alive: Uint8Array;
  lens: Uint16Array;
}

interface JsonBlock {
  docs: Omit<SnapshotDocs, 'alive' | 'lens'>;
  terms: string[];
  poolBytes: number;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Encodes docs and postings into one buffer. */
export function encodeSnapshot(revision: number, docs: SnapshotDocs, p: PostingArrays): Uint8Array {
  const block: JsonBlock = {
    docs: {
      ids: docs.ids,
      titles: docs.titles,
      firstAuthors: docs.firstAuthors,
      dates: docs.dates,
      sources: docs.sources,
      titleNorms: docs.titleNorms,
      latins: docs.latins,
    },
    terms: p.terms,
    poolBytes: p.pool.length,
  };
  const json = new TextEncoder().encode(JSON.stringify(block));
  const n = docs.ids.length;
  const t = p.terms.length;
  let size = pad4(HEADER + json.length);
  const aliveAt = size;
  size = pad4(size + n);
  const lensAt = size;
  size = pad4(size + n * LENS_PER_DOC * 2);
  const arraysAt = size;
  size += t * 16;
  const poolAt = size;
  size += p.pool.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, SNAPSHOT_FORMAT, true);
  view.setFloat64(8, revision, true);
  view.setUint32(16, json.length, true);
  out.set(json, HEADER);
  out.set(docs.alive, aliveAt);
  new Uint16Array(out.buffer, lensAt, n * LENS_PER_DOC).set(docs.lens);
  new Uint32Array(out.buffer, arraysAt, t).set(p.start);
  new Uint32Array(out.buffer, arraysAt + t * 4, t).set(p.end);
  new Uint32Array(out.buffer, arraysAt + t * 8, t).set(p.df);
  new Int32Array(out.buffer, arraysAt + t * 12, t).set(p.last);
  out.set(p.pool, poolAt);
  return out;
}

/** The revision stored in a snapshot, or null when the buffer is not a snapshot of the current format. */
export function snapshotRevision(buf: Uint8Array): number | null {
  if (!(buf instanceof Uint8Array) || buf.length < HEADER) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== SNAPSHOT_FORMAT) return null;
  return view.getFloat64(8, true);
}

/** Decodes a snapshot, or returns null for a foreign, truncated or older-format buffer. */
export function decodeSnapshot(
  input: Uint8Array,
): { revision: number; docs: SnapshotDocs; postings: PostingArrays } | null {
  const revision = snapshotRevision(input);
  // A Node Buffer's slice() is a view, not a copy: work on a plain Uint8Array so slices below own their memory.
  const buf = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (revision === null) return null;
  try {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const jsonLen = view.getUint32(16, true);
    if (HEADER + jsonLen > buf.length) return null;
    const block = JSON.parse(new TextDecoder().decode(buf.subarray(HEADER, HEADER + jsonLen))) as JsonBlock;
    const n = block.docs.ids.length;
    const t = block.terms.length;
    let at = pad4(HEADER + jsonLen);
    const aliveAt = at;
    at = pad4(at + n);
    const lensAt = at;
    at = pad4(at + n * LENS_PER_DOC * 2);
    const arraysAt = at;
    const poolAt = arraysAt + t * 16;
    if (poolAt + block.poolBytes !== buf.length) return null;
    // Copy into fresh, aligned arrays: the caller's buffer may sit at any offset and can then be dropped.
    const copy = (start: number, bytes: number): ArrayBuffer => buf.slice(start, start + bytes).buffer;
    return {
      revision,
      docs: {
        ...block.docs,
        alive: buf.slice(aliveAt, aliveAt + n),
        lens: new Uint16Array(copy(lensAt, n * LENS_PER_DOC * 2)),
      },
      postings: {
        terms: block.terms,
        start: new Uint32Array(copy(arraysAt, t * 4)),
        end: new Uint32Array(copy(arraysAt + t * 4, t * 4)),
        df: new Uint32Array(copy(arraysAt + t * 8, t * 4)),
        last: new Int32Array(copy(arraysAt + t * 12, t * 4)),
        pool: buf.slice(poolAt, poolAt + block.poolBytes),
      },
    };
  } catch {
    return null;
  }
}
