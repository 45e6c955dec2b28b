/**
 * Scale benchmark (issue 17): archives of 10k, 100k and 1M papers — the real papers of the shared corpus plus
 * synthetic ones with realistic lengths (Chinese title and abstract, English title and a ≈150-word English
 * abstract, 3–8 authors) — in a SQLite store with the index snapshot beside it, as the bot keeps them.
 *
 *   npm run bench:scale                         (sizes 10000,100000,1000000)
 *   BENCH_SIZES=10000,100000 npm run bench:scale
 *   BENCH_CORPUS=../shared/digests              (default: ../shared/digests next to the repository)
 *   BENCH_KEEP=/some/dir                        keep the archives there and reuse them (a 1M build takes half an hour)
 *
 * Per size, in fresh child processes (so heap and RSS are not shared): build the archive; then cold start to the
 * first answer, RSS serving and peak, query p95, subscription matching (10 / 1,000 / 10,000 subscriptions against a
 * 30- and a 400-paper digest), ingest of one 30-paper digest (total and per phase, median of three, with the
 * event loop's longest stall), and a full snapshot write (what every ingest used to cost, now the background
 * compaction). Printed side by side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { diskSnapshotFile, openArchive, snapshotFileBytes, type Archive } from '../src/archive.ts';
import { parseDigest } from '../src/digest/index.ts';
import type { Paper } from '../src/digest/types.ts';
import { ingestFolder } from '../src/jobs/ingest.ts';
import { memoryDigestFolder } from '../src/jobs/digest-folder.ts';
import { compileSubscriptions, SearchIndex } from '../src/search/index.ts';
import { openStores } from '../src/store/index.ts';
import { rng } from './lib/rng.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env.BENCH_CORPUS ?? join(HERE, '..', '..', 'shared', 'digests');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number).filter((n) => n > 0);
const QUERIES = 300;
/** Where archives are kept between runs (built once, measured again), or undefined for a temporary folder. */
const KEEP = process.env.BENCH_KEEP;

// ---------------------------------------------------------------------------------------------- data


