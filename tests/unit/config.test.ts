import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, configSecrets, digestDirProblem, loadConfig, redactConfig } from '../../src/config.ts';
import { redactUrl } from '../../src/store/index.ts';

describe('config', () => {
  it('has working defaults for everything but the token', () => {
    const config = loadConfig({}, null);
    assert.equal(config.discordToken, undefined);
    assert.equal(config.discordApiUrl, 'https://discord.com/api');
    assert.equal(config.digestDir, 'digests');
    assert.equal(config.digestCron, '*/15 * * * *');
    assert.equal(config.timeZone, 'UTC');
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.digestChannelIds, []);
  });

  it('reports every problem, one line each', () => {
    assert.throws(
      () => loadConfig({ DIGEST_CRON: 'every day', TZ: 'Mars/Olympus', DISCORD_API_URL: 'not a url', DIGEST_CHANNEL_IDS: '123,abc' }, null),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 5, error.problems.join('\n'));
        assert.ok(error.problems.includes('DIGEST_CHANNEL_IDS (item 2): must be a Discord id (17–20 digits)'));
        assert.ok(error.problems.some((p) => p.startsWith('DIGEST_CRON')));
        assert.ok(error.problems.some((p) => p.startsWith('TZ')));
        assert.ok(error.problems.some((p) => p.startsWith('DISCORD_API_URL')));
        assert.ok(error.problems.some((p) => p.startsWith('DIGEST_CHANNEL_IDS')));
        return true;
      },
    );
  });

  it('reads .env, lets the real environment win, and treats empty values as unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'DIGEST_DIR=from-file\nLOG_LEVEL=debug\nDISCORD_TOKEN=\nDISCORD_API_URL=http://127.0.0.1:9/api/\n');
    const config = loadConfig({ LOG_LEVEL: 'warn' }, file);
    assert.equal(config.digestDir, 'from-file');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.discordToken, undefined);
    assert.equal(config.discordApiUrl, 'http://127.0.0.1:9/api', 'trailing slash removed');
  });

  it('says what a number setting expects instead of "received NaN" (issue 15)', () => {
    assert.throws(() => loadConfig({ PREVIEW_PORT: 'abc' }, null), (error: ConfigError) => {
      assert.deepEqual(error.problems, ['PREVIEW_PORT: must be a port number from 0 to 65535']);
      return true;
    });
    assert.throws(() => loadConfig({ METRICS_PORT: '99999' }, null), /METRICS_PORT: must be a port number from 0 to 65535/);
    assert.throws(() => loadConfig({ DIGEST_BACKLOG: '2.5' }, null), /DIGEST_BACKLOG: must be a whole number from 1 to 60/);
    assert.equal(loadConfig({ PREVIEW_PORT: '0' }, null).previewPort, 0);
  });

  it('warns about a DIGEST_DIR that does not exist (issue 15)', () => {
    assert.match(digestDirProblem({ digestDir: '/no/such/digests' }) ?? '', /DIGEST_DIR \/no\/such\/digests does not exist/);
    assert.equal(digestDirProblem({ digestDir: 'digests' }), null);
  });

  it('masks credentials in DISCORD_API_URL as in KEYV_URL (issue 15)', () => {
    const config = loadConfig({ DISCORD_API_URL: 'http://proxyuser:s3cretpass@proxy.local/api' }, null);
    const printed = JSON.stringify(redactConfig(config));
    assert.ok(!printed.includes('s3cretpass') && !printed.includes('proxyuser'), printed);
    assert.match(printed, /http:\/\/\*\*\*:\*\*\*@proxy\.local\/api/);
    assert.ok(configSecrets(config).includes('s3cretpass'), 'scrubbed from any error text too');
  });

  it('never prints the token or store passwords', () => {
    const config = loadConfig({ DISCORD_TOKEN: 'MTIz.secret-token.value', KEYV_URL: 'redis://user:hunter2@127.0.0.1:6379' }, null);
    const printed = JSON.stringify(redactConfig(config));
    assert.ok(!printed.includes('secret-token'));
    assert.ok(!printed.includes('hunter2'));
    assert.equal(redactUrl('postgresql://bob:pw@db/x'), 'postgresql://***:***@db/x');
    assert.equal(redactUrl('postgresql://u:p@ss@host/db'), 'postgresql://***:***@host/db');
    assert.equal(redactUrl('redis://:pa/ss@host'), 'redis://***@host');
    assert.equal(redactUrl('redis://h:6379?password=secret'), 'redis://h:6379?password=***');
  });

  it('accepts the shipped .env.example as it is (a copied example must start)', () => {
    const config = loadConfig({}, '.env.example');
    assert.equal(config.discordToken, undefined);
    assert.equal(config.digestCron, '*/15 * * * *');
    assert.equal(config.shardIds, undefined);
  });

  it('requires SHARD_IDS and SHARD_COUNT together, and shards that exist', () => {
    assert.throws(() => loadConfig({ SHARD_IDS: '0' }, null), /set both/);
    assert.throws(() => loadConfig({ SHARD_IDS: '0,2', SHARD_COUNT: '2' }, null), /shard 2 does not exist/);
    assert.deepEqual(loadConfig({ SHARD_IDS: '0, 1', SHARD_COUNT: '2' }, null).shardIds, [0, 1]);
  });
});

describe('Discord API errors explained (issue 15)', () => {
  it('a request that timed out says where and what to check; credentials never shown', async () => {
    const { explainDiscordError } = await import('../../src/interactions/api-errors.ts');
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    const text = explainDiscordError(aborted, { apiUrl: 'http://u:pw-secret@proxy.local/api', action: 'log in to Discord' });
    assert.match(text, /could not log in to Discord: Discord did not answer within 15 s at http:\/\/\*\*\*:\*\*\*@proxy\.local\/api — check DISCORD_API_URL/);
    assert.ok(!text.includes('pw-secret'));
  });
});
