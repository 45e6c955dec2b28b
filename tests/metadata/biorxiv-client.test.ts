import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBiorxivClient, parseBiorxivKey, parseDetails } from '../../src/metadata/biorxiv.ts';
import { fakeClock } from '../../src/metadata/clock.ts';
import { createPacer } from '../../src/metadata/pacer.ts';
import { PREPRINT_SAMPLES, startFakeBiorxiv } from './servers.ts';

describe('bioRxiv/medRxiv client against a local api.biorxiv.org', () => {
  let fake: Awaited<ReturnType<typeof startFakeBiorxiv>>;
  const clock = fakeClock();
  const pacer = createPacer(1000, clock);
  const client = () => createBiorxivClient({ url: fake.url, pacer, clock, backoffMs: 10, timeoutMs: 300, attempts: 2, random: () => 0 });
  before(async () => {
    fake = await startFakeBiorxiv(PREPRINT_SAMPLES);
  });
  after(() => fake.close());

  it('keeps the newest of several versions, with the first version date', async () => {
    const out = await client().lookup(['medrxiv:10.1101/2025.06.01.25328811']);
    const o = out.get('medrxiv:10.1101/2025.06.01.25328811');
    assert.equal(o?.kind, 'found');
    if (o?.kind !== 'found') return;
    assert.equal(o.metadata.title, 'Plasma biomarkers predict Alzheimer disease progression');
    assert.deepEqual(o.metadata.authors, ['Zhang, W.', 'Smith, J.', 'Levine, S.']);
    assert.equal(o.metadata.latestVersion, 2);
    assert.equal(o.metadata.firstPublished, '2025-06-03');
    assert.equal(o.metadata.updated, '2025-07-10');
    assert.equal(o.metadata.publishedDoi, '10.1001/jama.2025.1234');
    assert.equal(o.metadata.source, 'medrxiv');
    assert.deepEqual(o.metadata.categories, ['neurology']);
  });

  it('handles the 10.64898/ prefix, and tries the other server when the named one does not know the DOI', async () => {
    fake.seen.length = 0;
    const out = await client().lookup(['medrxiv:10.64898/2026.07.31.741992']);
    const o = out.get('medrxiv:10.64898/2026.07.31.741992');
    assert.equal(o?.kind, 'found');
    if (o?.kind === 'found') {
      assert.equal(o.metadata.source, 'biorxiv');
      assert.equal(o.metadata.publishedDoi, null, '"NA" is no DOI');
    }
    assert.deepEqual(fake.seen.map((s) => s.url), [
      '/details/medrxiv/10.64898/2026.07.31.741992/na/json',
      '/details/biorxiv/10.64898/2026.07.31.741992/na/json',
    ]);
  });

  it('a status other than ok is "not found"; an empty body is "failed"; 5xx is retried', async () => {
    const out = await client().lookup(['biorxiv:10.1101/2020.01.01.000001']);
    assert.equal(out.get('biorxiv:10.1101/2020.01.01.000001')?.kind, 'not-found');
    fake.faults = ['empty', 'empty'];
    const empty = await client().lookup(['biorxiv:10.64898/2026.07.31.741992']);
    assert.equal(empty.get('biorxiv:10.64898/2026.07.31.741992')?.kind, 'failed');
    fake.faults = ['503'];
    const retried = await client().lookup(['biorxiv:10.64898/2026.07.31.741992']);
    assert.equal(retried.get('biorxiv:10.64898/2026.07.31.741992')?.kind, 'found');
    fake.faults = ['hang', 'hang'];
    const hung = await client().lookup(['biorxiv:10.64898/2026.07.31.741992']);
    assert.equal(hung.get('biorxiv:10.64898/2026.07.31.741992')?.kind, 'failed');
  });

  it('keeps one request at a time with a pause between them', async () => {
    fake.seen.length = 0;
    const start = pacer.starts.length;
    const c = client();
    await Promise.all([c.lookup(['medrxiv:10.1101/2025.06.01.25328811']), c.lookup(['biorxiv:10.64898/2026.07.31.741992'])]);
    const starts = pacer.starts.slice(start);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 1000);
    assert.equal(fake.maxInFlight, 1);
  });
});

describe('bioRxiv parsing', () => {
  it('reads keys and refuses what is not a DOI', () => {
    assert.deepEqual(parseBiorxivKey('10.1101/2021.02.23.432411'), { servers: ['biorxiv', 'medrxiv'], doi: '10.1101/2021.02.23.432411' });
    assert.equal(parseBiorxivKey('medrxiv:nonsense'), null);
    assert.equal(parseDetails('', '10.1101/x', 'biorxiv'), 'unreadable');
    assert.equal(parseDetails('{"messages":[{"status":"ok"}]', '10.1101/x', 'biorxiv'), 'unreadable');
    assert.equal(parseDetails('{"messages":[{"status":"no posts found"}],"collection":[]}', '10.1101/x', 'biorxiv'), 'not-found');
  });
});
