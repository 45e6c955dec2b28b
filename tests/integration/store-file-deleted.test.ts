/**
 * A SQLite file deleted (or replaced) while the bot runs (issue 15): SQLite would go on writing to the unlinked file
 * and everything would be lost at the next start. The health check (/healthz) says so instead of "ok".
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkHealth } from '../../src/metrics/server.ts';
import { openStores } from '../../src/store/index.ts';

describe('a SQLite file deleted while the store is open (issue 15)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adb-sqlite-deleted-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the health check fail, saying what happened and what to do', async () => {
    const file = join(dir, 'bot.sqlite');
    const stores = await openStores(`sqlite://${file}`);
    try {
      await stores.check();
      assert.equal((await checkHealth({ gateway: () => null, store: () => stores.check() })).status, 'ok');
      unlinkSync(file);
      await stores.papers.revision(); // SQLite itself notices nothing
      const report = await checkHealth({ gateway: () => null, store: () => stores.check() });
      assert.equal(report.status, 'unavailable');
      assert.match(report.store, /^error: SQLite file .*bot\.sqlite was deleted while the bot runs — restore it \(from a backup\) and restart; writes now go to the lost file$/);
    } finally {
      await stores.close();
    }
  });

  it('notices a file replaced under the same name', async () => {
    const file = join(dir, 'replaced.sqlite');
    const stores = await openStores(`sqlite://${file}`);
    try {
      copyFileSync(file, `${file}.copy`);
      renameSync(`${file}.copy`, file);
      await assert.rejects(stores.check(), /was replaced while the bot runs/);
    } finally {
      await stores.close();
    }
  });

  it('a memory store has no file to check', async () => {
    const stores = await openStores('memory://');
    await stores.check();
    await stores.close();
  });
});
