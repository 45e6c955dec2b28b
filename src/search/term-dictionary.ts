/**
 * The term dictionary's sorted view, for prefix completion. Sorting 500k terms takes a few hundred
 * milliseconds, so the sorted list is kept, terms added since are scanned linearly and merged in once they
 * are many; a snapshot stores its terms already sorted. Also generates typo candidates.
 */

const MERGE_AT = 4096;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Sorted access to a growing list of terms. */
export class TermDictionary {
  private sorted: string[] = [];
  private covered = 0;

  /** `terms` returns the live term list (append-only); `presorted` when it is sorted already. */
  constructor(
    private readonly terms: () => readonly string[],
    presorted = false,
  ) {
    if (presorted) {
      this.sorted = [...terms()];
      this.covered = this.sorted.length;
    }
  }

  /** Merges terms added since the last sort once they are many (called after each batch of additions). */
  refresh(): void {
    const all = this.terms();
    if (all.length - this.covered >= MERGE_AT) {
      // Sort only the new terms, then merge: re-sorting everything after every batch costs seconds.
      const fresh = all.slice(this.covered).sort();
      const old = this.sorted;
      const merged: string[] = new Array<string>(old.length + fresh.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < old.length && j < fresh.length) merged[k++] = old[i]! < fresh[j]! ? old[i++]! : fresh[j++]!;
      while (i < old.length) merged[k++] = old[i++]!;
      while (j < fresh.length) merged[k++] = fresh[j++]!;
      this.sorted = merged;
      this.covered = all.length;
    }
  }

  /** Up to `max` terms starting with `prefix` (unordered beyond the sorted part). */
  withPrefix(prefix: string, max: number): string[] {
    this.refresh();
    const out: string[] = [];
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < s.length && out.length < max && s[i]!.startsWith(prefix); i++) out.push(s[i]!);
    const all = this.terms();
    for (let i = this.covered; i < all.length && out.length < max; i++) if (all[i]!.startsWith(prefix)) out.push(all[i]!);
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
