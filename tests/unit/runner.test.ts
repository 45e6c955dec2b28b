import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IngestReport } from '../../src/jobs/ingest.ts';
import { createRunner, type RunSteps } from '../../src/jobs/runner.ts';
import { StoreUnavailableError } from '../../src/store/index.ts';
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
    plan: async (onPlanned) => {
      calls.push('plan');
      onPlanned?.(['e1', 'e2']);
      return 2;
    },
    publisher: {
      drain: async (feed) => {
        calls.push('drain');
        if (!feed) return { sent: 0, failed: 0, pending: 0, problems: [] };
        let sent = 0;
        feed.subscribe((ids) => {
          calls.push(`send ${ids.join(',')}`);
          sent += ids.length;
        });
        await feed.closed;
        calls.push('drained');
        return { sent, failed: 0, pending: 0, problems: [] };
      },
    },
    ...overrides,
  };
}

describe('runner', () => {
  it('delivers while it ingests and plans: planned entries reach the drain at once, and it ends after planning', async () => {
    const s = steps();
    const runner = createRunner({ steps: s, log: silentLog(), schedule: '*/15 * * * *', timeZone: 'UTC' });
    const report = await runner.run('test');
    assert.deepEqual(s.calls, ['drain', 'ingest', 'plan', 'send e1,e2', 'drained']);
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

  it('retries a failed run by itself, backing off, until the store is back (issue 15)', async () => {
    let failures = 2;
    const times: number[] = [];
    const s = steps({
      ingest: async () => {
        times.push(performance.now());
        if (failures-- > 0) throw new StoreUnavailableError('store memory:// unavailable during get: ECONNREFUSED', 'ECONNREFUSED');
        return emptyIngest();
      },
    });
    const runner = createRunner({ steps: s, log: silentLog(), schedule: '0 0 1 1 *', timeZone: 'UTC', retryFailedMs: 30 });
    const first = await runner.run('test');
    assert.ok(first.problems.some((p) => p.key === 'problem.ingestFailed' && String(p.params?.reason).includes('unavailable')));
    const deadline = Date.now() + 3000;
    while (runner.lastRun()?.problems.length !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(times.length, 3, 'two retries, the second one succeeding');
    assert.deepEqual(runner.lastRun()?.problems, []);
    assert.equal(runner.lastRun()?.trigger, 'retry');
    const [a = 0, b = 0, c = 0] = times;
    assert.ok(c - b > (b - a) * 1.5, `backs off: ${Math.round(b - a)} ms then ${Math.round(c - b)} ms`);
    await runner.stop();
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
