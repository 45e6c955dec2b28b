import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createArxivClient } from '../../src/metadata/arxiv.ts';
import { parseArxivFeed } from '../../src/metadata/arxiv-atom.ts';
import { fakeClock } from '../../src/metadata/clock.ts';
import { createPacer, sharedPacer } from '../../src/metadata/pacer.ts';
import { ARXIV_SAMPLES, feed2026, manualFeed, startFakeArxiv } from './servers.ts';

/** A client on its own fast pacer (fake clock), so tests do not wait three seconds per request. */
function fastClient(url: string, extra: Parameters<typeof createArxivClient>[0] = {}) {
  const clock = fakeClock();
  const pacer = createPacer(3000, clock);
  return { client: createArxivClient({ url, pacer, clock, backoffMs: 10, timeoutMs: 500, random: () => 0, contact: 'lab@example.org', ...extra }), pacer, clock };
}

describe('arXiv Atom parsing (both serializers)', () => {
  for (const [name, xml] of [
    ['manual', manualFeed(ARXIV_SAMPLES)],
    ['2026', feed2026(ARXIV_SAMPLES)],
  ] as const) {
    it(`reads every field of the ${name} serializer by namespace`, () => {
      const { entries, errors } = parseArxivFeed(xml);
      assert.deepEqual(errors, []);
      assert.equal(entries.length, 3);
      const e = entries[0]!;
      assert.equal(e.key, '2511.16674');
      assert.equal(e.latestVersion, 2);
      assert.equal(e.title, 'Diffusion Policies for Dexterous Robot Manipulation');
      assert.match(e.abstract ?? '', /^We present a diffusion policy .* few demonstrations\.$/);
      assert.deepEqual(e.authors, ['Wei Zhang', 'Maria Loconsole', 'Sergey Levine']);
      assert.equal(e.primaryCategory, 'cs.RO');
      assert.deepEqual(e.categories, ['cs.RO', 'cs.LG']);
      assert.equal(e.comment, '12 pages, 5 figures');
      assert.equal(e.firstPublished, '2025-11-20');
      assert.equal(e.updated, '2025-11-22');
      assert.equal(entries[2]!.key, 'hep-ex/0307015');
      if (name === 'manual') {
        assert.equal(e.journalRef, 'CoRL 2025');
        assert.equal(e.publishedDoi, '10.1000/corl.2025.1');
      }
    });
  }
  it('reports an Error entry instead of a paper, and survives garbage', () => {
    const feed = parseArxivFeed(manualFeed([], '1234.12345'));
    assert.deepEqual(feed.entries, []);
    assert.match(feed.errors[0] ?? '', /incorrect id format/);
    assert.deepEqual(parseArxivFeed('Rate exceeded.').entries, []);
    assert.deepEqual(parseArxivFeed('<feed><entry>').entries, []);
    // Elements of another namespace named like Atom's are not Atom's.
    assert.equal(parseArxivFeed('<feed xmlns="urn:other"><entry><id>http://arxiv.org/abs/2511.16674v1</id></entry></feed>').entries.length, 0);
  });
});

