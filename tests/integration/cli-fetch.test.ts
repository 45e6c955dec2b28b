/** `cli fetch`: the JSON contract, a backfill range, a repeat that downloads nothing, and clear errors. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import fetchCommand from '../../src/cli/fetch.ts';
import { CliError } from '../../src/cli/types.ts';
import { startFakeGitHub, type FakeGitHub } from '../github/server.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { runScript } from '../helpers/subprocess.ts';

const REPO = 'Lcollection/Arxiv_Daily';

describe('cli fetch', () => {
  let github: FakeGitHub;
  let dir: string;
  // Asynchronous: the local GitHub answers from this process, so the CLI must not block it.
  const cli = (env: Record<string, string>, ...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'fetch', ...args],
        { encoding: 'utf8', env: { ...process.env, DATA_DIR: join(dir, 'data'), DIGEST_DIR: join(dir, 'digests'), KEYV_URL: '', TZ: 'UTC', ...env } },
        (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  before(async () => {
    github = await startFakeGitHub();
    dir = mkdtempSync(join(tmpdir(), 'adb-cli-fetch-'));
    for (const date of ['2025-10-01', '2025-10-02', '2025-10-04']) github.put(REPO, `d/${date}-arxiv.md`, digestMarkdown(date, rows(2)));
  });
  after(async () => {
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backfills a range and prints the promised JSON object; a repeat downloads nothing', async () => {
    const env = { DIGEST_SOURCES: `daily=${github.rawUrl}/${REPO}/main/d/{date}-arxiv.md`, GITHUB_RAW_URL: github.rawUrl };
    const run = await cli(env, '--since', '2025-10-01', '--until', '2025-10-04');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown> & { files: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(out), ['sources', 'requests', 'downloaded', 'unchanged', 'missing', 'failed', 'files', 'bytes']);
    assert.deepEqual([out.sources, out.requests, out.downloaded, out.unchanged, out.missing, out.failed], [1, 4, 3, 0, 1, 0]);
    assert.deepEqual(Object.keys(out.files[0] ?? {}), ['source', 'url', 'path', 'status', 'message']);
    assert.deepEqual(out.files.map((f) => [f.path, f.status, f.message]), [
      ['daily/2025-10-04-arxiv.md', 'new', null],
      ['daily/2025-10-03-arxiv.md', 'missing', null],
      ['daily/2025-10-02-arxiv.md', 'new', null],
      ['daily/2025-10-01-arxiv.md', 'new', null],
    ]);
    assert.equal(out.files[0]?.url, `${github.rawUrl}/${REPO}/main/d/2025-10-04-arxiv.md`);
    assert.deepEqual(readdirSync(join(dir, 'digests', 'daily')).sort(), ['2025-10-01-arxiv.md', '2025-10-02-arxiv.md', '2025-10-04-arxiv.md']);

    const again = JSON.parse((await cli(env, '--since', '2025-10-01', '--until', '2025-10-04')).stdout) as Record<string, number>;
    assert.deepEqual([again.downloaded, again.unchanged, again.missing], [0, 3, 1], 'state kept in the store between processes');
  });

  it('a GitHub folder: failures exit 1 with the JSON still printed and a warning on stderr', async () => {
    const env = { DIGEST_SOURCES: `github:${REPO}/nope`, GITHUB_API_URL: github.apiUrl, GITHUB_RAW_URL: github.rawUrl };
    const run = await cli(env, '--since', '2025-10-01', '--until', '2025-10-04');
    assert.equal(run.status, 1);
    const out = JSON.parse(run.stdout) as { failed: number; files: { status: string; message: string }[] };
    assert.equal(out.failed, 1);
    assert.match(out.files[0]?.message ?? '', /no such repository, branch or folder/);
    assert.match(run.stderr, /warning: lcollection-arxiv_daily: /);
  });

  it('shows progress on stderr during a long backfill, keeping stdout to the one JSON object', async () => {
    // Progress off a terminal is a plain line every 5 s (src/cli/progress.ts): the first file answers after that,
    // so this short backfill is "long" without a timed assertion.
    github.inject({ host: 'raw', match: 'slow/2025-09-04', delayMs: 5200 });
    for (const date of ['2025-09-01', '2025-09-02', '2025-09-03', '2025-09-04']) github.put(REPO, `slow/${date}-arxiv.md`, digestMarkdown(date, rows(2)));
    const run = await runScript('src/cli.ts', ['fetch', '--since', '2025-09-01', '--until', '2025-09-04'], {
      env: {
        ...process.env, DATA_DIR: join(dir, 'progress-data'), DIGEST_DIR: join(dir, 'progress-digests'), KEYV_URL: '', TZ: 'UTC',
        DIGEST_SOURCES: `slow=${github.rawUrl}/${REPO}/main/slow/{date}-arxiv.md`,
      },
    });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('fetch: '));
    assert.ok(lines.length >= 2, `progress lines on stderr: ${JSON.stringify(run.stderr)}`);
    assert.match(lines[0]!, /^fetch: 1\/4 files \(25%\) · [\d.]+ files\/s$/, 'the count after the slow first file, out of the 4 days asked for');
    assert.match(lines.at(-1)!, /^fetch: 4\/4 files \(100%\)/, 'where it ended');
    assert.equal(run.stdout.trim().split('\n').length, 1);
    assert.equal((JSON.parse(run.stdout) as { downloaded: number }).downloaded, 4);
  });

  it('says clearly what is wrong: no sources, a bad date, a reversed range', async () => {
    const none = await cli({ DIGEST_SOURCES: '' });
    assert.equal(none.status, 1);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^error: DIGEST_SOURCES is empty, so there is nothing to fetch\. Set it .* "Where digests come from"\)\.\n$/);
    // The rest in-process (the same command module), to keep the suite fast.
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: { DIGEST_SOURCES: `${github.rawUrl}/x/y/main/{date}.md`, DATA_DIR: join(dir, 'data') } };
    const fetch = (...args: string[]) => fetchCommand.run(args, io);
    await assert.rejects(fetch('--since', '2025-02-30'), (e: unknown) => e instanceof CliError && /--since must be a date such as 2025-11-23, not "2025-02-30"/.test(e.message));
    await assert.rejects(fetch('--since', '2025-10-05', '--until', '2025-10-01'), /--since 2025-10-05 is after --until 2025-10-01/);
    await assert.rejects(fetch('--since', '2000-01-01', '--until', '2025-10-01'), /more than one fetch may ask for/);
    await assert.rejects(fetch('extra'), /unexpected extra/);
  });
});
