/** What `cli import` refuses beyond a record's shape (issue 15), and that nothing the bot writes is refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDate } from '../../src/digest/index.ts';
import { findLooseDate } from '../../src/digest/hints.ts';
import { PROGRESS_KEY } from '../../src/jobs/metadata.ts';
import { rememberUnmatched } from '../../src/jobs/unmatched.ts';
import { emptyState, metaSourceStateStore } from '../../src/sources/state.ts';
import { dateProblem, isCalendarDate, metaKeyProblem, paperProblem } from '../../src/store/import-rules.ts';
import type { MetaStore } from '../../src/store/index.ts';
import { numberedPaper } from '../helpers/papers.ts';

describe('import rules (issue 15)', () => {
  it('accepts every meta key the bot writes', async () => {
    const keys: string[] = [];
    const meta: MetaStore = {
      get: async () => undefined,
      set: async (key) => {
        keys.push(key);
      },
      delete: async () => undefined,
      entries: async () => [],
    };
    await rememberUnmatched({ meta }, ['arxiv:2501.00001']);
    await metaSourceStateStore(meta).put(emptyState('hf-daily_zh.2', 'https://example.org/{date}.md'));
    keys.push(PROGRESS_KEY);
    assert.equal(keys.length, 3);
    for (const key of keys) assert.equal(metaKeyProblem(key), null, key);
  });

  it('refuses meta keys no part of the bot uses', () => {
    for (const key of ['__proto__', 'constructor', '../../etc', 'source:../x', 'source:', 'lastRun', 'plan:unmatched-papers/x']) {
      assert.match(metaKeyProblem(key) ?? '', /is not one the bot uses/, key);
    }
  });

  it('takes only real calendar dates', () => {
    for (const ok of ['2025-01-10', '2024-02-29', '1999-12-31']) assert.equal(isCalendarDate(ok), true, ok);
    for (const bad of ['not-a-date', '2025-02-29', '2025-13-01', '2025-1-10', '2025-01-10T00:00:00Z', '']) assert.equal(isCalendarDate(bad), false, bad);
    assert.equal(dateProblem('date', null), null);
  });

  it('the parser finds only dates import accepts (no 2025-02-30 in a file name or heading)', () => {
    assert.equal(findDate('2025-02-30.md'), null);
    assert.equal(findDate('2024-02-29.md'), '2024-02-29');
    assert.equal(findLooseDate('Last updated: February 30, 2025'), null);
    assert.equal(findLooseDate('Last updated: February 28, 2025'), '2025-02-28');
  });

  it('takes papers as ingest writes them, and refuses an id that disagrees with its arXiv id', () => {
    assert.equal(paperProblem(numberedPaper(1)), null);
    assert.equal(paperProblem(numberedPaper(1, { id: 'doi:10.1101/2025.01.01.123456', arxivId: null, version: null })), null);
    assert.equal(paperProblem(numberedPaper(1, { id: 'arxiv:math.AG/0601001', arxivId: 'math.AG/0601001' })), null);
    assert.match(paperProblem(numberedPaper(1, { id: 'arxiv:2501.99999' })) ?? '', /disagrees with its arxivId "2501\.00001"/);
    assert.match(paperProblem(numberedPaper(1, { id: 'doi:10.1/x' })) ?? '', /disagrees/);
    assert.match(paperProblem(numberedPaper(1, { id: 'arxiv:2501.00001', arxivId: null })) ?? '', /disagrees/);
    assert.match(paperProblem(numberedPaper(1, { id: 'paper-1' })) ?? '', /is not arxiv:…, doi:… or url:…/);
    assert.match(paperProblem(numberedPaper(1, { id: 'arxiv:../x', arxivId: '../x' })) ?? '', /is not an arXiv id/);
    assert.match(paperProblem(numberedPaper(1, { published: 'soon' })) ?? '', /published "soon" is not a date/);
  });
});