describe('arXiv client against a local arXiv', () => {
  let fake: Awaited<ReturnType<typeof startFakeArxiv>>;
  before(async () => {
    fake = await startFakeArxiv(ARXIV_SAMPLES);
  });
  after(() => fake.close());

  it('looks a batch up with max_results set, and a missing id is "not found"', async () => {
    fake.seen.length = 0;
    const { client } = fastClient(fake.apiUrl);
    const out = await client.lookup(['2511.16674', '2511.20001', '2511.99999']);
    assert.equal(out.get('2511.16674')?.kind, 'found');
    assert.equal(out.get('2511.20001')?.kind, 'found');
    assert.equal(out.get('2511.99999')?.kind, 'not-found');
    assert.equal(fake.seen.length, 1);
    const url = new URL(fake.seen[0]!.url, 'http://x');
    assert.equal(url.searchParams.get('max_results'), '3');
    assert.match(fake.seen[0]!.userAgent, /^arxiv-digest-bot\/.*mailto:lab@example\.org/);
    assert.equal(client.requests, 1);
  });

  it('sends long id lists as a POST form, in batches', async () => {
    fake.seen.length = 0;
    const ids = Array.from({ length: 250 }, (_, i) => `2511.${String(30000 + i)}`);
    const { client } = fastClient(fake.apiUrl, { batchSize: 200 });
    const out = await client.lookup([...ids, '2511.16674']);
    assert.equal(out.get('2511.16674')?.kind, 'found');
    assert.equal(out.get(ids[0]!)?.kind, 'not-found');
    assert.deepEqual(fake.seen.map((s) => s.method), ['POST', 'GET']);
    assert.equal(new URLSearchParams(fake.seen[0]!.body).get('max_results'), '200');
  });

  it('an Error entry for one malformed id does not hide the others', async () => {
    fake.seen.length = 0;
    const { client } = fastClient(fake.apiUrl);
    const out = await client.lookup(['2511.16674', '1234.12345', 'not-an-id']);
    assert.equal(out.get('2511.16674')?.kind, 'found');
    assert.equal(out.get('1234.12345')?.kind, 'not-found');
    assert.equal(out.get('not-an-id')?.kind, 'not-found');
    // The batch answered with an Error entry, then each id was asked alone; the junk id was never sent.
    assert.equal(fake.seen.length, 3);
    assert.ok(fake.seen.every((s) => !s.url.includes('not-an-id')));
  });

  it('parses the 2026 serializer from the wire', async () => {
    fake.serializer = '2026';
    try {
      const { client } = fastClient(fake.apiUrl);
      const out = await client.lookup(['2511.20001']);
      const found = out.get('2511.20001');
      assert.equal(found?.kind, 'found');
      if (found?.kind === 'found') assert.deepEqual(found.metadata.authors, ['Chenhang Christopher Zhang', 'Yanqing Lou', 'Xianjun Dong']);
    } finally {
      fake.serializer = 'manual';
    }
  });

  it('backs off on a 429 without Retry-After and on 5xx, then succeeds', async () => {
    fake.seen.length = 0;
    fake.faults = ['429', '503'];
    const { client, clock } = fastClient(fake.apiUrl, { backoffMs: 10_000 });
    const out = await client.lookup(['2511.16674']);
    assert.equal(out.get('2511.16674')?.kind, 'found');
    assert.equal(fake.seen.length, 3);
    // 10 s after the 429, 20 s after the 503: well beyond the three-second pace.
    assert.ok(clock.slept >= 30_000, `slept ${clock.slept} ms`);
  });

  it('a service that keeps failing or hangs gives "failed", not a crash', async () => {
    fake.always = '500';
    try {
      const { client } = fastClient(fake.apiUrl, { attempts: 2 });
      const out = await client.lookup(['2511.16674']);
      assert.equal(out.get('2511.16674')?.kind, 'failed');
    } finally {
      fake.always = 'ok';
    }
    fake.faults = ['hang'];
    const { client } = fastClient(fake.apiUrl, { attempts: 1, timeoutMs: 200 });
    const out = await client.lookup(['2511.16674']);
    const o = out.get('2511.16674');
    assert.equal(o?.kind, 'failed');
    if (o?.kind === 'failed') assert.match(o.reason, /timed out/);
  });

  it('a caller out of time gets what was answered, the rest stays unanswered', async () => {
    const { client } = fastClient(fake.apiUrl, { batchSize: 1 });
    const ac = new AbortController();
    ac.abort(new Error('budget'));
    const out = await client.lookup(['2511.16674', '2511.20001'], ac.signal);
    assert.equal(out.size, 0);
  });
});

describe('the arXiv terms of use, enforced by the client', () => {
  it('never starts two requests less than 3 s apart, whatever the concurrency (fake clock)', async () => {
    const fake = await startFakeArxiv(ARXIV_SAMPLES);
    try {
      const clock = fakeClock(1_000_000);
      const pacer = createPacer(3000, clock);
      // Several clients sharing the process's pacer, twenty concurrent callers.
      const clients = [0, 1, 2].map(() => createArxivClient({ url: fake.apiUrl, pacer, clock }));
      await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 3]!.lookup([i % 2 ? '2511.16674' : '2511.20001'])));
      assert.equal(pacer.starts.length, 20);
      for (let i = 1; i < pacer.starts.length; i++) assert.ok(pacer.starts[i]! - pacer.starts[i - 1]! >= 3000, `gap ${i}`);
      assert.equal(fake.maxInFlight, 1, 'one connection, one request at a time');
    } finally {
      await fake.close();
    }
  });

  it('by default, two clients in one process share the 3 s pace (real clock)', async () => {
    const fake = await startFakeArxiv(ARXIV_SAMPLES);
    try {
      const a = createArxivClient({ url: fake.apiUrl });
      const b = createArxivClient({ url: fake.apiUrl });
      await Promise.all([a.lookup(['2511.16674']), b.lookup(['2511.20001'])]);
      assert.equal(fake.seen.length, 2);
      // The process-wide pacer both clients use started them three seconds apart…
      const starts = sharedPacer(`arxiv ${new URL(fake.apiUrl).origin}`, 3000).starts;
      assert.equal(starts.length, 2);
      assert.ok(starts[1]! - starts[0]! >= 3000, `gap ${starts[1]! - starts[0]!} ms`);
      // …and the server saw them so (less some scheduling jitter on a loaded machine).
      assert.ok(fake.seen[1]!.at - fake.seen[0]!.at >= 2500, `gap ${fake.seen[1]!.at - fake.seen[0]!.at} ms`);
      assert.equal(fake.maxInFlight, 1);
    } finally {
      await fake.close();
    }
  });
});
