/**
 * The bioRxiv/medRxiv day-range mode: a batch of DOIs posted near one digest date is looked up with the paged
 * `/details/{server}/{from}/{to}/{cursor}/json` listing when that costs fewer requests than one per DOI; what the
 * listing does not return (older postings, a revision whose first version is outside the window) is asked for
 * per DOI. Against the local api.biorxiv.org of servers.ts, on a fake clock (the pause is kept, not waited for).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBiorxivClient, type BiorxivClientOptions } from '../../src/metadata/biorxiv.ts';
import { parseRangePage, planDayRanges } from '../../src/metadata/biorxiv-range.ts';
import { fakeClock } from '../../src/metadata/clock.ts';
import { enrichPapers } from '../../src/metadata/enrich.ts';
import { createPacer } from '../../src/metadata/pacer.ts';
import type { Paper } from '../../src/digest/types.ts';
import { numberedPaper } from '../helpers/papers.ts';
import { startFakeBiorxiv, type FakePreprint } from './servers.ts';

const preprint = (doi: string, date: string, extra: Partial<FakePreprint> = {}): FakePreprint => ({
  doi, title: `Title of ${doi}`, authors: 'Loconsole, M.; Xue, C.', date, version: '1', category: 'neuroscience',
  abstract: `Abstract of ${doi}.`, published: 'NA', server: 'bioRxiv', ...extra,
});
const doiOf = (n: number) => `10.64898/2026.07.31.${String(700000 + n)}`;
/** 40 DOIs posted on 2026-08-01, the day before the digest that lists them. */
const TARGETS = Array.from({ length: 40 }, (_, i) => doiOf(i));
const LATE = '10.1101/2026.05.30.650001';
const REVISED = '10.1101/2026.04.28.640001';
const POPULATION: FakePreprint[] = [
  ...TARGETS.map((doi) => preprint(doi, '2026-08-01')),
  // Other papers of the window nobody asked for (they fill the pages).
  ...Array.from({ length: 25 }, (_, i) => preprint(`10.64898/2026.07.29.${String(710000 + i)}`, '2026-07-31')),
  // Posted long before the digest listed it: outside the window.
  preprint(LATE, '2026-06-01'),
  // A revision posted in the window; its first version is older (the range lists only v2).
  preprint(REVISED, '2026-05-01', { title: 'Revised (first version)' }),
  preprint(REVISED, '2026-08-02', { version: '2', title: 'Revised paper' }),
  // The same day on medRxiv: a range of one server never lists the other's.
  preprint('10.1101/2026.07.30.26300001', '2026-08-01', { server: 'medRxiv' }),
];
const DIGEST_DATE = '2026-08-02';
const hinted = (dois: readonly string[], date = DIGEST_DATE) => new Map(dois.map((d) => [`biorxiv:${d}`, date]));
const rangeUrls = (seen: { url: string }[]) => seen.map((s) => s.url).filter((u) => !u.endsWith('/na/json'));
const doiUrls = (seen: { url: string }[]) => seen.map((s) => s.url).filter((u) => u.endsWith('/na/json'));

