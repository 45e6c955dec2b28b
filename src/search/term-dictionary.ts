/**
 * The term dictionary's sorted view, for prefix completion. Sorting 500k terms takes a few hundred
 * milliseconds, so the sorted list is kept, terms added since are scanned linearly and merged in once they
 * are many; a snapshot stores its terms already sorted. Also generates typo candidates.
 */

const MERGE_AT = 4096;

/** First index in `from..to` whose string (`at`, ascending there) is not below `x`: the one binary search over sorted terms and ids. */
export function lowerBound(from: number, to: number, at: (i: number) => string, x: string): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Sorted access to a growing list of terms. */
export class TermDictionary {
  /** Term ids in term order (ids index the term list, so the strings are not held twice). */
  private sorted = new Int32Array(0);
  private covered = 0;

  /** `terms` returns the live term list (append-only); `presorted` when it is sorted already. */
  constructor(
    private readonly terms: () => readonly string[],
    presorted = false,
  ) {
    if (presorted) {
      const n = terms().length;
      this.sorted = new Int32Array(n);
      for (let i = 0; i < n; i++) this.sorted[i] = i;
      this.covered = n;
    }
  }

  /** Merges terms added since the last sort once they are many (called after each batch of additions). */
  refresh(force = false): void {
    const all = this.terms();
    if (all.length - this.covered >= MERGE_AT || (force && all.length > this.covered)) {
      // Sort only the new terms, then merge: re-sorting everything after every batch costs seconds.
      const fresh = Array.from({ length: all.length - this.covered }, (_, i) => this.covered + i).sort((a, b) =>
        all[a]! < all[b]! ? -1 : all[a]! > all[b]! ? 1 : 0,
      );
      // The new terms are few next to the old ones (4,096 against millions): find each one's place by binary search
      // and copy the old runs between them in bulk, instead of comparing every old term (≈100 ms at a million papers).
      const old = this.sorted;
      const merged = new Int32Array(old.length + fresh.length);
      const oldTerm = (i: number): string => all[old[i]!]!;
      let from = 0;
      let k = 0;
      for (const id of fresh) {
        const lo = lowerBound(from, old.length, oldTerm, all[id]!);
        merged.set(old.subarray(from, lo), k);
        k += lo - from;
        from = lo;
        merged[k++] = id;
      }
      merged.set(old.subarray(from), k);
      this.sorted = merged;
      this.covered = all.length;
    }
  }

  /** Every term id in term order (merging recent terms first). The array is not modified afterwards. */
  order(): Int32Array {
    this.refresh(true);
    return this.sorted;
  }

  /** Up to `max` terms starting with `prefix` (unordered beyond the sorted part). */
  withPrefix(prefix: string, max: number): string[] {
    const all = this.terms();
    return this.idsWithPrefix(prefix, max).map((id) => all[id]!);
  }

  /** The ids of up to `max` terms starting with `prefix`, as `withPrefix` finds them (no term lookup needed for them). */
  idsWithPrefix(prefix: string, max: number): number[] {
    this.refresh();
    const out: number[] = [];
    const s = this.sorted;
    const all = this.terms();
    for (let i = lowerBound(0, s.length, (k) => all[s[k]!]!, prefix); i < s.length && out.length < max && all[s[i]!]!.startsWith(prefix); i++) out.push(s[i]!);
    for (let i = this.covered; i < all.length && out.length < max; i++) if (all[i]!.startsWith(prefix)) out.push(i);
    return out;
  }

  /** Every string at edit distance 1 (deletion, substitution, insertion, transposition) over a–z0–9. */
  edits1(word: string): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i <= word.length; i++) {
      const a = word.slice(0, i);
      const b = word.slice(i);
      if (b) out.add(a + b.slice(1));
      if (b.length > 1) out.add(a + b[1] + b[0] + b.slice(2));
      for (const c of ALPHABET) {
        if (b) out.add(a + c + b.slice(1));
        out.add(a + c + b);
      }
    }
    out.delete(word);
    return out;
  }
}
