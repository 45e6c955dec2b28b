/**
 * `npm run bench:metadata [-- <dir>]` (issue 13): what looking the shared corpus up costs, and what it buys search.
 *
 * 1. Back-fill cost: the corpus's unique papers per service; a measured smaller run of the real clients at their
 *    default polite pace (arXiv one request per 3 s, batches of 100; bioRxiv/medRxiv one DOI a request, 1 s apart)
 *    against the local API servers of tests/metadata; the corpus estimate extrapolated from the measured seconds
 *    per request. For bioRxiv/medRxiv, the whole corpus's back-fill is then replayed (unpaced, requests counted)
 *    against a local api.biorxiv.org holding every corpus DOI at a modelled posting date plus other postings up to
 *    a daily volume, the way the metadata job walks the store (newest date first, 100 papers a step): one request
 *    per DOI vs the day-range mode, side by side, at page sizes 30 (served in 2026) and 100 (the help page).
 * 2. Search before/after, on the corpus's own papers (no network here, so the "arXiv answer" is simulated from the
 *    digest's own English original, the way the main generator's Chinese-only digests lose it):
 *    - English known-item queries (distinctive words of the English title) against papers indexed as Chinese-only
 *      digests show them ("before") and after their lookup filled the English title and abstract ("after");
 *    - author-form queries: real corpus names asked in the other form (`Levine, S.` for `Sergey Levine`, `Zhang Wei`
 *      for `Zhang, W.`), with the old rule (every query word in one author) vs the name forms of src/search/names.ts,
 *      counted as found in the top 10, and how many other authors each form matches (precision).
 */
import { readFile } from 'node:fs/promises';
import { collectFiles } from '../src/cli/parse.ts';
import { parseDigest } from '../src/digest/index.ts';
import type { Paper } from '../src/digest/types.ts';
import { createArxivClient, createBiorxivClient, enrichPapers, lookupKeyOf, mergeMetadata } from '../src/metadata/index.ts';
import { tokenize } from '../src/search/analyzer.ts';
import { SearchIndex } from '../src/search/index.ts';
import { nameMatches } from '../src/search/names.ts';
import { createPacer } from '../src/metadata/pacer.ts';
import { startFakeArxiv, startFakeBiorxiv, type FakeArxivEntry, type FakePreprint } from '../tests/metadata/servers.ts';

const dir = process.argv[2] ?? process.env.BENCH_CORPUS ?? '../shared/digests';
const SAMPLE_ARXIV = Number(process.env.BENCH_ARXIV ?? 300);
const SAMPLE_DOIS = Number(process.env.BENCH_DOIS ?? 15);
/** Versions posted a day, assumed (bioRxiv ≈ 150 new + ≈ 100 revisions, medRxiv ≈ 50 + 30): they set the page counts. */
const PER_DAY = { biorxiv: Number(process.env.BENCH_BIORXIV_PER_DAY ?? 250), medrxiv: Number(process.env.BENCH_MEDRXIV_PER_DAY ?? 80) };
const PAGE_SIZES = (process.env.BENCH_PAGE_SIZES ?? '30,100').split(',').map(Number);

const files = await collectFiles([dir]);
const papers = new Map<string, Paper>();
for (const file of files) {
  for (const p of parseDigest({ text: await readFile(file, 'utf8'), fileName: file }).papers) if (!papers.has(p.id)) papers.set(p.id, p);
}
const all = [...papers.values()];
const arxivPapers = all.filter((p) => lookupKeyOf(p)?.service === 'arxiv');
const doiPapers = all.filter((p) => lookupKeyOf(p)?.service === 'biorxiv');
console.log(`corpus: ${files.length} files, ${all.length} unique papers: ${arxivPapers.length} arXiv, ${doiPapers.length} bioRxiv/medRxiv DOIs, ${all.length - arxivPapers.length - doiPapers.length} not lookable`);

