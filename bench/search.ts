/**
 * Search benchmark: our SearchIndex against a plain MiniSearch index with Intl.Segmenter tokenisation,
 * over the shared corpus (≈25k real papers) padded with synthetic papers to 100,000.
 *
 *   npm run bench:search            (node --expose-gc --import tsx bench/search.ts)
 *   BENCH_PAPERS=50000 npm run bench:search
 *
 * The parent loads and prepares the data, then runs each engine in its own child process so heap and RSS
 * are not shared: build (+ snapshot), cold start from the snapshot and from the SQLite store the bot uses, and a
 * bigram-vs-segmenter ranking check.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import MiniSearch from 'minisearch';
import { diskSnapshotFile, openArchive } from '../src/archive.ts';
import { parseDigest } from '../src/digest/index.ts';
import type { Paper } from '../src/digest/types.ts';
import { openStores } from '../src/store/index.ts';
import { SearchIndex } from '../src/search/index.ts';
import { rng } from './lib/rng.ts';

// Default: `../shared/digests` beside the clone (resolved from this file, so it works from any working directory).
const CORPUS = process.env.BENCH_CORPUS ?? fileURLToPath(new URL('../../shared/digests', import.meta.url));
const TARGET = Number(process.env.BENCH_PAPERS ?? 100_000);
const QUERIES = 300;
const WARMUP = 200;
const KNOWN = 300;
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

interface KnownItem {
  query: string;
  id: string;
}
interface BenchData {
  /** Different queries from the same generator, run first so both engines are measured warm (JIT-compiled). */
  warmup: string[];
  queries: string[];
  known: KnownItem[];
}

// ---------------------------------------------------------------------------------------------- loading

/** Papers of one digest file, through the project's parser. */
function parse(text: string, fileName: string): Paper[] {
  return parseDigest({ text, fileName }).papers;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

// ---------------------------------------------------------------------------------------------- data

function words(text: string): string[] {
  return [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment);
}


const isLatin = (w: string): boolean => /^[A-Za-z][A-Za-z0-9-]*$/.test(w);

/** Synthetic papers: title words and abstract sentences of real papers, recombined. */
function synthesize(real: Paper[], count: number, rand: () => number): Paper[] {
  const titleWords = real.map((p) => words(p.title));
  const sentences = real.flatMap((p) => (p.abstract ?? '').split(/(?<=[。.!?！？])/).filter((s) => s.length > 8));
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)]!;
  const out: Paper[] = [];
  for (let i = 0; i < count; i++) {
    const base = pick(real);
    const len = Math.max(3, pick(titleWords).length);
    const tw: string[] = [];
    for (let k = 0; k < len; k++) tw.push(pick(pick(titleWords).length ? pick(titleWords) : ['模型']) ?? '模型');
    const title = tw.map((w, k) => (k > 0 && isLatin(w) && isLatin(tw[k - 1]!) ? ` ${w}` : w)).join('');
    // BENCH_ABSTRACTS=all gives every synthetic paper an abstract (a heavier, abstract-rich archive).
    const withAbstract = base.abstract || process.env.BENCH_ABSTRACTS === 'all';
    const abstract = withAbstract && sentences.length ? Array.from({ length: 3 + Math.floor(rand() * 5) }, () => pick(sentences)).join('') : null;
    out.push({ ...base, id: `arxiv:9${String(i).padStart(6, '0')}.syn`, arxivId: null, title, titleOriginal: null, abstract, authors: pick(real).authors });
  }
  return out;
}

