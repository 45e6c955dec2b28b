/**
 * Set operations over ascending lists of document slots: the algebra a query is evaluated in (intersection for
 * "all words", union for alternatives and OR groups, subtraction for exclusions) and the top-k cut of a scored
 * list. Results are carved from the caller's `Slab`, so a query allocates almost nothing.
 */
import type { Slab } from './slab.ts';

/** True when the ascending list `sorted` holds `x` (binary search). */
export function has(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Intersection of two ascending slot lists. */
export function intersect(a: Int32Array, b: Int32Array, slab: Slab): Int32Array {
  const out = slab.alloc(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[k++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, k);
}

/** Union of ascending slot lists, ascending and without duplicates. */
export function unionAll(lists: Int32Array[], slab: Slab): Int32Array {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return new Int32Array(0);
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  // Two lists (a word and its translation, a typed and a translated item) merge in one linear pass; the byte map
  // below scans the whole slot range, a millisecond at a million papers however short the lists.
  if (nonEmpty.length === 2) return merge(nonEmpty[0]!, nonEmpty[1]!, slab);
  const total = nonEmpty.reduce((n, l) => n + l.length, 0);
  let max = 0;
  for (const l of nonEmpty) max = Math.max(max, l[l.length - 1]!);
  if (total > 4096 && max < total * 64) {
    // Large unions: a byte map over the slot range and one scan beat sorting the concatenation.
    // Branch-free: whether a slot is set is a coin toss for a common word, and mispredicted branches made the
    // scan of a million slots cost ten milliseconds.
    const seen = slab.bytes(max + 1);
    let count = 0;
    for (const l of nonEmpty) {
      for (let i = 0; i < l.length; i++) {
        const x = l[i]!;
        count += 1 - seen[x]!;
        seen[x] = 1;
      }
    }
    const out = slab.alloc(count + 1);
    let k = 0;
    for (let slot = 0; slot <= max; slot++) {
      out[k] = slot;
      k += seen[slot]!;
    }
    seen.fill(0, 0, max + 1);
    return out.subarray(0, count);
  }
  const all = slab.alloc(total);
  let k = 0;
  for (const l of nonEmpty) {
    all.set(l, k);
    k += l.length;
  }
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[w++] = all[i]!;
  return all.subarray(0, w);
}

/** Union of two ascending slot lists. */
function merge(a: Int32Array, b: Int32Array, slab: Slab): Int32Array {
  const out = slab.alloc(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) {
      out[k++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out.subarray(0, k);
}

/** Elements of `a` not in `b` (both ascending). */
export function subtract(a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) out.push(x);
  }
  return Int32Array.from(out);
}

/**
 * The best `k` of `items` by `cmp`, sorted. Large result sets are cut first at the k-th best score
 * (quickselect on a copy of the scores, O(n)), so only about k items are sorted with the full comparator.
 */
export function topK(
  items: Int32Array,
  k: number,
  score: Float64Array,
  days: Uint32Array,
  slab: Slab,
  cmp: (a: number, b: number) => number,
): number[] {
  if (items.length <= k * 2) return Array.from(items).sort(cmp).slice(0, k);
  // Scores go through the slab's Int32 memory as float64 bits, so no per-query buffer is allocated.
  const raw = slab.alloc(items.length * 2 + 2);
  const vals = new Float64Array(raw.buffer, raw.byteOffset + (raw.byteOffset % 8), items.length);
  for (let i = 0; i < items.length; i++) vals[i] = score[items[i]!]!;
  const threshold = kthLargest(vals, k);
  const keep: number[] = [];
  const ties: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const x = items[i]!;
    const v = score[x]!;
    if (v > threshold + 1e-9) keep.push(x);
    else if (v >= threshold - 1e-9) ties.push(x);
  }
  if (ties.length > k * 4) {
    // Many equal scores (filter-only queries score 0): pick the newest of the ties by a numeric key
    // (day · 2^24 + slot, exact in a double) before sorting, instead of sorting them all.
    const need = k - keep.length;
    const keys = new Float64Array(ties.length);
    for (let i = 0; i < ties.length; i++) keys[i] = days[ties[i]!]! * 16_777_216 + ties[i]!;
    const cut = kthLargest(keys.slice(), need);
    for (let i = 0; i < ties.length; i++) if (keys[i]! >= cut) keep.push(ties[i]!);
  } else {
    for (const x of ties) keep.push(x);
  }
  return keep.sort(cmp).slice(0, k);
}

/** The k-th largest value (1-based) of `a`, reordering `a` in place (Hoare quickselect). */
export function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}