// ---- 1. measured smaller run at the polite pace -------------------------------------------------------------
const sampleArxiv = arxivPapers.slice(0, SAMPLE_ARXIV);
const sampleDois = doiPapers.slice(0, SAMPLE_DOIS);
const entries: FakeArxivEntry[] = sampleArxiv.map((p) => ({
  id: p.arxivId!, version: p.version ?? 1, title: p.titleOriginal ?? p.title, summary: p.abstractOriginal ?? p.abstract ?? 'abstract',
  authors: p.authors.length ? p.authors : ['Anon Ymous'], categories: ['cs.LG'], primary: 'cs.LG', published: '2025-01-01', updated: '2025-01-02',
}));
const preprints: FakePreprint[] = sampleDois.map((p) => ({
  doi: p.doi!, title: p.titleOriginal ?? p.title, authors: p.authors.join('; '), date: '2025-01-01', version: '1', category: 'neuroscience',
  abstract: 'abstract', published: 'NA', server: p.source === 'medrxiv' ? 'medRxiv' : 'bioRxiv',
}));
const arxiv = await startFakeArxiv(entries);
const biorxiv = await startFakeBiorxiv(preprints);
const clients = { arxiv: createArxivClient({ url: arxiv.apiUrl }), biorxiv: createBiorxivClient({ url: biorxiv.url }) };
const memory = new Map<string, Paper>([...sampleArxiv, ...sampleDois].map((p) => [p.id, p]));
const store = {
  async updateMany(ids: readonly string[], change: (p: Paper) => Paper) {
    const out: Paper[] = [];
    for (const id of ids) {
      const p = memory.get(id);
      if (!p) continue;
      const next = change(p);
      if (next === p) continue;
      memory.set(id, next);
      out.push(next);
    }
    return out;
  },
};
const timeIt = async (list: Paper[]) => {
  const t = performance.now();
  const r = await enrichPapers({ clients, papers: store }, list);
  return { seconds: (performance.now() - t) / 1000, r };
};
const a = await timeIt(sampleArxiv);
const aReq = clients.arxiv.requests;
const b = await timeIt(sampleDois);
const bReq = clients.biorxiv.requests;
await arxiv.close();
await biorxiv.close();
const perArxiv = a.seconds / aReq;
const perDoi = b.seconds / bReq;
console.log(`\nmeasured at the default pace against the local servers:`);
console.log(`  arXiv:   ${sampleArxiv.length} papers, ${aReq} requests (batch 100), ${a.seconds.toFixed(1)} s  → ${perArxiv.toFixed(2)} s/request, enriched ${a.r.enriched}`);
console.log(`  bioRxiv: ${sampleDois.length} DOIs, ${bReq} requests, ${b.seconds.toFixed(1)} s  → ${perDoi.toFixed(2)} s/request, enriched ${b.r.enriched}`);
const hours = (s: number) => `${(s / 3600).toFixed(2)} h`;
for (const batch of [100, 500]) {
  const req = Math.ceil(arxivPapers.length / batch);
  console.log(`estimate, whole corpus: arXiv ${req} requests at batch ${batch} ≈ ${(req * Math.max(perArxiv, 3)).toFixed(0)} s`);
}
const arxivSeconds = Math.ceil(arxivPapers.length / 100) * Math.max(perArxiv, 3);

// ---- 1b. bioRxiv/medRxiv back-fill of the whole corpus: one request per DOI vs day ranges --------------------
/**
 * Where each corpus DOI is posted, modelled from what the corpus shows: the DOI names its submission day; a paper
 * listed within a week of it was posted half-way between (so a few fall outside a 3-day window); one listed later
 * (or earlier) is a revision: v1 the day after submission, v2 the day before the digest. Then other postings fill
 * every day of the span up to PER_DAY.
 */
function corpusPostings(): FakePreprint[] {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const DAY_MS = 86_400_000;
  const out: FakePreprint[] = [];
  const perDay = new Map<string, number>();
  const post = (p: Paper, date: string, version: string) => {
    const server = lookupKeyOf(p)!.key.startsWith('medrxiv:') ? 'medRxiv' : 'bioRxiv';
    out.push({ doi: p.doi!, title: p.titleOriginal ?? (p.title || 'Untitled'), authors: p.authors.join('; '), date, version, category: 'neuroscience', abstract: 'abstract', published: 'NA', server });
    const k = `${server.toLowerCase()} ${date}`;
    perDay.set(k, (perDay.get(k) ?? 0) + 1);
  };
  for (const p of doiPapers) {
    const listed = Date.parse(`${p.date}T00:00:00Z`);
    const m = /^10\.\d+\/(\d{4})\.(\d\d)\.(\d\d)\./.exec(p.doi!);
    const submitted = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) : Number.NaN;
    const gap = Math.round((listed - submitted) / DAY_MS);
    if (Number.isNaN(gap)) post(p, day(listed - DAY_MS), '1');
    else if (gap >= 0 && gap <= 7) post(p, day(listed - Math.ceil(gap / 2) * DAY_MS), '1');
    else {
      post(p, day(submitted + DAY_MS), '1');
      post(p, day(listed - DAY_MS), '2');
    }
  }
  const dates = doiPapers.map((p) => Date.parse(`${p.date}T00:00:00Z`));
  const first = Math.min(...dates) - 10 * DAY_MS;
  const last = Math.max(...dates);
  let n = 0;
  for (let t = first; t <= last; t += DAY_MS) {
    for (const server of ['biorxiv', 'medrxiv'] as const) {
      for (let i = perDay.get(`${server} ${day(t)}`) ?? 0; i < PER_DAY[server]; i++) {
        out.push({ doi: `10.1101/0000.00.00.${String(++n).padStart(8, '0')}`, title: 'Other', authors: 'Other, O.', date: day(t), version: '1', category: 'other', abstract: '', published: 'NA', server: server === 'medrxiv' ? 'medRxiv' : 'bioRxiv' });
      }
    }
  }
  return out;
}

