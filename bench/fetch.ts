/**
 * `npm run bench:fetch [-- <folder of daily digests>]`: requests and bytes the fetcher spends against the local
 * GitHub (tests/github) loaded with a real generator's folder (default ../shared/digests/lcollection, ~1,000
 * files; synthetic files when it is absent): a 30-day backfill, a steady-state run with nothing new, and a run after
 * one new day — for a GitHub folder source and for a URL template. Baseline in the same run: what the same 30 days
 * cost fetched naively (every file downloaded whole, every run).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { addDays, dateInName } from '../src/sources/dates.ts';
import { createSourceFetcher, memorySourceStateStore, parseSources } from '../src/sources/index.ts';
import { startFakeGitHub } from '../tests/github/server.ts';
import { digestMarkdown, rows } from '../tests/helpers/digests.ts';

const REPO = 'Lcollection/Arxiv_Daily';
const FOLDER = 'docs/daily-papers';
const source = process.argv[2] ?? '../shared/digests/lcollection';

const github = await startFakeGitHub();
const files = existsSync(source)
  ? readdirSync(source).filter((f) => f.endsWith('.md'))
  : Array.from({ length: 400 }, (_, i) => `${addDays('2025-01-01', i)}-arxiv.md`);
let newest = '0000-00-00';
for (const name of files) {
  const date = dateInName(name);
  if (date && date > newest) newest = date;
  const content = existsSync(source) ? readFileSync(join(source, name), 'utf8') : digestMarkdown(date ?? '2025-01-01', rows(40));
  github.put(REPO, `${FOLDER}/${name}`, content);
}
const since = addDays(newest, -29);
const log = pino({ level: 'silent' });
const rowsOut: { scenario: string; requests: number; bytes: number; downloaded: number; seconds: number }[] = [];

async function scenario(label: string, spec: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-fetch-'));
  const state = memorySourceStateStore();
  let now = new Date(`${newest}T12:00:00Z`);
  const fetcher = createSourceFetcher(
    { sources: parseSources(spec), lookbackDays: 3, timeZone: 'UTC', digestDir: dir, github: { apiUrl: github.apiUrl, rawUrl: github.rawUrl, token: undefined } },
    { state, log, now: () => now },
  );
  const measure = async (name: string, run: () => Promise<{ downloaded: number }>) => {
    github.resetCounts();
    const started = performance.now();
    const report = await run();
    const { requests, bytes } = github.counts();
    rowsOut.push({ scenario: `${label}: ${name}`, requests, bytes, downloaded: report.downloaded, seconds: (performance.now() - started) / 1000 });
  };
  await measure('30-day backfill', () => fetcher.run({ since, until: newest }));
  await measure('steady run, nothing new', () => fetcher.run());
  const tomorrow = addDays(newest, 1);
  github.put(REPO, `${FOLDER}/${tomorrow}-arxiv.md`, digestMarkdown(tomorrow, rows(40)));
  now = new Date(`${tomorrow}T12:00:00Z`);
  await measure('steady run, one new file', () => fetcher.run());
  github.remove(REPO, `${FOLDER}/${tomorrow}-arxiv.md`);
  await fetcher.close();
  rmSync(dir, { recursive: true, force: true });
}

await scenario('github folder', `github:${REPO}/${FOLDER}`);
await scenario('url template', `lcollection=${github.rawUrl}/${REPO}/main/${FOLDER}/{date}-arxiv.md`);

// Baseline: a naive fetcher downloads every file of the window whole, every run.
const windowFiles = files.filter((f) => {
  const d = dateInName(f);
  return d !== null && d >= since && d <= newest;
});
const naiveBytes = windowFiles.reduce((n, f) => n + (existsSync(source) ? readFileSync(join(source, f)).length : 0), 0);
const lookbackFiles = files.filter((f) => {
  const d = dateInName(f);
  return d !== null && d >= addDays(newest, -3);
});
const naiveSteady = lookbackFiles.reduce((n, f) => n + (existsSync(source) ? readFileSync(join(source, f)).length : 0), 0);
await github.close();

console.log(`folder: ${source} (${files.length} files, newest ${newest}); window ${since} … ${newest}\n`);
console.log('scenario'.padEnd(48), 'requests'.padStart(9), 'bytes'.padStart(12), 'files'.padStart(6), 'seconds'.padStart(8));
for (const r of rowsOut) {
  console.log(r.scenario.padEnd(48), String(r.requests).padStart(9), String(r.bytes).padStart(12), String(r.downloaded).padStart(6), r.seconds.toFixed(2).padStart(8));
}
console.log(
  `${'baseline (naive): 30 days, every file whole'.padEnd(48)} ${String(windowFiles.length).padStart(9)} ${String(naiveBytes).padStart(12)}\n` +
    `${'baseline (naive): each run, lookback files whole'.padEnd(48)} ${String(lookbackFiles.length).padStart(9)} ${String(naiveSteady).padStart(12)}`,
);