describe('bioRxiv/medRxiv day-range mode against a local api.biorxiv.org', () => {
  let fake: Awaited<ReturnType<typeof startFakeBiorxiv>>;
  const clock = fakeClock();
  const pacer = createPacer(1000, clock);
  /** The estimate a fresh client starts from: ~10 postings a day, 30 a page (ceil(4 days × 10 / 30) = 2 pages). */
  const client = (extra: Partial<BiorxivClientOptions> = {}) =>
    createBiorxivClient({
      url: fake.url, pacer, clock, backoffMs: 10, timeoutMs: 2000, attempts: 2, random: () => 0,
      range: { lookbackDays: 3, recordsPerDay: { biorxiv: 10, medrxiv: 10 }, pageSize: 30 }, ...extra,
    });
  before(async () => {
    fake = await startFakeBiorxiv(POPULATION, { pageSize: 30 });
  });
  after(() => fake.close());
  const reset = () => {
    fake.seen.length = 0;
    fake.faults = [];
    fake.pageSize = 30;
  };

  it('a batch of 42 DOIs of one window costs 5 requests instead of 42, with the same answers', async () => {
    reset();
    const keys = [...TARGETS, LATE, REVISED].map((d) => `biorxiv:${d}`);
    const perDoi = client({ range: false });
    const one = await perDoi.lookup(keys, undefined, hinted([...TARGETS, LATE, REVISED]));
    assert.equal(perDoi.requests, 42);
    reset();
    const ranged = client();
    const out = await ranged.lookup(keys, undefined, hinted([...TARGETS, LATE, REVISED]));
    assert.equal(ranged.requests, 5, `3 pages + 2 per-DOI lookups; sent ${fake.seen.map((s) => s.url).join(' ')}`);
    assert.ok(ranged.requests < perDoi.requests);
    assert.equal([...out.values()].filter((o) => o.kind === 'found').length, 42);
    for (const key of keys) assert.deepEqual(out.get(key), one.get(key), `same answer for ${key}`);
    const t = out.get(`biorxiv:${TARGETS[7]}`);
    assert.equal(t?.kind === 'found' && t.metadata.title, `Title of ${TARGETS[7]}`);
    assert.deepEqual(t?.kind === 'found' && t.metadata.authors, ['Loconsole, M.', 'Xue, C.']);
  });

  it('pages across cursors by the count each page reports, oldest day first', async () => {
    reset();
    await client().lookup(TARGETS.map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS));
    assert.deepEqual(rangeUrls(fake.seen), [
      '/details/biorxiv/2026-07-30/2026-08-02/0/json',
      '/details/biorxiv/2026-07-30/2026-08-02/30/json',
      '/details/biorxiv/2026-07-30/2026-08-02/60/json',
    ]);
    reset();
    fake.pageSize = 20;
    const c = client();
    const out = await c.lookup(TARGETS.map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS));
    assert.deepEqual(rangeUrls(fake.seen).map((u) => u.split('/')[5]), ['0', '20', '40', '60']);
    assert.equal([...out.values()].filter((o) => o.kind === 'found').length, 40);
  });

  it('DOIs the range did not return (an older posting, a revision without its first version) are found per DOI', async () => {
    reset();
    const out = await client().lookup([LATE, REVISED, ...TARGETS].map((d) => `biorxiv:${d}`), undefined, hinted([LATE, REVISED, ...TARGETS]));
    assert.deepEqual(doiUrls(fake.seen), [`/details/biorxiv/${LATE}/na/json`, `/details/biorxiv/${REVISED}/na/json`]);
    const late = out.get(`biorxiv:${LATE}`);
    assert.equal(late?.kind === 'found' && late.metadata.firstPublished, '2026-06-01');
    const revised = out.get(`biorxiv:${REVISED}`);
    assert.equal(revised?.kind, 'found');
    if (revised?.kind !== 'found') return;
    assert.equal(revised.metadata.title, 'Revised paper');
    assert.equal(revised.metadata.latestVersion, 2);
    assert.equal(revised.metadata.firstPublished, '2026-05-01', 'the first-published date comes from the full history');
  });

  it('a malformed page: what earlier pages gave is kept, the rest is asked per DOI, nothing fails', async () => {
    reset();
    fake.faults = ['ok', 'malformed'];
    const c = client();
    const out = await c.lookup(TARGETS.map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS));
    assert.deepEqual([...out.values()].map((o) => o.kind).filter((k) => k !== 'found'), []);
    // Page 0 held the 25 others of 07-31 and the first 5 targets; the other 35 are asked one by one.
    assert.equal(rangeUrls(fake.seen).length, 2);
    assert.equal(doiUrls(fake.seen).length, 35);
    // The window was not listed completely: a later batch lists it again rather than trusting the partial page.
    fake.seen.length = 0;
    await c.lookup(TARGETS.slice(0, 10).map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS.slice(0, 10)));
    assert.equal(rangeUrls(fake.seen)[0], '/details/biorxiv/2026-07-30/2026-08-02/0/json');
  });

  it('an empty window ("no posts found") falls back to per-DOI lookups', async () => {
    reset();
    const c = client();
    const dois = TARGETS.slice(0, 5);
    const out = await c.lookup(dois.map((d) => `biorxiv:${d}`), undefined, hinted(dois, '2026-09-20'));
    assert.deepEqual(rangeUrls(fake.seen), ['/details/biorxiv/2026-09-17/2026-09-20/0/json']);
    assert.equal(doiUrls(fake.seen).length, 5);
    assert.equal([...out.values()].filter((o) => o.kind === 'found').length, 5);
  });

  it('stops listing after the first page when the window takes as many pages as it has DOIs (the estimate was wrong)', async () => {
    reset();
    const two = TARGETS.slice(38);
    // Expected ~0.1 postings a day: one page for 2 DOIs looks cheap, but page 0 says 66 records (3 pages).
    const c = client({ range: { lookbackDays: 3, recordsPerDay: { biorxiv: 0.1 }, pageSize: 30 } });
    const out = await c.lookup(two.map((d) => `biorxiv:${d}`), undefined, hinted(two));
    assert.deepEqual(rangeUrls(fake.seen), ['/details/biorxiv/2026-07-30/2026-08-02/0/json']);
    assert.equal(doiUrls(fake.seen).length, 2);
    assert.equal([...out.values()].filter((o) => o.kind === 'found').length, 2);
  });

  it('a service not answering the listing fails its DOIs at once (no per-DOI retries on top), and they are asked again later', async () => {
    reset();
    fake.always = '503';
    const c = client();
    try {
      const out = await c.lookup(TARGETS.map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS));
      assert.deepEqual(new Set([...out.values()].map((o) => o.kind)), new Set(['failed']));
      assert.equal(c.requests, 2, 'one listing request, retried once');
    } finally {
      fake.always = 'ok';
    }
    const again = await c.lookup(TARGETS.map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS));
    assert.equal([...again.values()].filter((o) => o.kind === 'found').length, 40);
  });

  it('asks per DOI when the window holds too few DOIs to pay for its pages, and without a date', async () => {
    reset();
    const two = TARGETS.slice(0, 2);
    const c = client();
    await c.lookup(two.map((d) => `biorxiv:${d}`), undefined, hinted(two));
    await c.lookup(TARGETS.slice(2, 12).map((d) => `biorxiv:${d}`));
    assert.deepEqual(rangeUrls(fake.seen), []);
    assert.equal(c.requests, 12);
  });

  it('remembers listed days: a second batch of the same window costs no request; the other server has its own', async () => {
    reset();
    const c = client();
    await c.lookup(TARGETS.slice(0, 20).map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS.slice(0, 20)));
    const first = c.requests;
    const out = await c.lookup(TARGETS.slice(20).map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS.slice(20)));
    assert.equal(c.requests, first);
    assert.equal([...out.values()].filter((o) => o.kind === 'found').length, 20);
    const med = await c.lookup(['medrxiv:10.1101/2026.07.30.26300001'], undefined, new Map([['medrxiv:10.1101/2026.07.30.26300001', DIGEST_DATE]]));
    assert.equal(med.get('medrxiv:10.1101/2026.07.30.26300001')?.kind, 'found');
    assert.ok(fake.seen.every((s) => !s.url.startsWith('/details/medrxiv/2026')), 'one medRxiv DOI is asked per DOI');
  });

  it('keeps one request at a time with the pause between pages', async () => {
    reset();
    const own = createPacer(1000, clock);
    await Promise.all([
      client({ pacer: own }).lookup(TARGETS.slice(0, 20).map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS.slice(0, 20))),
      client({ pacer: own }).lookup(TARGETS.slice(20).map((d) => `biorxiv:${d}`), undefined, hinted(TARGETS.slice(20))),
    ]);
    const starts = own.starts;
    assert.equal(starts.length, 6, 'two listings of 3 pages');
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 1000);
    assert.equal(fake.maxInFlight, 1);
  });

  it('the enricher gives the client each paper\'s digest date, so a day of DOIs costs fewer requests', async () => {
    reset();
    const papers: Paper[] = TARGETS.map((doi, i) =>
      numberedPaper(i + 1, { id: `doi:${doi}`, arxivId: null, version: null, doi, source: 'biorxiv', date: DIGEST_DATE, title: '' }),
    );
    const memory = new Map(papers.map((p) => [p.id, p]));
    const c = client();
    const report = await enrichPapers(
      {
        clients: { arxiv: client({ range: false }), biorxiv: c },
        papers: {
          async updateMany(ids, change) {
            return ids.flatMap((id) => {
              const next = change(memory.get(id)!);
              memory.set(id, next);
              return [next];
            });
          },
        },
      },
      papers,
    );
    assert.equal(report.enriched, 40);
    assert.equal(c.requests, 3);
    assert.equal(memory.get(`doi:${TARGETS[3]}`)?.titleOriginal ?? memory.get(`doi:${TARGETS[3]}`)?.title, `Title of ${TARGETS[3]}`);
  });
});

