/** The sorted term view: merging new terms in batches keeps every term in order, and prefixes find them all. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TermDictionary } from '../../src/search/term-dictionary.ts';
import { rng } from '../../bench/lib/rng.ts';

test('terms merged in batches come out in sorted order, and prefix lookups see sorted and recent terms', () => {
  const rand = rng(5);
  const terms: string[] = [];
  const seen = new Set<string>();
  const dict = new TermDictionary(() => terms);
  for (let batch = 0; batch < 6; batch++) {
    for (let i = 0; i < 5000; i++) {
      const t = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => String.fromCharCode(97 + Math.floor(rand() * 6))).join('') + (batch % 2 ? '扩散' : '');
      if (seen.has(t)) continue;
      seen.add(t);
      terms.push(t);
    }
    dict.refresh();
    const expected = terms.filter((t) => t.startsWith('ab')).sort();
    assert.deepEqual(dict.withPrefix('ab', 100_000).sort(), expected, `batch ${batch}`);
  }
  const order = Array.from(dict.order(), (id) => terms[id]!);
  assert.deepEqual(order, [...terms].sort());
});