/** Replays the metadata job's back-fill of every corpus DOI (newest date first, 100 papers a step), unpaced. */
async function replayBackfill(postings: FakePreprint[], pageSize: number, ranged: boolean) {
  const fake = await startFakeBiorxiv(postings, { pageSize });
  try {
    const client = createBiorxivClient({ url: fake.url, pacer: createPacer(0), ...(ranged ? {} : { range: false }) });
    const quiet = { lookup: async () => new Map(), requests: 0 };
    const stored = new Map(all.map((p) => [p.id, p]));
    const order = all.filter((p) => lookupKeyOf(p)).sort((x, y) => ((y.date ?? '') < (x.date ?? '') ? -1 : (y.date ?? '') > (x.date ?? '') ? 1 : 0));
    const totals = { enriched: 0, notFound: 0, failed: 0 };
    for (let i = 0; i < order.length; i += 100) {
      const r = await enrichPapers(
        {
          clients: { arxiv: quiet, biorxiv: client },
          papers: {
            async updateMany(ids, change) {
              return ids.flatMap((id) => {
                const next = change(stored.get(id)!);
                stored.set(id, next);
                return [next];
              });
            },
          },
        },
        order.slice(i, i + 100),
      );
      totals.enriched += r.enriched;
      totals.notFound += r.notFound;
      totals.failed += r.failed;
    }
    const ranges = fake.seen.filter((s) => !s.url.endsWith('/na/json')).length;
    return { requests: client.requests, ranges, perDoi: client.requests - ranges, ...totals };
  } finally {
    await fake.close();
  }
}

const postings = corpusPostings();
const doiRequestSeconds = Math.max(perDoi, 1);
console.log(
  `\nbioRxiv/medRxiv back-fill of the whole corpus (${doiPapers.length} DOIs; replayed unpaced against a local api.biorxiv.org with ` +
    `${postings.length} postings: the corpus's at modelled dates + others up to ${PER_DAY.biorxiv}/${PER_DAY.medrxiv} a day; seconds at the measured ${doiRequestSeconds.toFixed(2)} s/request):`,
);
console.log(`  page size | mode       | requests (listing pages + per DOI) | found  | est. time`);
const rangedSeconds: string[] = [];
let worstRanged = 0;
let perDoiSeconds = 0;
for (const pageSize of PAGE_SIZES) {
  for (const ranged of [false, true]) {
    if (!ranged && pageSize !== PAGE_SIZES[0]) continue; // one request per DOI does not page
    const r = await replayBackfill(postings, pageSize, ranged);
    const seconds = r.requests * doiRequestSeconds;
    if (ranged) {
      rangedSeconds.push(`${hours(seconds)} at ${pageSize} a page`);
      worstRanged = Math.max(worstRanged, seconds);
    } else perDoiSeconds = seconds;
    console.log(
      `  ${ranged ? String(pageSize).padStart(9) : '        -'} | ${ranged ? 'day ranges' : 'per DOI   '} | ${String(r.requests).padStart(6)} (${String(r.ranges).padStart(5)} + ${String(r.perDoi).padStart(5)})${' '.repeat(14)} | ${String(r.enriched).padStart(6)} | ${seconds.toFixed(0)} s (${hours(seconds)})`,
    );
  }
}
console.log(
  `estimate, whole corpus: arXiv ≈ ${arxivSeconds.toFixed(0)} s; bioRxiv/medRxiv ≈ ${hours(perDoiSeconds)} one per DOI vs ≈ ${rangedSeconds.join(', ')} with day ranges; ` +
    `both services run side by side, so the back-fill takes ≈ ${hours(Math.max(perDoiSeconds, arxivSeconds))} before and ≤ ${hours(Math.max(worstRanged, arxivSeconds))} with day ranges`,
);

