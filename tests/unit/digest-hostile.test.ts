/**
 * Regression tests for the parser findings of issue 15 (item 3: super-linear regexes and quadratic nesting; item
 * 11: CR-only line endings, invisible characters) and the author forms of issue 11. The time bounds are generous
 * (a hang, not a benchmark): before the fixes these inputs took from seconds to minutes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDigest, splitAuthors } from '../../src/digest/index.ts';

const HEADER = '# Arxiv 2025-01-01 Papers\n\n| 标题 | 作者 | PDF链接 | 代码仓库 | Title |\n|---|---|---|---|---|\n';
const row = (title: string, authors = 'Ann Lee', id = '2501.00001'): string => `| ${title} | ${authors} | [PDF](http://arxiv.org/pdf/${id}v1) | N/A | T |\n`;

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

test('an author cell "Smith, AAAA…A1" (44 letters) is split at once (was exponential: minutes)', () => {
  const cell = `Smith, ${'A'.repeat(44)}1`;
  const { value, ms } = timed(() => splitAuthors(cell));
  assert.deepEqual(value, ['Smith', `${'A'.repeat(44)}1`]);
  assert.ok(ms < 200, `${ms} ms`);
  const { value: r, ms: parseMs } = timed(() => parseDigest({ text: HEADER + row('标题', cell), fileName: 'x.md' }));
  assert.equal(r.papers.length, 1);
  assert.ok(parseMs < 1000, `${parseMs} ms`);
});

test('list items near the length cap cost linear time (was 0.6 s a line)', () => {
  // Many title ends (`**,`) times many almost-links (`, Paper: [`) times the line: cubic for the old single regex.
  const lines = Array.from({ length: 20 }, () => `- 2022-11-29, **${'**, Paper: ['.repeat(320)}\n`).join('');
  const { value: r, ms } = timed(() => parseDigest({ text: `## SLAM\n\n${lines}`, fileName: '2022-12-01.md' }));
  assert.equal(r.papers.length, 0);
  assert.ok(ms < 2000, `${ms} ms`);
  const ok = parseDigest({
    text: '## SLAM\n\n- 2022-11-30, **A Title**, Pia Patel et.al., Paper: [http://arxiv.org/abs/2211.16882v1](http://arxiv.org/abs/2211.16882v1), Code: **[https://github.com/x/y](https://github.com/x/y)**\n',
    fileName: '2022-12-01.md',
  });
  assert.deepEqual(ok.papers.map((p) => [p.id, p.title, p.authors, p.published, p.codeUrl]), [
    ['arxiv:2211.16882', 'A Title', ['Pia Patel'], '2022-11-30', 'https://github.com/x/y'],
  ]);
});

test('nested markdown in a table cell is not handed to remark unbounded (was 46 s and over 90 s)', () => {
  for (const cell of ['*a_'.repeat(20_000), '- '.repeat(10_000) + '> '.repeat(10_000), '*a_'.repeat(1_300), '&amp;'.repeat(800)]) {
    const { value: r, ms } = timed(() => parseDigest({ text: HEADER + row(cell), fileName: 'x.md' }));
    assert.equal(r.papers.length, 1);
    assert.ok(ms < 2000, `${cell.slice(0, 6)}… ${cell.length} chars: ${ms} ms`);
  }
});

test('CR-only line endings parse like LF (were 0 papers and no warning)', () => {
  const lf = HEADER + row('点云补全') + row('文本到视频', 'Ola Berg', '2501.00002');
  const cr = parseDigest({ text: lf.replace(/\n/g, '\r'), fileName: 'x.md' });
  assert.deepEqual(cr, parseDigest({ text: lf, fileName: 'x.md' }));
  assert.equal(cr.papers.length, 2);
});

test('invisible characters never reach titles or authors', () => {
  const hidden = '\u3164\u00AD\u061C\u{E0041}\u{E007F}\u200B';
  const r = parseDigest({ text: HEADER + row(`点${hidden}云补全`, `Ning${hidden} Fu`), fileName: 'x.md' });
  assert.equal(r.papers[0]?.title, '点云补全');
  assert.deepEqual(r.papers[0]?.authors, ['Ning Fu']);
  const block = parseDigest({ text: `### [\u3164Title${hidden}](https://arxiv.org/abs/2501.00003)\n*A\u00ADnn Lee,Bo\u3164 Chen*\n`, fileName: '2025-01-01.md' });
  assert.deepEqual(block.papers.map((p) => [p.title, p.authors]), [['Title', ['Ann Lee', 'Bo Chen']]]);
});

test('bioRxiv "Surname, I." authors: lower case, particles, several per cell, no empty names', () => {
  assert.deepEqual(splitAuthors('yang, z.'), ['yang, z.']);
  assert.deepEqual(splitAuthors('Fernandes, G. d. R.'), ['Fernandes, G. d. R.']);
  assert.deepEqual(splitAuthors('Souza, F. H. A. d.'), ['Souza, F. H. A. d.']);
  assert.deepEqual(splitAuthors('Souza, F. H. A. d.; yang, z.; Gutierrez del Burgo, F. J.'), ['Souza, F. H. A. d.', 'yang, z.', 'Gutierrez del Burgo, F. J.']);
  assert.deepEqual(splitAuthors('OLVG hospital,'), ['OLVG hospital']);
  assert.deepEqual(splitAuthors('A. One,B. Two, C. Three,'), ['A. One', 'B. Two', 'C. Three']);
  assert.deepEqual(splitAuthors('Zhang, Wei'), ['Zhang', 'Wei']);
});

test('a file with paper links and no recognisable paper says so, naming the first line', () => {
  const r = parseDigest({ text: '# Notes\n\nWe compared https://arxiv.org/abs/2501.00001 with https://arxiv.org/abs/2501.00002 today.\n', fileName: '2025-01-01.md' });
  assert.equal(r.papers.length, 0);
  const w = r.warnings.find((x) => x.kind === 'unrecognised-layout');
  assert.equal(w?.line, 3);
  assert.match(w?.message ?? '', /2 paper links but no papers recognised: layout not understood/);
});

test('a one-line 5 MB file of anchors and markup stays linear', () => {
  const text = '[x](https://arxiv.org/abs/2501.00001) **a** '.repeat(120_000);
  const { value: r, ms } = timed(() => parseDigest({ text, fileName: 'x.md' }));
  assert.equal(r.warnings.some((w) => w.kind === 'parse-error'), false);
  assert.ok(ms < 5000, `${ms} ms`);
});
