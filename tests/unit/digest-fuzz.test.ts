/**
 * Fuzzing the parser with fast-check: generated hostile digests (markdown, HTML, table and list fragments, paper
 * links, control and invisible characters) must never crash it, never take long, and cost time linear in their size.
 * Linearity is measured robustly: a generated unit repeated n and 2n times, best of three runs each, and the larger
 * input may not cost more than 3× the smaller (plus a few milliseconds of timer noise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDigest } from '../../src/digest/index.ts';

const FRAGMENTS = [
  '*', '**', '_', '__', '`', '```', '~~~', '[', ']', '](', ')', '(', '|', '\\|', '\\', '<', '>', '> ', '- ', '* ', '1. ', '# ', '### ',
  '<details>', '</details>', '<summary>', '</summary>', '<b>', '</b>', '<tr>', '<td>', '</td>', '</tr>', '<a href="./papers/250910769v1-x.html">',
  'data-arxiv-id="2509.10769v1"', 'https://arxiv.org/abs/2501.00001', 'https://arxiv.org/pdf/2501.0000', 'huggingface.co/papers/2501.00002',
  'https://doi.org/10.1101/2025.01.01.000001', 'biorxiv.org/content/10.64898/2026.01.10.698764v1', 'arXiv:2501.00003', '2501.00004',
  '**Authors:** ', '**原文标题：** ', 'Abstract: ', 'TL;DR: ', 'Smith, A', 'A', '.', ',', ';', ' et.al.', '&amp;', '&#x', '\n', '\r', '\r\n', ' ',
  '\t', '\u3164', '\u00AD', '\u200B', '\u{E0041}', '标题', '摘要', '⭐ 12', '1️⃣', '---', '| 标题 | 作者 | PDF链接 |\n|---|---|---|\n',
  '- 2022-11-29, **', '**, ', ', Paper: [', '2025-01-01',
];
const fragment = fc.constantFrom(...FRAGMENTS);
const chunk = fc.oneof(fragment, fragment, fragment, fc.string({ maxLength: 8 }));
const unit = fc.array(chunk, { minLength: 1, maxLength: 40 }).map((parts) => parts.join(''));

function best(text: string, runs = 3): number {
  let ms = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    parseDigest({ text, fileName: 'fuzz-2025-01-01.md' });
    ms = Math.min(ms, performance.now() - start);
  }
  return ms;
}

test('generated hostile digests never crash the parser and each parses within a time bound', () => {
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 60 }), (units) => {
      const text = units.join('');
      const start = performance.now();
      const r = parseDigest({ text, fileName: 'fuzz-2025-01-01.md' });
      const ms = performance.now() - start;
      assert.equal(r.warnings.some((w) => w.kind === 'parse-error'), false, r.warnings.map((w) => w.message).join('; '));
      for (const p of r.papers) assert.equal(/[\r\n]/.test(p.title), false, `title with a newline: ${JSON.stringify(p.title)}`);
      assert.ok(ms < 1000, `${text.length} chars took ${ms} ms`);
    }),
    { numRuns: 300 },
  );
});

test('parse time is linear in input size for generated repeated units', () => {
  fc.assert(
    fc.property(unit, (u) => {
      const n = Math.max(1, Math.floor(16_000 / Math.max(1, u.length)));
      const small = u.repeat(n);
      const large = u.repeat(2 * n);
      best(small, 1); // warm-up
      let a = best(small);
      let b = best(large);
      // A GC pause or another process can stretch one measurement: measure again before calling it super-linear.
      for (let retry = 0; retry < 3 && b > 3 * a + 15; retry++) {
        a = Math.min(a, best(small));
        b = Math.min(b, best(large));
      }
      assert.ok(b <= 3 * a + 15, `unit ${JSON.stringify(u.slice(0, 60))}: ${small.length} chars ${a.toFixed(1)} ms, ${large.length} chars ${b.toFixed(1)} ms`);
    }),
    { numRuns: 40 },
  );
});
