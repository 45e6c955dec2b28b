/**
 * The store contract, weekly most-saved settings: one record a server, listed, replaced, removed, exported and
 * imported. Run on every backend by tests/integration/store-contract.test.ts.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ExportLine, WeeklyRecord } from '../../../src/store/index.ts';
import type { TestBackend } from '../../helpers/backends.ts';
import { withStores } from '../../helpers/store-contract.ts';

const weekly = (guildId: string, extra: Partial<WeeklyRecord> = {}): WeeklyRecord => ({
  guildId, channelId: `c-${guildId}`, weekday: 1, hour: 9, timeZone: 'UTC', locale: 'en-US',
  lastPlannedFor: null, addedBy: 'u1', addedAt: '2025-11-24T00:00:00Z', ...extra,
});

/** The weekly part of the store contract, for one backend. */
export function weeklyContract(backend: TestBackend): void {
  it('keeps one weekly setting per server: put replaces, remove says whether it was on', () =>
    withStores(backend, async (s) => {
      await s.weekly.put(weekly('g1'));
      await s.weekly.put(weekly('g2', { timeZone: 'Asia/Shanghai', locale: 'zh-CN' }));
      await s.weekly.put(weekly('g1', { hour: 18, lastPlannedFor: '2025-11-24T09:00:00.000Z' }));
      assert.deepEqual((await s.weekly.list()).map((w) => [w.guildId, w.hour, w.timeZone]).sort(), [['g1', 18, 'UTC'], ['g2', 9, 'Asia/Shanghai']]);
      assert.equal((await s.weekly.get('g1'))?.lastPlannedFor, '2025-11-24T09:00:00.000Z');
      assert.equal(await s.weekly.remove('g1'), true);
      assert.equal(await s.weekly.remove('g1'), false);
      assert.deepEqual((await s.weekly.list()).map((w) => w.guildId), ['g2']);
    }));

  it('exports weekly settings and imports them unchanged', () =>
    withStores(backend, async (s) => {
      await s.weekly.put(weekly('g3', { weekday: 5 }));
      const lines: ExportLine[] = [];
      for await (const line of s.exportAll()) if (line.kind === 'weekly') lines.push(line);
      assert.equal(lines.length, 1);
      await s.weekly.remove('g3');
      assert.equal(await s.importMany(lines), 1);
      assert.deepEqual(await s.weekly.get('g3'), weekly('g3', { weekday: 5 }));
    }));
}
