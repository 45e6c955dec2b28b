/**
 * Append-only bytes in chunks, addressed by one offset as if they were a single buffer. A record (one paper's
 * string or token stream) never straddles two chunks, and growing allocates a new chunk instead of copying the old
 * bytes: a single growing buffer copies everything it holds each time it grows — at a million papers a few hundred
 * megabytes in one synchronous step, the first time a paper is added after start-up (a loaded snapshot is cut to
 * its exact size).
 */

/** Smallest chunk allocated. */
const MIN_CHUNK = 1 << 16;
/**
 * Largest chunk allocated for growth (a loaded snapshot's first chunk may be bigger). Small enough that the first
 * papers added after start-up — a new chunk for each column at once — do not add enough outside-the-heap memory to
 * set off a full garbage collection.
 */
const MAX_CHUNK = 4 << 20;

/** Append-only chunked bytes. */
export class ByteChunks {
  private chunks: Uint8Array[] = [];
  /** Offset of each chunk's first byte. */
  private bases: number[] = [];
  /** Bytes used in the last chunk. */
  private used = 0;
  private total = 0;

  /** Bytes stored. */
  get length(): number {
    return this.total;
  }

  /** Bytes allocated (for diagnostics). */
  get capacity(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }

  /**
   * Room for a record of at most `max` bytes: the buffer and the position to write at. Call `commit` with the bytes
   * written before reserving again.
   */
  reserve(max: number): { buf: Uint8Array; at: number } {
    let last = this.chunks[this.chunks.length - 1];
    if (!last || this.used + max > last.length) {
      // Chunks grow with what is stored (a quarter of it), so there are few of them and little spare room.
      if (last) this.chunks[this.chunks.length - 1] = last.subarray(0, this.used);
      last = new Uint8Array(Math.max(max, Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, this.total >>> 2))));
      this.chunks.push(last);
      this.bases.push(this.total);
      this.used = 0;
    }
    return { buf: last, at: this.used };
  }

  /** Records `written` bytes at the position `reserve` returned. */
  commit(written: number): void {
    this.used += written;
    this.total += written;
  }

  /** The bytes `from`..`to` of one record (a view, not a copy). */
  view(from: number, to: number): Uint8Array {
    if (to <= from) return EMPTY;
    const k = this.chunkOf(from);
    const base = this.bases[k]!;
    return this.chunks[k]!.subarray(from - base, to - base);
  }

  /** The first `end` bytes as chunks back to back (views; bytes once written never change), for a snapshot. */
  parts(end = this.total): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let k = 0; k < this.chunks.length && this.bases[k]! < end; k++) {
      const chunk = k === this.chunks.length - 1 ? this.chunks[k]!.subarray(0, this.used) : this.chunks[k]!;
      out.push(chunk.subarray(0, Math.min(chunk.length, end - this.bases[k]!)));
    }
    return out;
  }

  /** Chunks over `bytes` (a loaded snapshot's pool, taken over as the first, full chunk). */
  static over(bytes: Uint8Array): ByteChunks {
    const c = new ByteChunks();
    if (bytes.length > 0) {
      c.chunks.push(bytes);
      c.bases.push(0);
      c.used = bytes.length;
      c.total = bytes.length;
    }
    return c;
  }

  /** The chunk holding offset `at`: the last whose base is at or before it (an empty chunk holds nothing). */
  private chunkOf(at: number): number {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

const EMPTY = new Uint8Array(0);
