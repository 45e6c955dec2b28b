/** Bad input never throws, never hangs, and gets a warning naming the line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDigest } from '../../src/digest/index.ts';

const HEADER = '# arxiv 2025-01-01\n\n| 标题 | 作者 | PDF链接 |  摘要 |\n|------|------|--------|------|\n';
const row = (n: number): string => `| 论文${n} | Author ${n} | [PDF](https://arxiv.org/pdf/2501.${String(10000 + n)}v1) | 摘要${n} |\n`;

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

test('empty, whitespace-only and binary files give a warning and no papers', () => {
  for (const text of ['', '   \n\n']) {
    const r = parseDigest({ text, fileName: 'x.md' });
    assert.deepEqual([r.papers.length, r.warnings[0]?.kind], [0, 'empty-file']);
  }
  const bin = parseDigest({ text: '# a\nline two\u0000\u0001\u00ff', fileName: 'x.md' });
  assert.deepEqual([bin.papers.length, bin.warnings[0]?.kind, bin.warnings[0]?.line], [0, 'binary', 2]);
});

test('a table with no links warns on each row', () => {
  const r = parseDigest({ text: `${HEADER}| 无链接 | A | N/A | 摘要 |\n`, fileName: 'x.md' });
  assert.equal(r.papers.length, 0);
  assert.ok(r.warnings.some((w) => w.kind === 'row-without-link' && w.line === 5));
});

test('a 10,000-line cell is parsed in linear time with a huge-cell warning', () => {
  const cell = Array.from({ length: 10_000 }, (_, i) => `注释行 ${i} ${'x'.repeat(40)}`).join('\n');
  const text = `${HEADER}| 标题\n${cell} | A | [PDF](https://arxiv.org/pdf/2501.00001v1) | 摘要 |\n${row(1)}`;
  const { value: r, ms } = timed(() => parseDigest({ text, fileName: 'x.md' }));
  assert.equal(r.papers.length, 2);
  assert.equal(r.papers[0]?.title, '标题');
  assert.ok(r.warnings.some((w) => w.kind === 'huge-cell' && w.line === 5));
  assert.ok(ms < 3000, `${ms} ms`);
});

test('a row that never closes is cut at the next row, or the end of the file', () => {
  const text = `${HEADER}| 开放 | A | [PDF](https://arxiv.org/pdf/2501.00001v1) | 没有结尾\n${'继续\n'.repeat(50_000)}`;
  const { value: r, ms } = timed(() => parseDigest({ text, fileName: 'x.md' }));
  assert.equal(r.papers.length, 1);
  assert.ok(r.warnings.some((w) => w.kind === 'unclosed-row' && w.line === 5));
  assert.ok(ms < 3000, `${ms} ms`);
});

test('time is linear in input size (a 12 MB file is ≤ 8× slower than a 1.5 MB one, plus slack)', () => {
  const small = HEADER + Array.from({ length: 10_000 }, (_, i) => row(i)).join('');
  const big = small.repeat(8);
  parseDigest({ text: small, fileName: 'x.md' }); // warm-up
  const a = timed(() => parseDigest({ text: small, fileName: 'x.md' }));
  const b = timed(() => parseDigest({ text: big, fileName: 'x.md' }));
  assert.equal(a.value.papers.length, 10_000);
  assert.ok(b.ms < a.ms * 16 + 500, `small ${a.ms} ms, big ${b.ms} ms`);
});

test('pathological lines do not backtrack', () => {
  const lines = [
    `# ${'#'.repeat(100_000)}x`,
    `|${'-'.repeat(3000)}${' '.repeat(50_000)}x`,
    `- 2022-11-29, **${'*'.repeat(100_000)}`,
    `| ${'['.repeat(50_000)} | ${'**'.repeat(20_000)} | [PDF](${'('.repeat(20_000)} | <${'a '.repeat(30_000)} |`,
  ];
  const { ms } = timed(() => parseDigest({ text: HEADER + lines.join('\n'), fileName: 'x.md' }));
  assert.ok(ms < 3000, `${ms} ms`);
});

test('non-string input does not throw', () => {
  const r = parseDigest({ text: undefined as unknown as string });
  assert.equal(r.papers.length, 0);
});
