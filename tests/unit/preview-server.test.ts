/**
 * The preview's content and HTTP server over an in-memory archive: the digest posts are exactly what the planner
 * enqueues for a new channel in each mode, search answers what `/paper search` answers, and the server serves
 * /, /search and /healthz on 127.0.0.1 only, with paging, and refuses other methods, paths and hosts.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { memorySnapshotFile, openArchive, type Archive } from '../../src/archive.ts';
import type { OutboxBody } from '../../src/discord/publisher.ts';
import { memoryDigestFolder } from '../../src/jobs/digest-folder.ts';
import { ingestFolder } from '../../src/jobs/ingest.ts';
import { planDeliveries } from '../../src/jobs/plan.ts';
import { previewContent, DIGESTS_PER_PAGE, type PreviewContent } from '../../src/preview/content.ts';
import { createPreviewServer, listenPreview, type ListeningPreview } from '../../src/preview/server.ts';
import { memoryStores, type Stores } from '../../src/store/index.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { silentLog } from '../helpers/log.ts';

const DIGESTS = DIGESTS_PER_PAGE + 2;

/** Digests `2026-01-01`… each with three papers; the last one also has a hostile title. */
async function archiveWithDigests(): Promise<{ stores: Stores; archive: Archive }> {
  const stores = await memoryStores();
  const archive = await openArchive({ stores, snapshot: memorySnapshotFile() });
  const files = new Map<string, string>();
  for (let d = 0; d < DIGESTS; d++) {
    const date = `2026-01-${String(d + 1).padStart(2, '0')}`;
    const papers = rows(3, 20000 + d * 3);
    // What survives the parser of hostile text: HTML-ish characters, mentions, markdown in the author.
    if (d === DIGESTS - 1) papers.push({ arxivId: '2601.29999', title: '1<2 & 3>2 @everyone <@123> 扩散', author: 'Mallory <b>x</b> & "Eve"' });
    files.set(`${date}-arxiv.md`, digestMarkdown(date, papers));
  }
  await ingestFolder({ archive, folder: memoryDigestFolder(files), log: silentLog() });
  return { stores, archive };
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

describe('preview content', () => {
  it('shows exactly the messages the planner enqueues for a new channel, in each mode', async () => {
    const { stores, archive } = await archiveWithDigests();
    const content = previewContent(archive);
    const modes = ['embeds', 'compact', 'thread'] as const;
    for (const [i, mode] of modes.entries()) {
      await stores.channels.put({
        guildId: '100000000000000001',
        channelId: `20000000000000000${i}`,
        sources: null,
        mode,
        notices: false,
        disabled: null,
        failures: 0,
        addedBy: 'test',
        addedAt: '2026-01-01T00:00:00.000Z',
      });
    }
    // A backlog covering every digest, so the planner posts each of them as the preview shows them.
    await planDeliveries({ stores, log: silentLog(), backlog: DIGESTS });
    const pending = await stores.outbox.pending(1000);
    for (const [i, mode] of modes.entries()) {
      const channelId = `20000000000000000${i}`;
      // The planner enqueues oldest first; the preview shows newest first.
      const planned = pending.filter((e) => e.target.kind === 'channel' && e.target.channelId === channelId).map((e) => e.body as OutboxBody);
      const shown = [...(await content.posts(mode, 0)).posts, ...(await content.posts(mode, 1)).posts].reverse();
      assert.equal(shown.length, DIGESTS);
      const flat = shown.flatMap((post) => [
        ...post.messages.map((message) => ({ message })),
        ...(post.thread?.messages.map((message) => ({ message, thread: post.thread?.name })) ?? []),
      ]);
      assert.deepEqual(
        flat,
        planned.map((body) => ({ message: body.message, ...(body.thread ? { thread: body.thread.name } : {}) })),
        `${mode}: the same message bodies, in the same order`,
      );
    }
  });

  it('pages digests newest first', async () => {
    const { archive } = await archiveWithDigests();
    const content = previewContent(archive);
    const first = await content.posts('embeds', 0);
    const second = await content.posts('embeds', 1);
    assert.equal(first.total, DIGESTS);
    assert.equal(first.posts.length, DIGESTS_PER_PAGE);
    assert.equal(first.hasOlder, true);
    assert.equal(second.posts.length, 2);
    assert.equal(second.hasOlder, false);
    assert.deepEqual(
      [...first.posts, ...second.posts].map((p) => p.time),
      Array.from({ length: DIGESTS }, (_, d) => `arXiv · 2026-01-${String(DIGESTS - d).padStart(2, '0')}`),
    );
  });

  it('answers search as /paper search does, one line of at most 200 characters', async () => {
    const { archive } = await archiveWithDigests();
    const content = previewContent(archive);
    const { body, total } = await content.search('测试论文20004', 0);
    assert.equal(total, archive.index.search('测试论文20004', { limit: 5 }).total);
    assert.ok(total >= 1);
    assert.match(body.embeds?.[0]?.description ?? '', /测试论文/);
    const long = await content.search(`${'x'.repeat(300)}\nsecond`, 0);
    assert.equal(long.body.embeds?.[0]?.footer?.text.endsWith(`🔎 ${'x'.repeat(200)}`), true);
  });
});

describe('preview server', () => {
  let stores: Stores;
  let content: PreviewContent;
  let server: ListeningPreview;
  before(async () => {
    const made = await archiveWithDigests();
    stores = made.stores;
    content = previewContent(made.archive);
    server = await listenPreview(createPreviewServer(content, silentLog()), 0);
  });
  after(async () => {
    await server.close();
    await stores.close();
  });

  it('listens on 127.0.0.1 and reports health', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get(`${server.url}healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok', papers: DIGESTS * 3 + 1 });
  });

  it('serves the newest digests as embeds, hostile text escaped, with paging and strict headers', async () => {
    const res = await get(server.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(count(res.body, /<article class="embed"/g), DIGESTS_PER_PAGE * 3 + 1);
    assert.match(res.body, />1&#60;2 &#38; 3&#62;2 @everyone &#60;@123&#62; 扩散<\/a>/, 'the title, literal');
    assert.match(res.body, /<div class="embed-author">Mallory x &#38; &#34;Eve&#34;<\/div>/);
    assert.match(res.body, /<a href="\/\?mode=embeds&#38;page=1">Older →<\/a>/);
    const older = await get(`${server.url}?mode=embeds&page=1`);
    assert.equal(count(older.body, /<article class="embed"/g), 2 * 3);
    assert.match(older.body, /← Newer/);
  });

  it('switches modes', async () => {
    const compact = await get(`${server.url}?mode=compact`);
    assert.equal(count(compact.body, /<article class="embed"/g), DIGESTS_PER_PAGE, 'one list embed per digest');
    const thread = await get(`${server.url}?mode=thread`);
    assert.equal(count(thread.body, /<div class="thread">/g), DIGESTS_PER_PAGE);
    const unknown = await get(`${server.url}?mode=%3Cx%3E`);
    assert.match(unknown.body, /<a class="tab active" href="\/\?mode=embeds">/, 'an unknown mode falls back to embeds');
  });

  it('searches, escapes the query, and links the pager buttons', async () => {
    const res = await get(`${server.url}search?q=${encodeURIComponent('扩散模型')}`);
    assert.equal(res.status, 200);
    assert.match(res.body, /<strong>扩散/);
    assert.match(res.body, /<span class="button disabled">Previous<\/span><a class="button" href="\/search\?mode=embeds&#38;q=%E6%89%A9%E6%95%A3%E6%A8%A1%E5%9E%8B&#38;page=1">Next<\/a>/);
    const second = await get(`${server.url}search?q=${encodeURIComponent('扩散模型')}&page=1`);
    assert.match(second.body, /<strong>6\.<\/strong>/, 'the second page starts at result 6');
    const hostile = await get(`${server.url}search?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    assert.doesNotMatch(hostile.body, /<script>/);
    assert.match(hostile.body, /value="&#34;&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;"/);
  });

  it('refuses other paths, methods and hosts', async () => {
    assert.equal((await get(`${server.url}nope`)).status, 404);
    const post = await get(server.url, {}, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.equal((await get(server.url, { host: 'attacker.example' })).status, 403, 'DNS rebinding: a foreign Host is refused');
    assert.equal((await get(server.url, { host: `localhost:${server.port}` })).status, 200);
    const head = await get(`${server.url}healthz`, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('says what to do when the port is taken', async () => {
    const other = createPreviewServer(content, silentLog());
    await assert.rejects(listenPreview(other, server.port), /port is in use — set PREVIEW_PORT/);
  });
});
