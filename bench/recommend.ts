/**
 * `/paper recommend` at scale: an index of BENCH_PAPERS papers (default 100,000: the real papers of
 * ../shared/digests plus synthetic ones recombined from their titles, dated over a year), readers with
 * BENCH_SAVED saved papers each (default 1,000), and the time to answer — the profile of the saved titles plus its
 * search over the last 7 days — side by side with an ordinary `/paper search` on the same index, in one run.
 * Target: p95 under 300 ms.
 *
 *   npm run bench:recommend
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDigest } from '../src/digest/index.ts';
import type { Paper } from '../src/digest/types.ts';
import { profileQuery, SearchIndex } from '../src/search/index.ts';
import { rng } from './lib/rng.ts';

const CORPUS = process.env.BENCH_CORPUS ?? fileURLToPath(new URL('../../shared/digests', import.meta.url));
const TARGET = Number(process.env.BENCH_PAPERS ?? 100_000);
const SAVED = Number(process.env.BENCH_SAVED ?? 1_000);
const READERS = 30;
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
}


function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const day = (offset: number) => new Date(Date.UTC(2025, 10, 30) - offset * 86_400_000).toISOString().slice(0, 10);

function main(): void {
  const rand = rng(16);
  let real: Paper[] = [];
  try {
    real = files(CORPUS).flatMap((f) => parseDigest({ text: readFileSync(f, 'utf8'), fileName: f }).papers);
  } catch (error) {
    console.error(`cannot read the corpus at ${CORPUS} (${(error as Error).message}); set BENCH_CORPUS`);
    process.exit(1);
  }
  const unique = [...new Map(real.map((p) => [p.id, p])).values()];
  const titleWords = unique.map((p) => [...segmenter.segment(p.title)].filter((s) => s.isWordLike).map((s) => s.segment)).filter((w) => w.length > 0);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const papers: Paper[] = unique.slice(0, TARGET).map((p) => ({ ...p, date: day(Math.floor(rand() * 365)) }));
  for (let i = papers.length; i < TARGET; i++) {
    const words = Array.from({ length: 4 + Math.floor(rand() * 6) }, () => pick(pick(titleWords)));
    papers.push({ ...pick(unique), id: `arxiv:9${String(i).padStart(6, '0')}.syn`, arxivId: null, title: words.join(' '), titleOriginal: null, date: day(Math.floor(rand() * 365)) });
  }
  const t0 = performance.now();
  const index = new SearchIndex();
  for (let i = 0; i < papers.length; i += 5000) index.add(papers.slice(i, i + 5000));
  const buildS = (performance.now() - t0) / 1000;

  const from = day(7);
  const profileMs: number[] = [];
  const recommendMs: number[] = [];
  const searchMs: number[] = [];
  let found = 0;
  for (let r = 0; r < READERS + 5; r++) {
    const saved = Array.from({ length: SAVED }, () => pick(papers));
    const savedIds = new Set(saved.map((p) => p.id));
    const a = performance.now();
    const q = profileQuery(saved, { from });
    const b = performance.now();
    const hits = index.searchParsed(q, { limit: 5 + savedIds.size }).results.filter((h) => !savedIds.has(h.id)).slice(0, 5);
    const c = performance.now();
    // The baseline: an ordinary search of a few title words, on the same index, in the same loop.
    index.search(pick(titleWords).slice(0, 3).join(' '), { limit: 5 });
    const d = performance.now();
    if (r < 5) continue; // warm-up
    profileMs.push(b - a);
    recommendMs.push(c - a);
    searchMs.push(d - c);
    if (hits.length > 0) found++;
  }
  const row = (name: string, v: number[]) => `${name.padEnd(28)} p50 ${percentile(v, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(v, 95).toFixed(1).padStart(7)} ms   max ${Math.max(...v).toFixed(1).padStart(7)} ms`;
  console.log(`index: ${papers.length} papers (${unique.length} real), built in ${buildS.toFixed(1)} s; ${READERS} readers with ${SAVED} saved papers each; window from ${from}`);
  console.log(row('recommend (profile + search)', recommendMs));
  console.log(row('  of which the profile', profileMs));
  console.log(row('baseline: /paper search', searchMs));
  console.log(`readers who got recommendations: ${found}/${READERS}; target p95 < 300 ms: ${percentile(recommendMs, 95) < 300 ? 'met' : 'NOT met'}`);
}

main();