describe('day-range planning and pages (pure)', () => {
  const c = (n: number, date: string) => ({ key: `biorxiv:10.1101/x.${n}`, doi: `10.1101/x.${n}`, date });
  const estimate = { lookbackDays: 3, recordsPerDay: 30, pageSize: 30, isListed: () => false };

  it('merges windows that overlap or touch, leaves listed days out, and lists a span only when it has more DOIs than pages', () => {
    const many = [...Array.from({ length: 6 }, (_, i) => c(i, '2026-08-02')), ...Array.from({ length: 6 }, (_, i) => c(10 + i, '2026-08-06'))];
    const plan = planDayRanges(many, estimate);
    // 2026-07-30..08-02 and 08-03..08-06 touch: one span of 8 days, 8 pages expected, 12 DOIs.
    assert.deepEqual(plan.runs.map((r) => [r.from, r.to]), [['2026-07-30', '2026-08-06']]);
    assert.equal(plan.ranged.length, 12);
    const listed = new Set(['2026-08-01', '2026-08-02']);
    const split = planDayRanges(many, { ...estimate, isListed: (d) => listed.has(d) });
    assert.deepEqual(split.runs.map((r) => [r.from, r.to, r.dois.size]), [['2026-07-30', '2026-07-31', 6], ['2026-08-03', '2026-08-06', 6]]);
    const few = planDayRanges(many.slice(0, 4), estimate);
    assert.deepEqual([few.runs.length, few.ranged.length, few.perDoi.length], [0, 0, 4], '4 days ≈ 4 pages for 4 DOIs: per DOI');
    const apart = planDayRanges([...many.slice(0, 6), c(99, '2026-09-30')], estimate);
    assert.deepEqual(apart.perDoi.map((x) => x.doi), ['10.1101/x.99'], 'a lone DOI a month later has its own window');
  });

  it('reads paging fields as numbers or strings; anything else makes the page unreadable', () => {
    const page = parseRangePage('{"messages":[{"status":"ok","cursor":"30","count":30,"total":"109"}],"collection":[{"doi":"10.1/a"}]}');
    assert.deepEqual(page.kind === 'page' && [page.cursor, page.count, page.total, page.versions.length], [30, 30, 109, 1]);
    assert.equal(parseRangePage('{"messages":[{"status":"no posts found"}],"collection":[]}').kind, 'empty');
    assert.equal(parseRangePage('{"messages":[{"status":"ok","count":30}],"collection":[]}').kind, 'unreadable');
    assert.equal(parseRangePage('{"messages":[{"status":"error: bad interval"}]}').kind, 'unreadable');
    assert.equal(parseRangePage('').kind, 'unreadable');
    assert.equal(parseRangePage('[1,2]').kind, 'unreadable');
  });
});
