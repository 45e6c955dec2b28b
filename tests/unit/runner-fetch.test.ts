/** The fetch step of the scheduled run: fetch → ingest → plan → deliver, and a failed fetch never stops the rest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IngestReport } from '../../src/jobs/ingest.ts';
import { createRunner, type RunSteps } from '../../src/jobs/runner.ts';
import { silentLog } from '../helpers/log.ts';

const emptyIngest = (): IngestReport => ({ files: 0, changed: 0, papers: 0, added: [], updated: [], digests: [], failures: [], seconds: 0 });

function steps(fetch: RunSteps['fetch']): RunSteps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    ...(fetch && {
      fetch: async () => {
        calls.push('fetch');
        return fetch();
      },
    }),
    ingest: async () => {
      calls.push('ingest');
      return { ...emptyIngest(), changed: 1 };
    },
    plan: async () => {
      calls.push('plan');
      return 1;
    },
    publisher: {
      drain: async () => {
        calls.push('drain');
        return { sent: 1, failed: 0, pending: 0, problems: [] };
      },
    },
  };
}

describe('runner: the fetch step', () => {
  it('fetches first, then ingests and delivers, and reports what it fetched', async () => {
    const s = steps(async () => ({ downloaded: 2, failedSources: 1 }));
    const report = await createRunner({ steps: s, log: silentLog(), schedule: '* * * * *', timeZone: 'UTC' }).run('test');
    assert.deepEqual(s.calls, ['fetch', 'ingest', 'plan', 'drain']);
    assert.equal(report.filesFetched, 2);
    assert.equal(report.sourcesFailed, 1);
    assert.deepEqual(report.problems, []);
  });

  it('a fetch that throws (the store) is reported, and what is already in the folder is still ingested and delivered', async () => {
    const s = steps(async () => {
      throw new Error('store down');
    });
    const report = await createRunner({ steps: s, log: silentLog(), schedule: '* * * * *', timeZone: 'UTC' }).run('test');
    assert.deepEqual(s.calls, ['fetch', 'ingest', 'plan', 'drain']);
    assert.equal(report.messagesSent, 1);
    assert.deepEqual(report.problems, [{ key: 'problem.fetchFailed', params: { reason: 'store down' } }]);
    assert.equal(report.filesFetched, undefined);
  });

  it('without sources there is no fetch step', async () => {
    const s = steps(undefined);
    const report = await createRunner({ steps: s, log: silentLog(), schedule: '* * * * *', timeZone: 'UTC' }).run('test');
    assert.deepEqual(s.calls, ['ingest', 'plan', 'drain']);
    assert.equal('filesFetched' in report, false);
  });
});