function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** The distinct real papers of the corpus. */
function realPapers(): Paper[] {
  const byId = new Map<string, Paper>();
  for (const f of listFiles(CORPUS)) {
    for (const p of parseDigest({ text: readFileSync(f, 'utf8'), fileName: f }).papers) if (!byId.has(p.id)) byId.set(p.id, p);
  }
  if (byId.size === 0) throw new Error(`no papers under ${CORPUS} (set BENCH_CORPUS)`);
  return [...byId.values()];
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const words = (text: string): string[] => [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment);
const LATIN = /^[A-Za-z][A-Za-z-]{2,}$/;

/** What synthetic papers are recombined from. */
interface Material {
  real: Paper[];
  zhTitleWords: string[][];
  zhSentences: string[];
  english: string[];
  authors: string[];
}

function material(real: Paper[]): Material {
  const english = new Set<string>();
  const authors = new Set<string>();
  for (const p of real) {
    for (const t of [p.title, p.titleOriginal ?? '', p.abstractOriginal ?? '']) for (const w of words(t)) if (LATIN.test(w)) english.add(w.toLowerCase());
    for (const a of p.authors) authors.add(a);
  }
  return {
    real,
    zhTitleWords: real.map((p) => words(p.title)).filter((w) => w.length > 0),
    zhSentences: real.flatMap((p) => (p.abstract ?? '').split(/(?<=[。！？])/).filter((s) => s.length > 8)),
    english: [...english],
    authors: [...authors],
  };
}

/** Days the synthetic papers are spread over. */
const SYNTHETIC_DAYS = 3 * 365;

/**
 * Synthetic paper `i` of `count` (deterministic): ids `arxiv:9xxxxxxx.syn`, dated over three years in order of `i`
 * (as digests arrive), so that a batch of consecutive papers touches a few of the store's per-date lists rather
 * than all of them — with random dates every batch rewrote every date list, and filling 1M papers grew quadratic.
 */
function synthetic(m: Material, i: number, count: number): Paper {
  const rand = rng(1000 + i);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const base = pick(m.real);
  const tw = Array.from({ length: 4 + Math.floor(rand() * 6) }, () => pick(pick(m.zhTitleWords)));
  const title = tw.join('');
  const en = (n: number): string => Array.from({ length: n }, () => pick(m.english)).join(' ');
  const titleOriginal = en(6 + Math.floor(rand() * 8));
  const sentences: string[] = [];
  for (let s = 0, n = 120 + Math.floor(rand() * 80); s < n; ) {
    const len = 12 + Math.floor(rand() * 14);
    sentences.push(`${en(len)}.`);
    s += len;
  }
  const zh = m.zhSentences.length ? Array.from({ length: 3 + Math.floor(rand() * 5) }, () => pick(m.zhSentences)).join('') : null;
  const day = new Date(Date.UTC(2023, 0, 1) + Math.floor((i * SYNTHETIC_DAYS) / Math.max(count, 1)) * 86_400_000).toISOString().slice(0, 10);
  return {
    ...base,
    id: `arxiv:9${String(i).padStart(7, '0')}.syn`,
    arxivId: null,
    doi: null,
    date: day,
    title,
    titleOriginal,
    abstract: zh,
    abstractOriginal: sentences.join(' '),
    authors: Array.from({ length: 3 + Math.floor(rand() * 6) }, () => pick(m.authors)),
  };
}

/** A digest of `n` new papers in the sample layout, with English abstracts and several authors. */
function digestFile(m: Material, n: number, seed: number): string {
  const rand = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const lines = [`# arxiv 2027-0${1 + (seed % 9)}-1${seed % 10}`, '', '| 标题 | 作者 | PDF链接 |  摘要 |', '|------|------|--------|------|'];
  for (let i = 0; i < n; i++) {
    const title = Array.from({ length: 6 }, () => pick(pick(m.zhTitleWords))).join('');
    const authors = Array.from({ length: 4 }, () => pick(m.authors).replace(/[|,]/g, ' ')).join(', ');
    const abs = `${pick(m.zhSentences ?? ['摘要。'])} ${Array.from({ length: 150 }, () => pick(m.english)).join(' ')}`;
    lines.push(`| ${title} | ${authors} | [PDF](https://arxiv.org/pdf/2701.${String((seed % 90) * 1000 + i).padStart(5, '0')}v1) | ${abs} |`);
  }
  return `${lines.join('\n')}\n`;
}

function makeQueries(m: Material, count: number, seed: number): string[] {
  const rand = rng(seed);
  const out: string[] = [];
  while (out.length < count) {
    const p = m.real[Math.floor(rand() * m.real.length)]!;
    const zh = words(p.title).filter((w) => !LATIN.test(w) && !/^[\x20-\x7e]+$/.test(w));
    const r = rand();
    if (r < 0.5 && zh.length >= 2) {
      const start = Math.floor(rand() * (zh.length - 1));
      out.push(zh.slice(start, start + 1 + Math.floor(rand() * 3)).join(''));
    } else {
      const w = () => m.english[Math.floor(rand() * m.english.length)]!;
      out.push(r < 0.85 ? `${w()} ${w()}` : w().slice(0, 4));
    }
  }
  return out;
}

/** What the measuring child needs, prepared once by the parent (so its memory holds the archive only). */
interface Input {
  queries: string[];
  warmup: string[];
  subscriptions: { id: string; expression: string }[];
  /** Digests for subscription matching, by paper count. */
  digests: Record<string, string>;
  /** Three 30-paper digests to ingest. */
  ingest: string[];
}

function prepareInput(m: Material): Input {
  const rand = rng(11);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const zhWords = m.zhTitleWords.flat().filter((w) => w.length >= 2 && !LATIN.test(w));
  const expr = (): string => {
    const w = () => (rand() < 0.5 ? pick(zhWords) : pick(m.english));
    const r = rand();
    return r < 0.5 ? w() : r < 0.8 ? `${w()} ${w()}` : r < 0.9 ? `${w()} OR ${w()}` : `${w()} -${w()}`;
  };
  return {
    queries: makeQueries(m, QUERIES, 7),
    warmup: makeQueries(m, 200, 8),
    subscriptions: Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, expression: expr() })),
    digests: { '30': digestFile(m, 30, 80), '400': digestFile(m, 400, 40) },
    ingest: [0, 1, 2].map((r) => digestFile(m, 30, 10 + r)),
  };
}

// ---------------------------------------------------------------------------------------------- children

const silent = pino({ level: 'silent' });
const mb = (bytes: number): number => bytes / 2 ** 20;

