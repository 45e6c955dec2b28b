/**
 * `npm start` without DISCORD_TOKEN and with a store that cannot be opened (issue 15): the store error is what the
 * operator reads first, not a line under the "no token" banner — and it is said even when the preview would only
 * show the sample (which lives in memory).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startPreview } from '../../src/preview/index.ts';
import { silentLog } from '../helpers/log.ts';
import { runScript } from '../helpers/subprocess.ts';

const dir = mkdtempSync(join(tmpdir(), 'adb-start-store-'));
const digests = join(dir, 'digests');
const empty = join(dir, 'empty');
mkdirSync(digests);
mkdirSync(empty);
copyFileSync('samples/2025-11-23-arxiv.md', join(digests, '2025-11-23-arxiv.md'));

function start(keyvUrl: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, KEYV_URL: keyvUrl, DIGEST_DIR: digests, DATA_DIR: join(dir, 'data'), PREVIEW_PORT: '0' };
  delete env.DISCORD_TOKEN;
  delete env.LOG_LEVEL;
  return runScript('src/main.ts', [], { env });
}

describe('npm start with a bad KEYV_URL and no token (issue 15)', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says the store error first and exits 1; the token banner does not bury it', async () => {
    const [scheme, refused] = await Promise.all([start('ftp://example'), start('redis://127.0.0.1:1')]);
    for (const [run, error] of [
      [scheme, /^error: cannot open store ftp:\/\/example: unknown scheme/],
      [refused, /^error: cannot open store redis:\/\/127\.0\.0\.1:1: ECONNREFUSED — is Redis running\?/],
    ] as const) {
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, error);
      assert.doesNotMatch(run.stderr, /1\. Create an application/);
      assert.match(run.stderr, /DISCORD_TOKEN is not set either/);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    }
  });

  it('checks a configured store even when the preview would show the in-memory sample', async () => {
    const config = loadConfig({ KEYV_URL: 'ftp://example', DIGEST_DIR: empty, DATA_DIR: join(dir, 'data'), PREVIEW_PORT: '0', LOG_LEVEL: 'silent' }, null);
    let running: Awaited<ReturnType<typeof startPreview>> | undefined;
    try {
      await assert.rejects(
        (async () => {
          running = await startPreview(config, silentLog());
        })(),
        /cannot open store ftp:\/\/example: unknown scheme/,
      );
    } finally {
      await running?.stop();
    }
  });
});
