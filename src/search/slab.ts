/**
 * A bump allocator for per-query Int32 scratch memory. Queries over 100k papers decode posting lists of
 * tens of thousands of entries; allocating fresh typed arrays for each made garbage collection the main
 * source of tail latency, so lists are carved from one reusable buffer that is reset per query.
 */
export class Slab {
  private buf = new Int32Array(1 << 16);
  private used = 0;

  private byteMap = new Uint8Array(0);

  /** A zeroed byte map of at least `n` entries, shared: callers must zero what they set before returning. */
  bytes(n: number): Uint8Array {
    if (this.byteMap.length < n) this.byteMap = new Uint8Array(Math.max(n, this.byteMap.length * 2));
    return this.byteMap;
  }

  /** Forgets every allocation (their contents may then be overwritten). */
  reset(): void {
    this.used = 0;
  }

  /** `n` Int32 slots of uninitialised memory, valid until the next `reset`. */
  alloc(n: number): Int32Array {
    if (this.used + n > this.buf.length) {
      // Views handed out earlier keep the old buffer alive; new ones come from a bigger buffer.
      this.buf = new Int32Array(Math.max(n, this.buf.length * 2));
      this.used = 0;
    }
    const out = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return out;
  }
}