// ---- 2a. English known-item queries: Chinese-only before, English title/abstract after ----------------------
const cjk = /\p{Script=Han}/u;
const candidates = arxivPapers.filter((p) => cjk.test(p.title) && p.titleOriginal && !cjk.test(p.titleOriginal));
const step = Math.max(1, Math.floor(candidates.length / 300));
const picked = candidates.filter((_, i) => i % step === 0).slice(0, 300);
const chineseOnly = (p: Paper): Paper => ({ ...p, titleOriginal: null, abstractOriginal: null });
const before = new SearchIndex();
before.add(all.map((p) => (cjk.test(p.title) ? chineseOnly(p) : p)));
const after = new SearchIndex();
after.add(
  all.map((p) => {
    if (!cjk.test(p.title) || !p.titleOriginal) return p;
    return mergeMetadata(chineseOnly(p), {
      source: 'arxiv', key: p.arxivId ?? p.id, title: p.titleOriginal, abstract: p.abstractOriginal, authors: p.authors, categories: [],
      primaryCategory: null, comment: null, journalRef: null, publishedDoi: null, firstPublished: null, updated: null, latestVersion: null,
    }, '2026-01-01T00:00:00Z');
  }),
);
const queryOf = (title: string) =>
  tokenize(title)
    .map((t) => t.surface)
    .filter((w) => w.length >= 5)
    .sort((x, y) => y.length - x.length)
    .slice(0, 3)
    .join(' ');
const rank = (ix: SearchIndex, q: string, id: string) => ix.search(q, { limit: 10 }).results.findIndex((r) => r.id === id);
let hitsBefore = 0;
let hitsAfter = 0;
let used = 0;
for (const p of picked) {
  const q = queryOf(p.titleOriginal!);
  if (!q) continue;
  used++;
  if (rank(before, q, p.id) >= 0) hitsBefore++;
  if (rank(after, q, p.id) >= 0) hitsAfter++;
}
console.log(`\nEnglish known-item queries on Chinese-only papers (${used} queries, found in top 10):`);
console.log(`  before lookup: ${hitsBefore}/${used} (${((100 * hitsBefore) / used).toFixed(1)}%)   after: ${hitsAfter}/${used} (${((100 * hitsAfter) / used).toFixed(1)}%)`);

// ---- 2b. author forms ---------------------------------------------------------------------------------------
const words = (s: string) => tokenize(s).map((t) => t.term);
/** `Sergey Levine` → `Levine, S.`; `Levine, S.` → `S Levine` written as a full-name query would be (`Levine S`). */
const otherForm = (name: string): string | null => {
  if (name.includes(',')) {
    const [surname, given] = name.split(',').map((x) => x.trim());
    return surname && given ? `${given.replace(/\./g, '')} ${surname}` : null;
  }
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2 || parts.some((x) => cjk.test(x))) return null;
  return `${parts[parts.length - 1]}, ${parts[0]![0]}.`;
};
const people = all.flatMap((p) => p.authors.map((a) => ({ id: p.id, name: a }))).filter((x) => otherForm(x.name));
const stepA = Math.max(1, Math.floor(people.length / 300));
const askedFor = people.filter((_, i) => i % stepA === 0).slice(0, 300);
const allAuthors = all.flatMap((p) => p.authors.map((a) => words(a)));
let oldFound = 0;
let newRule = 0;
let newFound = 0;
let newOthers = 0;
for (const { id, name } of askedFor) {
  const q = words(otherForm(name)!);
  const target = words(name);
  if (q.every((w) => new Set(target).has(w))) oldFound++;
  if (nameMatches(q, target)) newRule++;
  if (after.search(`author:"${otherForm(name)}"`, { limit: 10 }).results.some((r) => r.id === id)) newFound++;
  // Precision: other corpus authors the query form also matches (a sample of the author list keeps this fast).
  for (let i = 0; i < allAuthors.length; i += 50) if (nameMatches(q, allAuthors[i]!) && allAuthors[i]!.join(' ') !== target.join(' ')) newOthers++;
}
console.log(`\nauthor queries in the other name form (${askedFor.length} real corpus authors):`);
console.log(`  matches its author — old rule (every word in one author): ${oldFound}/${askedFor.length}   name forms: ${newRule}/${askedFor.length}`);
console.log(`  the author's paper in the top 10 of author: search (after): ${newFound}/${askedFor.length} (common surnames with initials match many papers)`);
console.log(`  other authors matched per query (1-in-50 sample of all ${allAuthors.length} author names): ${(newOthers / askedFor.length).toFixed(2)}`);
