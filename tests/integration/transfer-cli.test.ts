/**
 * `npm run cli -- export` / `import` as a user runs them (a subprocess): stdout is the JSON contract, stderr gets
 * one line on failure, the exit code says which.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStores } from '../../src/store/index.ts';
import { buildArchive } from './transfer-archive.ts';
import { runScript } from '../helpers/subprocess.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adb-transfer-cli-'));
const sourceUrl = `sqlite://${join(dir, 'source.sqlite')}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args`, feeding `stdin`. */
function cli(args: string[], stdin = ''): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' };
  delete env.KEYV_URL;
  delete env.DEBUG;
  // A writing command names a store it creates (issue 15); that notice is not part of the error contract here.
  return runScript('src/cli.ts', args, { cwd: root, env, stdin }).then((run) => ({ ...run, stderr: run.stderr.replace(/^creating a new store at \S+\n/m, '') }));
}

function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

describe('cli export / import', () => {
  let papers: number;
  let exported: string;

  before(async () => {
    const stores = await openStores(sourceUrl);
    try {
      papers = (await buildArchive(stores, 15)).papers;
    } finally {
      await stores.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exports the archive as JSON Lines on stdout, nothing on stderr', async () => {
    const run = await cli(['export', '--store', sourceUrl]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const lines = jsonLines(run.stdout) as { kind: string; record: { v: number } }[];
    assert.equal(lines.filter((l) => l.kind === 'paper').length, papers);
    assert.ok(lines.every((l) => l.record.v === 1));
    exported = run.stdout;
  });

  it('exports to a file with --out and prints a summary', async () => {
    const out = join(dir, 'archive.jsonl');
    const run = await cli(['export', '--store', sourceUrl, '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { records: number; kinds: Record<string, number>; out: string };
    assert.equal(summary.out, out);
    assert.equal(summary.kinds.paper, papers);
    assert.equal(readFileSync(out, 'utf8'), exported);
    assert.equal(summary.records, jsonLines(exported).length);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.partial')), []);
  });

  it('imports a file into another store, and exporting that gives the same records', async () => {
    const target = `sqlite://${join(dir, 'target.sqlite')}`;
    const run = await cli(['import', '--store', target, join(dir, 'archive.jsonl')]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { records: number; kinds: Record<string, number>; store: string };
    assert.equal(report.records, jsonLines(exported).length);
    assert.equal(report.kinds.paper, papers);
    assert.match(report.store, /target\.sqlite/);
    const again = await cli(['export', '--store', target]);
    assert.equal(again.stdout, exported);
  });

  it('builds the search snapshot at the end of an import and says so, so the first search does not (issue 15)', async () => {
    const folder = join(dir, 'indexed');
    mkdirSync(folder);
    const target = `sqlite://${join(folder, 'store.sqlite')}`;
    const run = await cli(['import', '--store', target, join(dir, 'archive.jsonl')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`^search index ready: ${papers} papers in [\\d.]+ s$`, 'm'));
    assert.ok(readdirSync(folder).some((f) => /^search-\w+\.idx$/.test(f)), 'the snapshot sits beside the --store file');
  });

  it('imports from stdin with -', async () => {
    const target = `sqlite://${join(dir, 'stdin.sqlite')}`;
    const run = await cli(['import', '--store', target, '-'], exported);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { records: number }).records, jsonLines(exported).length);
  });

  it('skips a bad line with its number, imports the rest, exits 1 and counts the skipped lines (issue 15)', async () => {
    const [first, second, third] = exported.split('\n');
    const notJson = join(dir, 'not-json.jsonl');
    writeFileSync(notJson, `${first}\n\n${second}\n{"kind": "paper", "record":\n${third}\n`);
    const invalid = join(dir, 'invalid.jsonl');
    writeFileSync(invalid, `${first}\n{"kind":"paper","record":{"v":1,"id":"x"}}\n${second}\n`);
    const target = (name: string) => `sqlite://${join(dir, `${name}.sqlite`)}`;
    const [run, bad, kind] = await Promise.all([
      cli(['import', '--store', target('bad1'), notJson]),
      cli(['import', '--store', target('bad2'), invalid]),
      cli(['import', '--store', target('bad3'), '-'], '{"kind":"planet","record":{}}\n'),
    ]);
    assert.equal(run.code, 1);
    assert.deepEqual(JSON.parse(run.stdout), { ...(JSON.parse(run.stdout) as object), records: 3, kinds: { paper: 3 }, skipped: 1 });
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0] ?? '', /^warning: line 4: not JSON .*skipped$/);
    assert.match(run.stderr, /^error: 1 line was skipped .*the other 3 records were imported/m);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^warning: line 2: invalid paper record: \w+: /m);
    assert.equal((JSON.parse(bad.stdout) as { records: number }).records, 2, 'the lines after the bad one are imported too');
    assert.equal(kind.code, 1);
    assert.match(kind.stderr, /^warning: line 1: unknown record kind "planet"/m);
    assert.deepEqual(JSON.parse(kind.stdout), { ...(JSON.parse(kind.stdout) as object), records: 0, kinds: {}, skipped: 1 });
  });

  it('refuses records the bot could never have written: a giant line, a date that is no date, a mismatched id, a foreign meta key (issue 15)', async () => {
    const papersOut = jsonLines(exported).filter((l) => (l as { kind: string }).kind === 'paper') as { kind: string; record: Record<string, unknown> }[];
    const [a, b] = papersOut;
    if (!a || !b) throw new Error('fixture: two papers expected');
    const line = (value: unknown) => JSON.stringify(value);
    const giant = line({ kind: 'paper', record: { ...a.record, id: 'arxiv:2601.77777', arxivId: '2601.77777', abstract: 'x'.repeat(17 * 1024 * 1024) } });
    const lines = [
      line(a), // 1: good
      line({ kind: 'paper', record: { ...a.record, id: 'arxiv:2601.88888', arxivId: '2601.88888', date: 'not-a-date' } }), // 2
      line({ kind: 'paper', record: { ...a.record, id: 'arxiv:2601.99999', arxivId: '2601.00001' } }), // 3
      line({ kind: 'meta', record: { v: 1, key: '__proto__', value: { polluted: true } } }), // 4
      line({ kind: 'meta', record: { v: 1, key: '../../etc', value: 1 } }), // 5
      giant, // 6
      line({ kind: 'paper', record: { ...a.record, id: 'arxiv:2601.66666', arxivId: '2601.66666', date: '2026-02-30' } }), // 7
      line({ kind: 'save-day', record: { v: 1, guildId: 'g', day: 'yesterday', saves: [] } }), // 8
      line(b), // 9: good
    ];
    const file = join(dir, 'hostile.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const target = `sqlite://${join(dir, 'hostile.sqlite')}`;
    const run = await cli(['import', '--store', target, file]);
    assert.equal(run.code, 1, run.stderr);
    const summary = JSON.parse(run.stdout) as { records: number; kinds: Record<string, number>; skipped: number };
    assert.equal(summary.records, 2);
    assert.deepEqual(summary.kinds, { paper: 2 });
    assert.equal(summary.skipped, 7);
    const warned = (n: number) => run.stderr.split('\n').find((l) => l.startsWith(`warning: line ${n}: `)) ?? '';
    assert.match(warned(2), /date "not-a-date" is not a date \(expected YYYY-MM-DD\)/);
    assert.match(warned(3), /paper id "arxiv:2601\.99999" disagrees with its arxivId "2601\.00001"/);
    assert.match(warned(4), /meta key "__proto__" is not one the bot uses/);
    assert.match(warned(5), /meta key "\.\.\/\.\.\/etc" is not one the bot uses/);
    assert.match(warned(6), /longer than 16 MiB/);
    assert.match(warned(7), /date "2026-02-30" is not a date/);
    assert.match(warned(8), /day "yesterday" is not a date/);
    const back = await cli(['export', '--store', target]);
    const ids = (jsonLines(back.stdout) as { kind: string; record: { id?: string } }[]).map((l) => `${l.kind}:${l.record.id ?? ''}`);
    assert.deepEqual(ids.sort(), [`paper:${String(a.record.id)}`, `paper:${String(b.record.id)}`].sort());
  });

  it('warns on stderr about a stored value that cannot be exported', async () => {
    const url = `sqlite://${join(dir, 'corrupt.sqlite')}`;
    const stores = await openStores(url);
    try {
      await stores.importMany(jsonLines(exported).slice(0, 3) as never);
      const [first] = jsonLines(exported) as { record: { id: string } }[];
      await stores.kv.set(`paper:${first?.record.id ?? ''}`, { v: 1, id: 5 });
    } finally {
      await stores.close();
    }
    const run = await cli(['export', '--store', url]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^warning: store: skipped a value that does not decode \(key=paper:arxiv:2601\.\d+ issue=id: /);
    assert.equal(jsonLines(run.stdout).length, 2);
  });

  it('refuses bad arguments in one line', async () => {
    const [missing, option, store] = await Promise.all([
      cli(['import', join(dir, 'nope.jsonl')]),
      cli(['export', '--bogus']),
      cli(['export', '--store', 'ftp://example']),
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: cannot read .*nope\.jsonl: ENOENT\n$/);
    assert.equal(option.code, 1);
    assert.match(option.stderr, /^error: unexpected argument --bogus\n$/);
    assert.equal(store.code, 1);
    assert.match(store.stderr, /^error: /);
    assert.doesNotMatch(store.stderr, /\n\s+at /);
    assert.equal(existsSync(join(dir, 'data')), false, 'a refused command creates no default store');
  });
});
