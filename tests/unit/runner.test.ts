import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IngestReport } from '../../src/jobs/ingest.ts';
import { createRunner, type RunSteps } from '../../src/jobs/runner.ts';
import { silentLog } from '../helpers/log.ts';

const emptyIngest = (): IngestReport => ({ files: 0, changed: 0, papers: 0, added: [], updated: [], digests: [], failures: [], seconds: 0 });

function steps(overrides: Partial<RunSteps> = {}): RunSteps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    ingest: async () => {
      calls.push('ingest');
      await new Promise((r) => setTimeout(r, 20));
      return emptyIngest();
    },
    plan: async () => {
      calls.push('plan');
      return 2;
    },
    publisher: {
      drain: async () => {
        calls.push('drain');
        return { sent: 2, failed: 0, pending: 0, problems: [] };
      },
    },
    ...overrides,
  };
}

describe('runner', () => {
  it('runs ingest, plan and drain in order and reports', async () => {
    const s = steps();
    const runner = createRunner({ steps: s, log: silentLog(), schedule: '*/15 * * * *', timeZone: 'UTC' });
    const report = await runner.run('test');
    assert.deepEqual(s.calls, ['ingest', 'plan', 'drain']);
    assert.equal(report.messagesPlanned, 2);
    assert.equal(report.messagesSent, 2);
    assert.equal(runner.lastRun(), report);
  });

  it('never overlaps: requests during a run coalesce into one follow-up run', async () => {
    const s = steps();
    let concurrent = 0;
    let maxConcurrent = 0;
    const ingest = s.ingest;
    s.ingest = async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      try {
        return await ingest();
      } finally {
        concurrent--;
      }
    };
    const runner = createRunner({ steps: s, log: silentLog(), schedule: '*/15 * * * *', timeZone: 'UTC' });
    const runs = await Promise.all([runner.run('a'), runner.run('b'), runner.run('c'), runner.run('d')]);
    assert.equal(maxConcurrent, 1);
    assert.equal(s.calls.filter((c) => c === 'ingest').length, 2, 'one run plus one coalesced follow-up');
    assert.equal(runs[1], runs[3]);
    assert.equal(runner.running, false);
  });

  it('still drains the outbox when ingest fails, and reports the failure', async () => {
    const s = steps({
      ingest: async () => {
        throw new Error('store down');
      },
    });
    const runner = createRunner({ steps: s, log: silentLog(), schedule: '*/15 * * * *', timeZone: 'UTC', retryDeliveryMs: 0 });
    const report = await runner.run('test');
    assert.ok(s.calls.includes('drain'));
    assert.deepEqual(report.problems, [{ key: 'problem.ingestFailed', params: { reason: 'store down' } }]);
  });

  it('schedules in the configured time zone and stops cleanly', async () => {
    const runner = createRunner({ steps: steps(), log: silentLog(), schedule: '0 6 * * *', timeZone: 'Asia/Shanghai' });
    assert.equal(runner.nextRun(), null);
    runner.start();
    const next = runner.nextRun();
    assert.ok(next);
    // 06:00 in Shanghai is 22:00 UTC.
    assert.equal(next.getUTCHours(), 22);
    await runner.stop();
  });
});
