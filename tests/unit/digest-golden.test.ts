/**
 * Golden test for the sample digest shipped in samples/: exactly its 10 papers, each with a clean one-line
 * title, first author, PDF link and full abstract. The expected JSON was generated once and checked by hand
 * against the markdown (titles = first line of each title cell, abstracts = the whole last cell).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDigest } from '../../src/digest/index.ts';

const root = join(import.meta.dirname, '..', '..');
const text = readFileSync(join(root, 'samples', '2025-11-23-arxiv.md'), 'utf8');
const golden: unknown = JSON.parse(readFileSync(join(root, 'tests', 'fixtures', 'digest-golden', '2025-11-23-arxiv.json'), 'utf8'));
const result = parseDigest({ text, fileName: 'samples/2025-11-23-arxiv.md' });

test('sample digest yields exactly arXiv 2511.16664..16674 without 16667', () => {
  const ids = result.papers.map((p) => p.arxivId).sort();
  const expected = ['2511.16664', '2511.16665', '2511.16666', '2511.16668', '2511.16669', '2511.16670', '2511.16671', '2511.16672', '2511.16673', '2511.16674'];
  assert.deepEqual(ids, expected);
  assert.deepEqual(result.digests.map((d) => [d.date, d.source, d.status, d.papers.length]), [['2025-11-23', 'arxiv', 'ok', 10]]);
});

test('sample digest matches the hand-checked golden papers', () => {
  assert.deepEqual(result.papers, golden);
});

test('sample digest titles are clean and abstracts are the whole cell', () => {
  for (const p of result.papers) {
    assert.doesNotMatch(p.title, /[\n*]|解析|注：|^标题/, p.title);
    assert.ok(p.title.length > 5 && p.title.length < 80, p.title);
    assert.equal(p.authors.length, 1);
    assert.equal(p.pdfUrl, `https://arxiv.org/pdf/${p.arxivId}v1`);
    // The abstract cell is the text between the PDF link cell and the closing pipe of the row.
    const after = text.slice(text.indexOf(`(${p.pdfUrl}) |`) + p.pdfUrl!.length + 4);
    assert.equal(p.abstract, after.slice(0, after.indexOf(' |\n')).trim());
  }
  const evo = result.papers.find((p) => p.arxivId === '2511.16672');
  assert.equal(evo?.title, 'EvoLMM：基于持续奖励机制的自演进大型多模态模型');
  assert.match(evo?.notes ?? '', /^解析：/);
});
