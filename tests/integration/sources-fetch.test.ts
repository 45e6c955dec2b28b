/**
 * The source fetcher and its HTTP client against the local GitHub (tests/github): conditional requests, 304s,
 * 404s for dates not yet published, rewrites, 429/503 with and without Retry-After, 5xx, a slow server, connection
 * refused, GitHub's rate limit, hostile listings, and state that survives a restart. No test touches the network;
 * waits are recorded by an injected sleep instead of slept.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createSourceFetcher, parseSources, type SourceFetcher } from '../../src/sources/index.ts';
import { metaSourceStateStore, type SourceStateStore } from '../../src/sources/state.ts';
import { memoryStores, type Stores } from '../../src/store/index.ts';
import { startFakeGitHub, type FakeGitHub } from '../github/server.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { silentLog } from '../helpers/log.ts';

const REPO = 'Lcollection/Arxiv_Daily';
const FOLDER = 'docs/daily-papers';
const NOW = new Date('2025-11-24T09:00:00Z');

describe('fetching digests from the local GitHub', () => {
  let github: FakeGitHub;
  let dir: string;
  let stores: Stores;
  let state: SourceStateStore;
  let sleeps: number[];
  let now: Date;
  const fetchers: SourceFetcher[] = [];

  const fetcher = (spec: string, extra: { token?: string; readTimeoutMs?: number; totalTimeoutMs?: number; lookbackDays?: number } = {}) => {
    const f = createSourceFetcher(
      {
        sources: parseSources(spec),
        lookbackDays: extra.lookbackDays ?? 3,
        timeZone: 'UTC',
        digestDir: dir,
        github: { apiUrl: github.apiUrl, rawUrl: github.rawUrl, token: extra.token },
      },
      {
        state,
        log: silentLog(),
        now: () => now,
        http: {
          sleep: async (ms) => {
            sleeps.push(ms);
          },
          random: () => 0.5,
          now: () => now.getTime(),
          readTimeoutMs: extra.readTimeoutMs ?? 5000,
          totalTimeoutMs: extra.totalTimeoutMs ?? 10_000,
          connectTimeoutMs: 2000,
        },
      },
    );
    fetchers.push(f);
    return f;
  };
  const template = () => `lcollection-arxiv_daily=${github.rawUrl}/${REPO}/main/${FOLDER}/{date}-arxiv.md`;
  const folder = `github:${REPO}/${FOLDER}`;
  const put = (date: string, count = 3, start = 10000) => github.put(REPO, `${FOLDER}/${date}-arxiv.md`, digestMarkdown(date, rows(count, start)));

  before(async () => {
    github = await startFakeGitHub();
  });
  after(async () => {
    await github.close();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adb-sources-'));
    stores = await memoryStores();
    state = metaSourceStateStore(stores.meta);
    sleeps = [];
    now = NOW;
    github.reset();
  });
  afterEach(async () => {
    for (const f of fetchers.splice(0)) await f.close();
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('URL template: fetches the lookback window, 404 is "missing", a repeat downloads nothing (304)', async () => {
    put('2025-11-22');
    put('2025-11-23', 4, 20000);
    const f = fetcher(template());
    const first = await f.run();
    assert.deepEqual(
      first.files.map((x) => [x.path, x.status, x.message]),
      [
        ['lcollection-arxiv_daily/2025-11-24-arxiv.md', 'missing', null],
        ['lcollection-arxiv_daily/2025-11-23-arxiv.md', 'new', null],
        ['lcollection-arxiv_daily/2025-11-22-arxiv.md', 'new', null],
        ['lcollection-arxiv_daily/2025-11-21-arxiv.md', 'missing', null],
      ],
    );
    assert.deepEqual([first.sources, first.requests, first.downloaded, first.missing, first.failed], [1, 4, 2, 2, 0]);
    assert.equal(readFileSync(join(dir, 'lcollection-arxiv_daily', '2025-11-23-arxiv.md'), 'utf8'), digestMarkdown('2025-11-23', rows(4, 20000)));
    assert.deepEqual(readdirSync(join(dir, 'lcollection-arxiv_daily')).sort(), ['2025-11-22-arxiv.md', '2025-11-23-arxiv.md'], 'no temp file left behind');
    const ua = github.requests[0]?.headers['user-agent'] ?? '';
    assert.match(ua, /^arxiv-digest-bot\/\S+ \(\+https:\/\//, 'a User-Agent naming the bot and its homepage');

    github.resetCounts();
    const second = await f.run();
    assert.deepEqual([second.requests, second.downloaded, second.unchanged, second.missing], [4, 0, 2, 2]);
    const conditional = github.requests.filter((r) => r.headers['if-none-match']);
    assert.equal(conditional.length, 2, 'the two known files are asked for conditionally');
    assert.ok(github.requests.every((r) => r.status === 304 || r.status === 404));
    assert.equal(github.counts().bytes, 2 * '404: Not Found'.length, 'only the two 404 bodies: nothing downloaded');
  });

  it('a file rewritten after publication is downloaded again as "changed"; a restart downloads nothing', async () => {
    put('2025-11-24');
    await fetcher(template()).run();
    put('2025-11-24', 5);
    const changed = await fetcher(template()).run();
    assert.deepEqual(changed.files.filter((x) => x.status !== 'missing').map((x) => x.status), ['changed']);
    assert.match(readFileSync(join(dir, 'lcollection-arxiv_daily', '2025-11-24-arxiv.md'), 'utf8'), /2601\.10004/);
    // A new process (fresh client, state from the store): still nothing to download.
    github.resetCounts();
    const restarted = await fetcher(template()).run();
    assert.equal(restarted.downloaded, 0);
    assert.equal(github.counts().bytes, 3 * '404: Not Found'.length);
  });

  it('a server with Last-Modified and no ETag: the repeat sends If-Modified-Since alone, and its 304 downloads nothing', async () => {
    github.rawValidators.etag = false;
    const path = `${FOLDER}/2025-11-23-arxiv.md`;
    const published = new Date('2025-11-23T06:00:00Z');
    github.put(REPO, path, digestMarkdown('2025-11-23', rows(3)), published);
    const first = await fetcher(template()).run();
    assert.deepEqual(first.files.filter((x) => x.status !== 'missing').map((x) => x.status), ['new']);
    const asked = () => github.requests.filter((r) => r.path.endsWith('2025-11-23-arxiv.md'));
    assert.equal(asked()[0]?.headers['if-modified-since'], undefined, 'the first request is unconditional');

    // A new process (fresh client, validators from the store), as after a restart.
    github.resetCounts();
    const second = await fetcher(template()).run();
    assert.deepEqual([second.downloaded, second.unchanged, second.missing], [0, 1, 3]);
    const [repeat, ...others] = asked();
    assert.equal(others.length, 0);
    assert.equal(repeat?.headers['if-modified-since'], published.toUTCString(), 'the Last-Modified it was given');
    assert.equal(repeat?.headers['if-none-match'], undefined, 'no ETag was given, so none is sent');
    assert.equal(repeat?.status, 304);
    assert.equal(github.counts().bytes, 3 * '404: Not Found'.length, 'only the 404 bodies: the file was not downloaded');

    // Rewritten later: Last-Modified moves on, the same conditional request gets the new file.
    github.put(REPO, path, digestMarkdown('2025-11-23', rows(4)), new Date('2025-11-23T18:00:00Z'));
    github.resetCounts();
    const third = await fetcher(template()).run();
    assert.deepEqual(third.files.filter((x) => x.status !== 'missing').map((x) => x.status), ['changed']);
    assert.equal(asked()[0]?.headers['if-modified-since'], published.toUTCString());
    assert.equal(readFileSync(join(dir, 'lcollection-arxiv_daily', '2025-11-23-arxiv.md'), 'utf8'), digestMarkdown('2025-11-23', rows(4)));
  });

  it('a file deleted from DIGEST_DIR is fetched again (validators are sent only when the file is still there)', async () => {
    put('2025-11-24');
    await fetcher(template()).run();
    rmSync(join(dir, 'lcollection-arxiv_daily', '2025-11-24-arxiv.md'));
    const again = await fetcher(template()).run();
    assert.equal(again.files[0]?.status, 'new');
  });

  it('GitHub folder: one trees-API request lists it, files in range come from the raw host, a repeat is one 304', async () => {
    put('2025-11-10'); // outside the lookback window
    put('2025-11-26'); // too far ahead
    put('2025-11-25', 1, 50000); // a generator a time zone ahead: already "tomorrow"
    put('2025-11-23');
    put('2025-11-24', 2, 30000);
    github.put(REPO, `${FOLDER}/README.md`, '# index\n');
    github.put(REPO, 'other/2025-11-24-arxiv.md', 'not in the folder');
    const f = fetcher(folder);
    const first = await f.run();
    assert.deepEqual(first.files.map((x) => [x.path, x.status]), [
      ['lcollection-arxiv_daily/2025-11-25-arxiv.md', 'new'],
      ['lcollection-arxiv_daily/2025-11-24-arxiv.md', 'new'],
      ['lcollection-arxiv_daily/2025-11-23-arxiv.md', 'new'],
    ]);
    assert.deepEqual(github.counts().api, 1);
    assert.deepEqual(github.requests.filter((r) => r.host === 'api').map((r) => r.path), [`/repos/${REPO}/git/trees/HEAD:${FOLDER}?recursive=1`]);
    assert.ok(!github.requests.some((r) => r.path.includes('/contents')), 'never the contents API');
    assert.equal(first.requests, 4);

    github.resetCounts();
    const second = await f.run();
    assert.deepEqual([second.requests, second.downloaded, second.unchanged], [1, 0, 3]);
    assert.equal(github.requests[0]?.status, 304);
    assert.equal(github.counts().bytes, 0);

    // A rewrite changes the listing: one listing, one file.
    put('2025-11-23', 6);
    github.resetCounts();
    const third = await f.run();
    assert.deepEqual(third.files.map((x) => x.status), ['unchanged', 'unchanged', 'changed']);
    assert.deepEqual([github.counts().api, github.counts().raw], [1, 1]);
  });

  it('backfill: an explicit range fetches every dated file in it', async () => {
    for (let d = 1; d <= 30; d += 1) put(`2025-10-${String(d).padStart(2, '0')}`, 2, 10000 + d * 10);
    const report = await fetcher(folder).run({ since: '2025-10-01', until: '2025-10-30' });
    assert.equal(report.downloaded, 30);
    assert.equal(report.requests, 31);
    assert.equal(readdirSync(join(dir, 'lcollection-arxiv_daily')).length, 30);
  });

  it('hostile listings: traversal, absolute, hidden, non-markdown, huge and malformed entries are never written', async () => {
    put('2025-11-24');
    github.extraTreeEntries.set(REPO, [
      { path: '../../escape-2025-11-24.md', type: 'blob', sha: 'a'.repeat(40), size: 10 },
      { path: '/etc/2025-11-24.md', type: 'blob', sha: 'a'.repeat(40), size: 10 },
      { path: '.git/2025-11-24.md', type: 'blob', sha: 'a'.repeat(40), size: 10 },
      { path: 'x/../../2025-11-24-b.md', type: 'blob', sha: 'a'.repeat(40), size: 10 },
      { path: '2025-11-24.sh', type: 'blob', sha: 'a'.repeat(40), size: 10 },
      { path: '2025-11-24-huge.md', type: 'blob', sha: 'a'.repeat(40), size: 1e10 },
      { path: 42, type: 'blob', sha: 'nope' },
    ]);
    const report = await fetcher(folder).run();
    assert.deepEqual(report.files.map((x) => x.path), ['lcollection-arxiv_daily/2025-11-24-arxiv.md']);
    assert.deepEqual(readdirSync(dir), ['lcollection-arxiv_daily']);
    assert.equal(existsSync(join(dir, '..', 'escape-2025-11-24.md')), false);
    github.extraTreeEntries.delete(REPO);
  });

  it('429 with Retry-After in seconds and as an HTTP date is waited for exactly; without it, jittered backoff', async () => {
    put('2025-11-24');
    github.inject({ host: 'raw', match: '2025-11-24', status: 429, retryAfter: '7' });
    github.inject({ host: 'raw', match: '2025-11-24', status: 503, retryAfter: new Date(NOW.getTime() + 30_000).toUTCString() });
    github.inject({ host: 'raw', match: '2025-11-24', status: 429 });
    const report = await fetcher(template(), { lookbackDays: 0 }).run();
    assert.equal(report.files[0]?.status, 'new');
    assert.equal(report.requests, 4);
    // random() = 0.5 with "equal jitter": half the step plus half of that → 0.75 × 4 s on the third attempt.
    assert.deepEqual(sleeps, [7000, 30_000, 3000]);
  });

  it('5xx is retried with growing backoff, then reported as failed without stopping the other sources', async () => {
    put('2025-11-24');
    github.put('other/repo', 'd/2025-11-24.md', digestMarkdown('2025-11-24', rows(1)));
    github.inject({ host: 'raw', match: REPO, status: 502, times: 4 });
    const report = await fetcher(`${template()}\nother=${github.rawUrl}/other/repo/main/d/{date}.md`, { lookbackDays: 0 }).run();
    assert.deepEqual(report.files.map((x) => [x.source, x.status]), [['lcollection-arxiv_daily', 'failed'], ['other', 'new']]);
    assert.match(report.files[0]?.message ?? '', /answered 502 4 times/);
    assert.deepEqual(sleeps, [750, 1500, 3000]);
    const saved = await state.get('lcollection-arxiv_daily');
    assert.equal(saved?.lastError?.kind, 'server');
    assert.equal(saved?.lastError?.count, 1);
  });

  it('a slow server times out, and the rest of that source is not asked this run', async () => {
    put('2025-11-24');
    put('2025-11-23');
    github.inject({ host: 'raw', match: '2025-11-24', delayMs: 1500, times: 4 });
    const started = Date.now();
    const report = await fetcher(template(), { readTimeoutMs: 300, totalTimeoutMs: 300, lookbackDays: 1 }).run();
    assert.deepEqual(report.files.map((x) => x.status), ['failed', 'failed']);
    assert.match(report.files[0]?.message ?? '', /did not answer in time/);
    assert.equal(report.requests, 4, 'the first file with its retries; the second not asked');
    assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
    assert.equal((await state.get('lcollection-arxiv_daily'))?.lastError?.kind, 'timeout');
  });

  it('connection refused: failed at once, recorded, counted per run; the status turns into a problem after 3 runs', async () => {
    put('2025-11-24');
    const f = fetcher(folder);
    await f.run();
    await github.down();
    try {
      for (let i = 0; i < 3; i += 1) {
        const report = await f.run();
        assert.deepEqual(report.files.map((x) => x.status), ['failed']);
        assert.match(report.files[0]?.message ?? '', /refused the connection/);
      }
      // The kept-alive socket the server dropped may fail once with a reset (retried); a refusal is never retried.
      assert.ok(sleeps.length <= 1, `a refused connection is not retried within a run: ${sleeps.join(', ')}`);
      const [status] = await f.status();
      assert.equal(status?.problem?.kind, 'unreachable');
      assert.equal(status?.problem?.count, 3);
      assert.ok(status?.lastNewFile?.path.endsWith('2025-11-24-arxiv.md'));
    } finally {
      await github.up();
    }
    await f.run();
    const [healthy] = await f.status();
    assert.equal(healthy?.problem, null, 'one good run clears it');
  });

  it("GitHub's rate limit: no request until the reset it announced; a token is sent only to GitHub's hosts", async () => {
    put('2025-11-24');
    const reset = Math.floor(NOW.getTime() / 1000) + 1800;
    github.inject({ host: 'api', status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });
    const f = fetcher(`${folder}\nelsewhere=http://127.0.0.1:9/{date}.md`, { token: 'ghp_testtoken123456', lookbackDays: 0 });
    const first = await f.run();
    assert.match(first.files[0]?.message ?? '', /rate limited/);
    const [status] = await f.status();
    assert.equal(status?.problem?.kind, 'rate-limited');
    assert.equal(status?.problem?.retryAt?.getTime(), reset * 1000);
    assert.equal(github.requests[0]?.headers.authorization, 'Bearer ghp_testtoken123456');
    github.resetCounts();
    await f.run();
    assert.equal(github.counts().requests, 0, 'nothing asked before the reset');
    now = new Date(reset * 1000 + 1000);
    const later = await f.run();
    assert.equal(later.files[0]?.status, 'new');
    assert.equal(github.requests.find((r) => r.host === 'raw')?.headers.authorization, 'Bearer ghp_testtoken123456');
  });

  it('a wrong folder is "not found" and shown at once', async () => {
    const f = fetcher(`github:${REPO}/no/such/folder`);
    const report = await f.run();
    assert.equal(report.failed, 1);
    const [status] = await f.status();
    assert.equal(status?.problem?.kind, 'not-found');
    assert.match(status?.problem?.detail ?? '', /no such repository, branch or folder/);
  });

  it('one request at a time per host', async () => {
    for (const d of ['2025-11-21', '2025-11-22', '2025-11-23', '2025-11-24']) put(d);
    github.inject({ host: 'raw', delayMs: 100, times: 4 });
    const f = fetcher(template());
    // Two runs at once (say, a CLI fetch beside the bot's): the client still sends one request at a time.
    let open = 0;
    let most = 0;
    const original = f.http.get.bind(f.http);
    const wrapped = Object.assign(f.http, {
      get: async (request: Parameters<typeof original>[0]) => {
        open += 1;
        most = Math.max(most, open);
        try {
          return await original(request);
        } finally {
          open -= 1;
        }
      },
    });
    assert.ok(wrapped);
    await Promise.all([f.run(), f.run()]);
    assert.ok(most >= 2, 'calls overlapped at the client');
    const raw = github.requests.filter((r) => r.host === 'raw');
    assert.equal(raw.length, 8);
    assert.equal(github.maxConcurrent('raw'), 1, 'the server never saw two requests at once');
  });
});
