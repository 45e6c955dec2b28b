/**
 * Issue 15 item 4: the parse worker gives the same result as parsing in this thread, and a file over its time budget
 * is reported and skipped — the thread terminated and replaced, so the next file parses normally.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDigest } from '../../src/digest/index.ts';
import { createParseWorker } from '../../src/jobs/parse-worker.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';

const encode = (text: string) => new TextEncoder().encode(text);

describe('parse worker', () => {
  it('parses exactly as the parser does in this thread', async () => {
    const worker = createParseWorker();
    try {
      for (const text of [readFileSync('samples/2025-11-23-arxiv.md', 'utf8'), digestMarkdown('2026-02-01', rows(1200, 50000)), '', '\u0000\u0001binary']) {
        const inThread = parseDigest({ text, fileName: '2026-02-01-arxiv.md' });
        assert.deepEqual(await worker.parse(encode(text), '2026-02-01-arxiv.md'), inThread);
      }
    } finally {
      await worker.close();
    }
  });

  it('a file over the time budget is reported and skipped; the next file parses in a fresh thread', async () => {
    const worker = createParseWorker({ budgetMs: 150 });
    try {
      // Warm the thread up (tsx compiling the parser is not the file's fault), then a file far too big for 150 ms.
      await worker.parse(encode(digestMarkdown('2026-02-02', rows(1))), 'warm.md');
      const huge = digestMarkdown('2026-02-03', rows(40_000, 10000));
      const started = performance.now();
      const slow = await worker.parse(encode(huge), '2026-02-03-arxiv.md');
      const took = performance.now() - started;
      assert.deepEqual(slow.papers, []);
      assert.equal(slow.warnings[0]?.kind, 'parse-error');
      assert.match(slow.warnings[0]?.message ?? '', /longer than 0\.15 s; the file was skipped/);
      assert.ok(took < 2000, `gave up after ${Math.round(took)} ms`);
      const next = await worker.parse(encode(digestMarkdown('2026-02-04', rows(3, 70000))), '2026-02-04-arxiv.md');
      assert.equal(next.papers.length, 3);
    } finally {
      await worker.close();
    }
  });
});
