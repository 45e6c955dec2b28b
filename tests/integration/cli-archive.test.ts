/**
 * The `ingest` and `search` command-line contracts (issue 3), run as a user runs them: a subprocess, JSON on stdout,
 * one clear line on stderr and exit 1 when something is wrong.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'adb-cli-'));
const store = `sqlite://${join(dir, 'cli.sqlite')}`;
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', env: { ...process.env, DATA_DIR: dir, KEYV_URL: '' } });

describe('cli ingest and search', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ingest prints { files, papers, new, updated, seconds } and is idempotent', () => {
    const first = cli('ingest', 'samples/', '--store', store);
    assert.equal(first.status, 0, first.stderr);
    const report = JSON.parse(first.stdout) as Record<string, number>;
    assert.deepEqual(Object.keys(report), ['files', 'papers', 'new', 'updated', 'seconds']);
    assert.deepEqual([report.files, report.papers, report.new, report.updated], [1, 10, 10, 0]);
    assert.equal(typeof report.seconds, 'number');
    const again = JSON.parse(cli('ingest', 'samples/2025-11-23-arxiv.md', '--store', store).stdout) as Record<string, number>;
    assert.equal(again.new, 0);
  });

  it('search prints { query, total, tookMs, results: [{ id, title, score }] }', () => {
    const run = cli('search', '视频事件预测', '--store', store, '--limit', '3');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { query: string; total: number; tookMs: number; results: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(out), ['query', 'total', 'tookMs', 'results']);
    assert.equal(out.query, '视频事件预测');
    assert.equal(out.results[0]?.id, 'arxiv:2511.16669');
    assert.deepEqual(Object.keys(out.results[0] ?? {}), ['id', 'title', 'score']);
    assert.ok(out.results.length <= 3);
  });

  it('search --queries FILE prints one object a line, in order', () => {
    const queries = join(dir, 'queries.txt');
    writeFileSync(queries, 'GRPO\n\nNemotron\n数据集蒸馏\n');
    const run = cli('search', '--queries', queries, '--store', store);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { query: string; results: { id: string }[] });
    assert.deepEqual(lines.map((l) => l.query), ['GRPO', 'Nemotron', '数据集蒸馏']);
    assert.deepEqual(lines.map((l) => l.results[0]?.id), ['arxiv:2511.16669', 'arxiv:2511.16664', 'arxiv:2511.16674']);
  });

  it('a store that cannot be opened, or a bad option, is one line on stderr and exit 1', () => {
    const dead = cli('search', 'x', '--store', 'redis://127.0.0.1:1');
    assert.equal(dead.status, 1);
    assert.match(dead.stderr, /^error: cannot open store redis:\/\/127\.0\.0\.1:1/);
    assert.equal(dead.stderr.trim().split('\n').length, 1, dead.stderr);
    const bad = cli('search', 'x', '--limit', 'lots', '--store', store);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--limit must be a whole number/);
    const missing = cli('ingest', join(dir, 'nope.md'), '--store', store);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read .*nope\.md: no such file/);
  });
});
