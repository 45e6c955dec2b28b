/** The `cli parse` command as a subprocess: the JSON contract, `--summary`, and exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8' });

test('parse prints one JSON object with the contract shape', () => {
  const run = cli('parse', 'samples/2025-11-23-arxiv.md');
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { files: Array<Record<string, unknown>> };
  assert.equal(out.files.length, 1);
  const file = out.files[0]!;
  assert.deepEqual(Object.keys(file), ['file', 'digests', 'papers', 'warnings']);
  assert.equal(file.file, 'samples/2025-11-23-arxiv.md');
  assert.deepEqual(file.digests, [{ date: '2025-11-23', source: 'arxiv', status: 'ok', message: null, papers: 10 }]);
  const papers = file.papers as Array<Record<string, unknown>>;
  assert.equal(papers.length, 10);
  assert.deepEqual(Object.keys(papers[0]!), [
    'id', 'arxivId', 'version', 'doi', 'source', 'date', 'published', 'title', 'titleOriginal', 'authors',
    'abstract', 'abstractOriginal', 'pdfUrl', 'url', 'codeUrl', 'notes',
  ]);
  assert.deepEqual(
    [papers[0]!.id, papers[0]!.version, papers[0]!.title, papers[0]!.authors, papers[0]!.url],
    ['arxiv:2511.16674', 1, '面向预训练自监督视觉模型的数据集蒸馏', ['George Cazenavette'], 'https://arxiv.org/abs/2511.16674v1'],
  );
  for (const w of file.warnings as Array<Record<string, unknown>>) assert.equal(typeof w.line, 'number');
});

test('warnings are { line, message }, exactly as the contract shows', () => {
  const run = cli('parse', 'tests/fixtures/digest-unclosed-row/input.md');
  assert.equal(run.status, 0, run.stderr);
  const warnings = (JSON.parse(run.stdout) as { files: { warnings: Record<string, unknown>[] }[] }).files[0]!.warnings;
  assert.ok(warnings.length > 0);
  for (const w of warnings) {
    assert.deepEqual(Object.keys(w), ['line', 'message']);
    assert.equal(typeof w.line, 'number');
  }
});

test('folders are searched recursively; --summary prints totals', () => {
  const run = cli('parse', '--summary', 'samples', 'tests/fixtures/digest-summary-sections');
  assert.equal(run.status, 0, run.stderr);
  const s = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.ok((s.files as number) >= 2);
  assert.ok((s.papers as number) >= 11);
  assert.equal(typeof s.distinctIds, 'number');
  assert.equal(typeof s.seconds, 'number');
  assert.equal(typeof s.mbPerSecond, 'number');
  assert.equal(typeof s.warnings, 'object');
});

test('an unreadable path exits 1 with one line on stderr', () => {
  const run = cli('parse', 'no/such/file.md');
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.match(run.stderr, /cannot read no\/such\/file\.md: no such file or directory/);
});