function memory(): { rssMB: number; heapMB: number; peakMB: number } {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rssMB: mb(m.rss), heapMB: mb(m.heapUsed), peakMB: process.resourceUsage().maxRSS / 1024 };
}

/** Builds the archive: papers into the SQLite store and the index, then one full snapshot. */
async function build(dir: string, size: number): Promise<Record<string, number>> {
  const m = material(realPapers());
  const t0 = performance.now();
  const stores = await openStores(`sqlite://${join(dir, 'store.sqlite')}`);
  const ix = new SearchIndex();
  const real = m.real.slice(0, size);
  let storeS = 0;
  const put = async (batch: Paper[]): Promise<void> => {
    const s0 = performance.now();
    await stores.papers.upsertMany(batch);
    storeS += (performance.now() - s0) / 1000;
    ix.add(batch);
  };
  const BATCH = 20_000;
  for (let i = 0; i < real.length; i += BATCH) await put(real.slice(i, i + BATCH));
  const count = size - real.length;
  for (let i = 0; i < count; ) {
    const batch: Paper[] = [];
    for (let k = 0; k < BATCH && i < count; k++, i++) batch.push(synthetic(m, i, count));
    await put(batch);
    if (process.env.BENCH_PROGRESS) console.error(`  ${real.length + i} papers, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const revision = await stores.papers.revision();
  const s0 = performance.now();
  const prepared = await diskSnapshotFile(join(dir, 'index.bin')).prepare(ix.snapshotChunks(revision));
  await prepared.commit([]);
  const snapshotS = (performance.now() - s0) / 1000;
  await stores.close();
  return { buildS: (performance.now() - t0) / 1000, storeS, snapshotS, real: real.length, ...memory() };
}

/** Cold start, queries, subscriptions, ingest and a full snapshot write over a built archive. */
async function serve(dir: string): Promise<Record<string, number>> {
  const input = JSON.parse(readFileSync(join(dir, '..', 'input.json'), 'utf8')) as Input;
  const queries = input.queries;
  const t0 = performance.now();
  const stores = await openStores(`sqlite://${join(dir, 'store.sqlite')}`);
  const file = diskSnapshotFile(join(dir, 'index.bin'));
  const archive = await openArchive({ stores, snapshot: file, log: silent });
  archive.index.search(input.queries[0]!, { limit: 10 });
  const out: Record<string, number> = { coldMs: performance.now() - t0, fromSnapshot: archive.origin === 'snapshot' ? 1 : 0 };
  const startPeak = process.resourceUsage().maxRSS / 1024;
  Object.assign(out, { startPeakMB: startPeak });
  const bytes = await snapshotFileBytes(join(dir, 'index.bin'));
  out.snapshotMB = mb(bytes.snapshot);
  Object.assign(out, { servingRssMB: memory().rssMB, servingHeapMB: memory().heapMB });

  // Queries (warm-up with a different set first).
  for (const q of input.warmup) archive.index.search(q, { limit: 10 });
  const times = queries.map((q) => {
    const s = performance.now();
    archive.index.search(q, { limit: 10 });
    return performance.now() - s;
  });
  times.sort((a, b) => a - b);
  out.p50 = times[Math.floor(times.length * 0.5)]!;
  out.p95 = times[Math.floor(times.length * 0.95)]!;

  // Subscriptions (warmed up once, so the first measurement is not the JIT's).
  const subs = input.subscriptions;
  const parsed = Object.fromEntries(Object.entries(input.digests).map(([k, text]) => [k, parseDigest({ text, fileName: 'd.md' }).papers]));
  for (const p of parsed['30']!) compileSubscriptions(subs.slice(0, 100)).match(p);
  for (const count of [10, 1000, 10_000]) {
    for (const papers of [30, 400]) {
      const digest = parsed[String(papers)]!;
      const s = performance.now();
      const matcher = compileSubscriptions(subs.slice(0, count));
      let hits = 0;
      for (const p of digest) hits += matcher.match(p).length;
      out[`subs${count}x${papers}Ms`] = performance.now() - s;
      out[`subs${count}x${papers}Hits`] = hits;
    }
  }

  // Ingest of one 30-paper digest, three times (different papers), per phase; the event loop watched throughout.
  // A kept archive has taken in earlier runs' digests: each run renumbers its papers (2701.… → 27NN.…), so they are new.
  const runsFile = join(dir, 'serve-runs');
  const run = existsSync(runsFile) ? Number(readFileSync(runsFile, 'utf8')) || 0 : 0;
  writeFileSync(runsFile, String(run + 1));
  const prefix = `/${2701 + (run % 98)}.`;
  const ingestDigests = input.ingest.map((text) => text.replaceAll('/2701.', prefix));
  const phases = instrument(archive);
  const runs: Record<string, number>[] = [];
  const delay = monitorEventLoopDelay({ resolution: 5 });
  for (let r = 0; r < 3; r++) {
    phases.reset();
    const folder = memoryDigestFolder(new Map([[`2027-bench-${r}.md`, ingestDigests[r]!]]));
    delay.enable();
    const s = performance.now();
    const report = await ingestFolder({ archive, folder, log: silent });
    const totalMs = performance.now() - s;
    delay.disable();
    if (report.added.length !== 30) throw new Error(`ingest added ${report.added.length} papers, expected 30`);
    runs.push({ totalMs, ...phases.ms(), parseAndRestMs: totalMs - phases.sum() });
  }
  out.ingestStallMs = delay.max / 1e6;
  const median = (key: string): number => runs.map((r) => r[key]!).sort((a, b) => a - b)[1]!;
  for (const key of Object.keys(runs[0]!)) out[`ingest_${key}`] = median(key);
  out.logKB = (await snapshotFileBytes(join(dir, 'index.bin'))).log / 1024;

  // A full snapshot write (the old per-ingest cost; now the background compaction), with its longest stall.
  const full = monitorEventLoopDelay({ resolution: 5 });
  full.enable();
  const s = performance.now();
  const prepared = await file.prepare(archive.index.snapshotChunks(archive.revision));
  out.fullWriteMs = performance.now() - s;
  full.disable();
  out.fullWriteStallMs = full.max / 1e6;
  await prepared.discard();
  await archive.settled();
  out.peakMB = process.resourceUsage().maxRSS / 1024;
  await stores.close();
  return out;
}

/** Wraps the archive's store write, index add and log append with timers. */
function instrument(archive: Archive): { reset(): void; ms(): Record<string, number>; sum(): number } {
  const acc = { storeMs: 0, indexMs: 0, persistMs: 0 };
  const papers = archive.stores.papers;
  const upsert = papers.upsertMany.bind(papers);
  papers.upsertMany = async (list) => {
    const s = performance.now();
    try {
      return await upsert(list);
    } finally {
      acc.storeMs += performance.now() - s;
    }
  };
  const indexPapers = archive.indexPapers.bind(archive);
  archive.indexPapers = async (list, range) => {
    const s = performance.now();
    try {
      return await indexPapers(list, range);
    } finally {
      acc.indexMs += performance.now() - s;
    }
  };
  const save = archive.saveSnapshot.bind(archive);
  archive.saveSnapshot = async () => {
    const s = performance.now();
    try {
      await save();
    } finally {
      acc.persistMs += performance.now() - s;
    }
  };
  return {
    reset: () => Object.assign(acc, { storeMs: 0, indexMs: 0, persistMs: 0 }),
    ms: () => ({ ...acc }),
    sum: () => acc.storeMs + acc.indexMs + acc.persistMs,
  };
}

function runChild(role: string, dir: string, size: number): Record<string, number> {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=6144', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', role, dir, String(size)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`${role} ${size} failed: ${(r.stderr ?? '').slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

async function main(): Promise<void> {
  const results: { size: number; b: Record<string, number>; s: Record<string, number> }[] = [];
  const root = KEEP ?? mkdtempSync(join(tmpdir(), 'scale-bench-'));
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'input.json'), JSON.stringify(prepareInput(material(realPapers()))));
  for (const size of SIZES) {
    const dir = join(root, String(size));
    const kept = KEEP !== undefined && existsSync(join(dir, 'store.sqlite')) && existsSync(join(dir, 'index.bin'));
    if (!kept) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    try {
      const t0 = performance.now();
      const b = kept ? { real: Number.NaN } : runChild('build', dir, size);
      const s = runChild('serve', dir, size);
      results.push({ size, b, s });
      const built = kept ? `kept from an earlier run (${dir})` : `built in ${b.buildS!.toFixed(0)} s (store ${b.storeS!.toFixed(0)} s)`;
      console.error(`${size}: ${built}, measured in ${((performance.now() - t0) / 1000 - (b.buildS ?? 0)).toFixed(0)} s`);
    } finally {
      if (!KEEP) rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!KEEP) rmSync(root, { recursive: true, force: true });
  const f = (v: number | undefined, d = 1): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));
  const rows: [string, (r: (typeof results)[number]) => string][] = [
    ['papers (real + synthetic)', (r) => `${r.size} (${Number.isNaN(r.b.real) ? 'kept archive' : `${r.b.real} real`})`],
    ['ingest of one 30-paper digest (ms)', (r) => f(r.s.ingest_totalMs, 0)],
    ['  store write (ms)', (r) => f(r.s.ingest_storeMs, 0)],
    ['  index add (ms)', (r) => f(r.s.ingest_indexMs, 0)],
    ['  index persist: log append (ms)', (r) => f(r.s.ingest_persistMs, 0)],
    ['  parse + rest (ms)', (r) => f(r.s.ingest_parseAndRestMs, 0)],
    ['  longest event-loop stall in ingest (ms)', (r) => f(r.s.ingestStallMs, 0)],
    ['full snapshot write (ms; was per ingest, now compaction)', (r) => f(r.s.fullWriteMs, 0)],
    ['  longest stall during it (ms)', (r) => f(r.s.fullWriteStallMs, 0)],
    ['cold start to first answer (ms)', (r) => `${f(r.s.coldMs, 0)}${r.s.fromSnapshot ? '' : ' (rebuilt!)'}`],
    ['snapshot on disk (MB)', (r) => f(r.s.snapshotMB, 0)],
    ['RSS serving / heap (MB)', (r) => `${f(r.s.servingRssMB, 0)} / ${f(r.s.servingHeapMB, 0)}`],
    ['RSS peak at start / whole run (MB)', (r) => `${f(r.s.startPeakMB, 0)} / ${f(r.s.peakMB, 0)}`],
    ['RSS per paper serving (bytes)', (r) => f((r.s.servingRssMB! * 2 ** 20) / r.size, 0)],
    ['query p50 / p95 (ms)', (r) => `${f(r.s.p50, 2)} / ${f(r.s.p95, 2)}`],
    ['subs 10 / 1k / 10k × 30 papers (ms)', (r) => `${f(r.s.subs10x30Ms)} / ${f(r.s.subs1000x30Ms)} / ${f(r.s.subs10000x30Ms)}`],
    ['subs 10 / 1k / 10k × 400 papers (ms)', (r) => `${f(r.s.subs10x400Ms)} / ${f(r.s.subs1000x400Ms)} / ${f(r.s.subs10000x400Ms)}`],
    ['build: store fill / whole (s)', (r) => `${f(r.b.storeS, 0)} / ${f(r.b.buildS, 0)}`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const cells = rows.map(([, get]) => results.map(get));
  const w = results.map((_, i) => Math.max(12, ...cells.map((c) => c[i]!.length)));
  console.log(`\n${'metric'.padEnd(w0)} | ${results.map((r, i) => `${r.size}`.padEnd(w[i]!)).join(' | ')}`);
  console.log(`${'-'.repeat(w0)}-|-${w.map((n) => '-'.repeat(n)).join('-|-')}`);
  rows.forEach(([name], k) => console.log(`${name.padEnd(w0)} | ${cells[k]!.map((c, i) => c.padEnd(w[i]!)).join(' | ')}`));
  if (results.length >= 2) {
    const first = results[0]!;
    const last = results[results.length - 1]!;
    console.log(
      `\ntargets at ${last.size}: ingest ${f(last.s.ingest_totalMs! / first.s.ingest_totalMs!, 2)}× of ${first.size} (≤ 2×); ` +
        `cold start ${f(last.s.coldMs! / 1000, 1)} s (< 10 s); RSS serving ${f(last.s.servingRssMB, 0)} MB (< 1536); query p95 ${f(last.s.p95, 2)} ms (< 10)`,
    );
  }
}

const argv = process.argv;
if (argv[2] === '--child') {
  const result = argv[3] === 'build' ? await build(argv[4]!, Number(argv[5])) : await serve(argv[4]!);
  console.log(JSON.stringify(result));
} else await main();
