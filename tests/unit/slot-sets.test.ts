import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intersect, subtract, topK, unionAll } from '../../src/search/slot-sets.ts';
import { Slab } from '../../src/search/slab.ts';

/** Ascending distinct slots from arbitrary numbers, sometimes spread over a large range, sometimes dense. */
const slotList = fc
  .uniqueArray(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2_000_000 })), {
    maxLength: 3000,
    size: 'large',
  })
  .map((a) => Int32Array.from(a.sort((x, y) => x - y)));

test('unionAll, intersect and subtract agree with set arithmetic for any number of lists', () => {
  fc.assert(
    fc.property(fc.array(slotList, { maxLength: 6 }), (lists) => {
      const slab = new Slab();
      const want = [...new Set(lists.flatMap((l) => [...l]))].sort((x, y) => x - y);
      assert.deepEqual([...unionAll(lists, slab)], want);
      if (lists.length >= 2) {
        const [a, b] = [lists[0]!, lists[1]!];
        const inB = new Set(b);
        assert.deepEqual([...intersect(a, b, slab)], [...a].filter((x) => inB.has(x)));
        assert.deepEqual([...subtract(a, b)], [...a].filter((x) => !inB.has(x)));
      }
    }),
    { numRuns: 150 },
  );
});

test('topK returns the best k by the comparator, ties newest first, on small and large inputs', () => {
  fc.assert(
    fc.property(slotList, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 2 ** 31 }), (items, k, seed) => {
      const size = (items.length > 0 ? items[items.length - 1]! : 0) + 1;
      const score = new Float64Array(size);
      const days = new Uint32Array(size);
      let x = seed;
      for (const s of items) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        score[s] = (x % 7) / 2; // few distinct scores: many ties
        days[s] = x % 5;
      }
      const cmp = (a: number, b: number): number => score[b]! - score[a]! || days[b]! - days[a]! || b - a;
      assert.deepEqual(topK(items, k, score, days, new Slab(), cmp), [...items].sort(cmp).slice(0, k));
    }),
    { numRuns: 100 },
  );
});
