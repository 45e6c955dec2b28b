/**
 * The store contract, fetch state of the digest sources (issue 12): the validators of every fetched file (ETag,
 * Last-Modified, blob sha), a folder's listing and its ETag, and the history `/digest status` shows live in the
 * store's meta area (`meta:source:<name>`), so that on every backend a restart downloads nothing again. Runs a real
 * fetch against the local GitHub (tests/github) with the state on the backend under test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createSourceFetcher, parseSources } from '../../../src/sources/index.ts';
import { MAX_FILES, metaSourceStateStore, type SourceState } from '../../../src/sources/state.ts';
import { startFakeGitHub } from '../../github/server.ts';
import type { TestBackend } from '../../helpers/backends.ts';
import { digestMarkdown, rows } from '../../helpers/digests.ts';
import { silentLog } from '../../helpers/log.ts';
import { withStores } from '../../helpers/store-contract.ts';

const REPO = 'Lcollection/Arxiv_Daily';
const FOLDER = 'docs/daily-papers';

/** A state with every field set, Chinese in a detail, and null where the schema allows it. */
function fullState(name: string): SourceState {
  return {
    name,
    spec: `github:${REPO}@main/${FOLDER}`,
    listingEtag: 'W/"abc"',
    listing: { '2025-11-23-arxiv.md': { sha: 'a'.repeat(40), size: 1234 }, 'sub/2025-11-24-arxiv.md': { sha: 'b'.repeat(40), size: 99 } },
    lastCheck: '2025-11-24T09:00:00.000Z',
    lastSuccess: '2025-11-23T09:00:00.000Z',
    lastNewFile: { path: `${name}/2025-11-23-arxiv.md`, at: '2025-11-23T09:00:01.000Z' },
    lastError: { kind: 'rate-limited', detail: 'api.github.com answered 403 (rate limited) — 限流', since: '2025-11-24T09:00:00.000Z', count: 2, retryAt: '2025-11-24T10:00:00.000Z' },
    files: {
      '2025-11-23-arxiv.md': {
        path: `${name}/2025-11-23-arxiv.md`,
        url: 'https://raw.githubusercontent.com/x/y/main/2025-11-23-arxiv.md',
        etag: '"e1"',
        lastModified: 'Sun, 23 Nov 2025 06:00:00 GMT',
        sha: 'a'.repeat(40),
        changedAt: '2025-11-23T09:00:01.000Z',
      },
      '2025-11-22-arxiv.md': { path: `${name}/2025-11-22-arxiv.md`, url: 'https://example.org/2025-11-22.md', etag: null, lastModified: null, sha: null, changedAt: '2025-11-22T09:00:00.000Z' },
    },
  };
}

/** The sources part of the store contract, for one backend. */
export function sourcesContract(backend: TestBackend): void {
  it('keeps each source\'s fetch state whole, apart from the others, and carries it in the export', () =>
    withStores(backend, async (s) => {
      const state = metaSourceStateStore(s.meta);
      assert.equal(await state.get('daily'), undefined);
      await state.put(fullState('daily'));
      await state.put({ ...fullState('other'), lastError: null, listing: null, listingEtag: null });
      assert.deepEqual(await state.get('daily'), fullState('daily'));
      assert.equal((await state.get('other'))?.lastError, null);

      const recovered = { ...fullState('daily'), lastError: null, lastSuccess: '2025-11-24T11:00:00.000Z' };
      await state.put(recovered);
      assert.deepEqual(await state.get('daily'), recovered, 'a later write replaces the state');
      assert.deepEqual((await s.meta.entries()).map((e) => e.key).filter((k) => k.startsWith('source:')).toSorted(), ['source:daily', 'source:other']);
    }));

  it('keeps the newest file entries of a long history (by the date in their names)', () =>
    withStores(backend, async (s) => {
      const state = metaSourceStateStore(s.meta);
      const files: SourceState['files'] = {};
      const start = Date.parse('2024-01-01T00:00:00Z');
      for (let i = 0; i < MAX_FILES + 30; i += 1) {
        const name = `${new Date(start + i * 86_400_000).toISOString().slice(0, 10)}-arxiv.md`;
        files[name] = { path: `daily/${name}`, url: `https://example.org/${name}`, etag: `"${i}"`, lastModified: null, sha: null, changedAt: '2025-11-24T00:00:00.000Z' };
      }
      await state.put({ ...fullState('daily'), files });
      const kept = Object.keys((await state.get('daily'))?.files ?? {}).toSorted();
      assert.equal(kept.length, MAX_FILES);
      assert.deepEqual(kept, Object.keys(files).toSorted().slice(-MAX_FILES));
    }));

  it('a fetch after a restart sends the validators kept on this backend and downloads nothing', () =>
    withStores(backend, async (s) => {
      const github = await startFakeGitHub();
      const dir = mkdtempSync(join(tmpdir(), 'adb-contract-sources-'));
      try {
        for (const date of ['2025-11-22', '2025-11-23']) github.put(REPO, `${FOLDER}/${date}-arxiv.md`, digestMarkdown(date, rows(2)));
        const specs = `github:${REPO}/${FOLDER}\nflat=${github.rawUrl}/${REPO}/main/${FOLDER}/{date}-arxiv.md`;
        // Each run is a new fetcher (a fresh HTTP client and nothing in memory), as a restarted bot would have.
        const run = async () => {
          const fetcher = createSourceFetcher(
            { sources: parseSources(specs), lookbackDays: 2, timeZone: 'UTC', digestDir: dir, github: { apiUrl: github.apiUrl, rawUrl: github.rawUrl, token: undefined } },
            { meta: s.meta, log: silentLog(), now: () => new Date('2025-11-24T09:00:00Z'), http: { sleep: async () => undefined, connectTimeoutMs: 2000 } },
          );
          try {
            return await fetcher.run();
          } finally {
            await fetcher.close();
          }
        };
        const first = await run();
        assert.deepEqual([first.downloaded, first.failed], [4, 0]);

        github.resetCounts();
        const second = await run();
        assert.deepEqual([second.downloaded, second.unchanged, second.failed], [0, 4, 0]);
        const listing = github.requests.filter((r) => r.host === 'api');
        assert.equal(listing.length, 1);
        assert.equal(listing[0]?.status, 304, 'the listing is asked for with its stored ETag');
        assert.ok(listing[0]?.headers['if-none-match']);
        const raw = github.requests.filter((r) => r.host === 'raw' && r.status !== 404);
        assert.equal(raw.length, 2, 'the folder\'s unchanged blobs are not asked for at all; the template\'s two files are');
        assert.ok(raw.every((r) => r.status === 304 && r.headers['if-none-match'] && r.headers['if-modified-since']), 'with both stored validators');
        assert.equal(github.counts().bytes, github.requests.filter((r) => r.status === 404).reduce((n, r) => n + r.bytes, 0), 'nothing but 404 bodies');
      } finally {
        await github.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }));
}