/** A mixed query set derived from real titles: Chinese word windows, English words, prefixes. */
function makeQueries(real: Paper[], rand: () => number, count: number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const p = real[Math.floor(rand() * real.length)]!;
    const r = rand();
    const eng = words(`${p.titleOriginal ?? ''} ${p.title}`).filter((w) => isLatin(w) && w.length >= 3);
    const zh = words(p.title).filter((w) => !isLatin(w));
    if (r < 0.55 && zh.length >= 2) {
      const start = Math.floor(rand() * (zh.length - 1));
      out.push(zh.slice(start, start + 1 + Math.floor(rand() * 3)).join(''));
    } else if (r < 0.85 && eng.length >= 1) {
      const start = Math.floor(rand() * eng.length);
      out.push(eng.slice(start, start + 1 + Math.floor(rand() * 2)).join(' '));
    } else if (eng.length >= 1) {
      const w = eng[Math.floor(rand() * eng.length)]!;
      out.push(w.slice(0, Math.max(3, Math.ceil(w.length * 0.6))));
    }
  }
  return out;
}

/** Known items: for sampled real papers, the rarest title word (plus the next rarest when it is common). */
function makeKnown(real: Paper[], rand: () => number): KnownItem[] {
  const df = new Map<string, number>();
  const titleWords = new Map<string, string[]>();
  for (const p of real) {
    const ws = [...new Set(words(`${p.title} ${p.titleOriginal ?? ''}`).map((w) => w.toLowerCase()))].filter(
      (w) => (isLatin(w) ? w.length >= 4 : w.length >= 2) && !/^\d+$/.test(w),
    );
    titleWords.set(p.id, ws);
    for (const w of ws) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const out: KnownItem[] = [];
  const used = new Set<string>();
  while (out.length < KNOWN) {
    const p = real[Math.floor(rand() * real.length)]!;
    if (used.has(p.id)) continue;
    used.add(p.id);
    const wantEnglish = out.length % 2 === 1;
    const ws = (titleWords.get(p.id) ?? []).filter((w) => isLatin(w) === wantEnglish);
    if (ws.length === 0) continue;
    ws.sort((a, b) => df.get(a)! - df.get(b)!);
    const q = df.get(ws[0]!)! > 3 && ws[1] ? `${ws[0]} ${ws[1]}` : ws[0]!;
    out.push({ query: q, id: p.id });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- engines

interface Engine {
  search(q: string, limit: number): string[];
}

const miniFields = ['title', 'titleOriginal', 'authorsText', 'abstract', 'abstractOriginal'];
const miniOptions = {
  fields: miniFields,
  storeFields: ['title', 'date', 'source'],
  tokenize: (text: string) => words(text),
  extractField: (doc: unknown, field: string) => {
    const d = doc as Paper;
    return field === 'authorsText' ? d.authors.join(' ') : ((d as unknown as Record<string, string | null>)[field] ?? '');
  },
  // Plain, as the issue asks: field boosts only. (With last-word prefix search on, MiniSearch's p95 over
  // this CJK vocabulary rose to 130–450 ms in earlier runs.)
  searchOptions: { boost: { title: 3, titleOriginal: 3, authorsText: 2 } },
};

function miniEngine(mini: MiniSearch): Engine {
  return { search: (q, limit) => mini.search(q).slice(0, limit).map((r) => String(r.id)) };
}
function ourEngine(ix: SearchIndex): Engine {
  return { search: (q, limit) => ix.search(q, { limit }).results.map((r) => r.id) };
}

function measure(engine: Engine, data: BenchData): Record<string, number> {
  for (const q of data.warmup) engine.search(q, 10);
  const times: number[] = [];
  for (const q of data.queries) {
    const t0 = performance.now();
    engine.search(q, 10);
    times.push(performance.now() - t0);
  }
  if (process.env.BENCH_SLOW) {
    const slow = data.queries.map((q, i) => [times[i]!, q] as const).sort((a, b) => b[0] - a[0]).slice(0, 12);
    console.error(slow.map(([t, q]) => `${t.toFixed(2)} ms  ${q}`).join('\n'));
  }
  times.sort((a, b) => a - b);
  const pct = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  let hit3 = 0;
  let rr = 0;
  for (const k of data.known) {
    const rank = engine.search(k.query, 10).indexOf(k.id);
    if (rank >= 0 && rank < 3) hit3++;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  return { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), hit3: hit3 / data.known.length, mrr: rr / data.known.length };
}

function memory(): Record<string, number> {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { heapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20 };
}

/** Papers from papers.ndjson in batches, as a bot would page them out of its store (bounded memory). */
async function* paperBatches(dir: string, size = 2000): AsyncIterable<Paper[]> {
  let batch: Paper[] = [];
  for await (const line of createInterface({ input: createReadStream(join(dir, 'papers.ndjson')) })) {
    if (!line) continue;
    batch.push(JSON.parse(line) as Paper);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Builds one engine from the papers file and writes its snapshot. */
async function build(role: string, dir: string, out: Record<string, unknown>): Promise<Engine> {
  const t0 = performance.now();
  let count = 0;
  if (role === 'ours-build') {
    const ix = new SearchIndex();
    for await (const batch of paperBatches(dir)) {
      ix.add(batch);
      count += batch.length;
    }
    out.buildS = (performance.now() - t0) / 1000;
    const s0 = performance.now();
    const snap = ix.toSnapshot(count);
    writeFileSync(join(dir, 'ours.snap'), snap);
    out.snapshotS = (performance.now() - s0) / 1000;
    out.snapshotMB = snap.length / 2 ** 20;
    return ourEngine(ix);
  }
  const mini = new MiniSearch(miniOptions);
  for await (const batch of paperBatches(dir)) mini.addAll(batch);
  out.buildS = (performance.now() - t0) / 1000;
  const s0 = performance.now();
  const json = JSON.stringify(mini);
  writeFileSync(join(dir, 'mini.json'), json);
  out.snapshotS = (performance.now() - s0) / 1000;
  out.snapshotMB = Buffer.byteLength(json) / 2 ** 20;
  return miniEngine(mini);
}

/** Child process entry: one engine, one phase. Prints one JSON line. */
async function child(role: string, dir: string): Promise<void> {
  const data = JSON.parse(readFileSync(join(dir, 'queries.json'), 'utf8')) as BenchData;
  const out: Record<string, unknown> = { role };
  if (role === 'ours-build' || role === 'mini-build') {
    const engine = await build(role, dir, out);
    // Papers were streamed in batches (build time includes reading and parsing them); only the index is
    // left when memory is measured.
    Object.assign(out, memory(), measure(engine, data));
  } else if (role === 'ours-cold' || role === 'mini-cold') {
    const t0 = performance.now();
    let engine: Engine;
    if (role === 'ours-cold') {
      const ix = SearchIndex.fromSnapshot(readFileSync(join(dir, 'ours.snap')));
      engine = ourEngine(ix);
      engine.search(data.queries[0]!, 10);
      out.coldMs = performance.now() - t0;
      // Autocomplete: every query cut to its first 1–6 characters, as typed into Discord.
      const prefixes = data.queries.map((q, i) => q.slice(0, 1 + (i % 6)));
      for (const p of data.warmup) ix.suggest(p.slice(0, 3), 25);
      const times = prefixes.map((p) => {
        const s0 = performance.now();
        ix.suggest(p, 25);
        return performance.now() - s0;
      });
      times.sort((a, b) => a - b);
      out.suggestP95 = times[Math.floor(times.length * 0.95)]!;
      out.suggestMax = times[times.length - 1]!;
    } else engine = miniEngine(MiniSearch.loadJSON(readFileSync(join(dir, 'mini.json'), 'utf8'), miniOptions));
    if (out.coldMs === undefined) {
      engine.search(data.queries[0]!, 10);
      out.coldMs = performance.now() - t0;
    }
    Object.assign(out, measure(engine, data), memory());
  } else if (role === 'store-cold' || role === 'store-rebuild') {
    // What the bot and the CLI do at start-up: open the SQLite store, load the index snapshot when its revision
    // matches the store's (else rebuild from the store and save one), answer the first query.
    const t0 = performance.now();
    const stores = await openStores(`sqlite://${join(dir, 'store.sqlite')}`);
    const snapshot = diskSnapshotFile(join(dir, role === 'store-cold' ? 'store.idx' : `rebuild-${process.pid}.idx`));
    const archive = await openArchive({ stores, snapshot });
    archive.index.search(data.queries[0]!, { limit: 10 });
    out.coldMs = performance.now() - t0;
    out.origin = archive.origin;
    Object.assign(out, memory());
    await stores.close();
  } else if (role === 'cjk-compare') {
    // Same engine, two CJK analyses: bigrams over raw text (what ships) vs Intl.Segmenter words first
    // (spaces inserted between words, so bigrams never cross a word boundary), on real papers only.
    const real = JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8')) as Paper[];
    const seg = (t: string | null): string | null => (t === null ? null : words(t).join(' '));
    const ixB = new SearchIndex();
    ixB.add(real);
    const ixS = new SearchIndex();
    ixS.add(real.map((p) => ({ ...p, title: seg(p.title)!, abstract: seg(p.abstract) })));
    const segData = { warmup: data.warmup, queries: data.queries, known: data.known.map((k) => ({ ...k, query: seg(k.query)! })) };
    out.bigram = measure(ourEngine(ixB), data);
    out.segmenter = measure(ourEngine(ixS), segData);
  }
  console.log(JSON.stringify(out));
}

function runChild(role: string, dir: string): Record<string, number | string> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', role, dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', process.env.BENCH_SLOW ? 'inherit' : 'pipe'],
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${role} failed: ${(r.stderr ?? '').slice(-2000)}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as Record<string, number | string>;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const byId = new Map<string, Paper>();
  if (!existsSync(CORPUS)) {
    console.error(`bench:search: no corpus at ${CORPUS} — put the shared data beside the clone (../shared/digests) or set BENCH_CORPUS`);
    process.exit(2);
  }
  for (const f of listFiles(CORPUS)) {
    for (const p of parse(readFileSync(f, 'utf8'), f)) if (!byId.has(p.id)) byId.set(p.id, p);
  }
  const real = [...byId.values()];
  const rand = rng(42);
  const synthetic = synthesize(real, Math.max(0, TARGET - real.length), rand);
  const all = [...real, ...synthetic];
  const data: BenchData = {
    queries: makeQueries(real, rand, QUERIES),
    known: makeKnown(real, rand),
    warmup: makeQueries(real, rand, WARMUP),
  };
  const dir = mkdtempSync(join(tmpdir(), 'search-bench-'));
  writeFileSync(join(dir, 'papers.ndjson'), all.map((p) => JSON.stringify(p)).join('\n'));
  writeFileSync(join(dir, 'real.json'), JSON.stringify(real));
  writeFileSync(join(dir, 'queries.json'), JSON.stringify(data));
  const withAbstract = real.filter((p) => p.abstract).length;
  console.log(
    `corpus: ${real.length} distinct real papers (${withAbstract} with abstracts) + ${synthetic.length} synthetic = ${all.length}; ` +
      `${data.queries.length} queries, ${data.known.length} known items; prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // The archive as the bot keeps it: every paper in a SQLite store, and the index snapshot beside it.
  const s0 = performance.now();
  const stores = await openStores(`sqlite://${join(dir, 'store.sqlite')}`);
  for (let i = 0; i < all.length; i += 5000) await stores.papers.upsertMany(all.slice(i, i + 5000));
  const filledS = (performance.now() - s0) / 1000;
  await openArchive({ stores, snapshot: diskSnapshotFile(join(dir, 'store.idx')) });
  await stores.close();
  console.log(`store: ${all.length} papers into SQLite in ${filledS.toFixed(1)} s, then rebuilt and snapshotted in ${((performance.now() - s0) / 1000 - filledS).toFixed(1)} s`);
  try {
    // BENCH_ONLY=ours skips the MiniSearch baseline and the CJK comparison (for quick iterations).
    const only = process.env.BENCH_ONLY === 'ours';
    const ob = runChild('ours-build', dir) as Record<string, number>;
    const oc = runChild('ours-cold', dir) as Record<string, number>;
    const sc = runChild('store-cold', dir);
    const sr = runChild('store-rebuild', dir);
    const mb = (only ? {} : runChild('mini-build', dir)) as Record<string, number>;
    const mc = (only ? {} : runChild('mini-cold', dir)) as Record<string, number>;
    const cmp = (only ? { bigram: {}, segmenter: {} } : runChild('cjk-compare', dir)) as Record<string, Record<string, number>>;
    const f = (v: number | undefined, d = 1): string => (v === undefined ? '-' : v.toFixed(d));
    const rows: [string, string, string][] = [
      ['index build (s)', f(ob.buildS), f(mb.buildS)],
      ['snapshot write (s) / size (MB)', `${f(ob.snapshotS, 2)} / ${f(ob.snapshotMB, 0)}`, `${f(mb.snapshotS, 2)} / ${f(mb.snapshotMB, 0)}`],
      ['cold start: load snapshot + 1st query (ms)', f(oc.coldMs, 0), f(mc.coldMs, 0)],
      ['cold start from the SQLite store + snapshot (ms)', `${f(sc.coldMs as number, 0)} (${sc.origin}, RSS ${f(sc.rssMB as number, 0)} MB)`, 'n/a'],
      ['cold start from the store, no snapshot (ms)', `${f(sr.coldMs as number, 0)} (${sr.origin}, RSS ${f(sr.rssMB as number, 0)} MB)`, 'n/a'],
      ['query p50 / p95 / p99 (ms), after build', `${f(ob.p50, 2)} / ${f(ob.p95, 2)} / ${f(ob.p99, 2)}`, `${f(mb.p50, 2)} / ${f(mb.p95, 2)} / ${f(mb.p99, 2)}`],
      ['query p50 / p95 / p99 (ms), cold process', `${f(oc.p50, 2)} / ${f(oc.p95, 2)} / ${f(oc.p99, 2)}`, `${f(mc.p50, 2)} / ${f(mc.p95, 2)} / ${f(mc.p99, 2)}`],
      ['heap / RSS after build, papers dropped (MB)', `${f(ob.heapMB, 0)} / ${f(ob.rssMB, 0)}`, `${f(mb.heapMB, 0)} / ${f(mb.rssMB, 0)}`],
      ['heap / RSS serving from snapshot (MB)', `${f(oc.heapMB, 0)} / ${f(oc.rssMB, 0)}`, `${f(mc.heapMB, 0)} / ${f(mc.rssMB, 0)}`],
      ['suggest p95 / max (ms)', `${f(oc.suggestP95, 2)} / ${f(oc.suggestMax, 2)}`, 'n/a'],
      ['known-item hit@3 / MRR@10', `${f(ob.hit3, 3)} / ${f(ob.mrr, 3)}`, `${f(mb.hit3, 3)} / ${f(mb.mrr, 3)}`],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(12, ...rows.map((r) => r[1].length));
    console.log(`\n${'metric'.padEnd(w0)} | ${'SearchIndex'.padEnd(w1)} | MiniSearch + Intl.Segmenter`);
    console.log(`${'-'.repeat(w0)}-|-${'-'.repeat(w1)}-|-${'-'.repeat(28)}`);
    for (const r of rows) console.log(`${r[0].padEnd(w0)} | ${r[1].padEnd(w1)} | ${r[2]}`);
    const b = cmp.bigram!;
    const s = cmp.segmenter!;
    console.log(
      `\nCJK analysis, same engine, ${real.length} real papers: bigrams hit@3 ${f(b.hit3, 3)} MRR ${f(b.mrr, 3)} p95 ${f(b.p95, 2)} ms` +
        ` | segmenter words hit@3 ${f(s.hit3, 3)} MRR ${f(s.mrr, 3)} p95 ${f(s.p95, 2)} ms`,
    );
    console.log(`(total bench ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv;
if (argv[2] === '--child') await child(argv[3]!, argv[4]!);
else await main();
