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

test('--summary counts "links but no papers" as its own warning kind; parse output carries categories', () => {
  const run = cli('parse', '--summary', 'tests/fixtures/digest-unrecognised-layout', 'tests/fixtures/digest-heading-per-paper');
  assert.equal(run.status, 0, run.stderr);
  const s = JSON.parse(run.stdout) as { warnings: Record<string, number> };
  assert.equal(s.warnings['unrecognised-layout'], 1);
  const full = cli('parse', 'tests/fixtures/digest-heading-per-paper/input.md');
  const json = JSON.parse(full.stdout) as { files: Array<{ papers: Array<{ id: string; categories?: string[] }> }> };
  assert.deepEqual(json.files[0]?.papers.map((p) => [p.id, p.categories]), [
    ['arxiv:2512.00101', ['cs.CV']],
    ['arxiv:2512.00102', ['cs.CV', 'cs.CL']],
    ['arxiv:2512.00103', ['cs.CL']],
  ]);
});

test('an unreadable path exits 1 with one line on stderr', () => {
  const run = cli('parse', 'no/such/file.md');
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.match(run.stderr, /cannot read no\/such\/file\.md: no such file or directory/);
});

test('a folder with symlinks and an unreadable file: links to files are read, folder links not followed, the bad file reported, stdout complete JSON (issue 15)', async () => {
  const { mkdtempSync, mkdirSync, copyFileSync, symlinkSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const base = mkdtempSync(join(tmpdir(), 'adb-parse-links-'));
  try {
    const folder = join(base, 'digests');
    const outside = join(base, 'outside');
    mkdirSync(folder);
    mkdirSync(outside);
    copyFileSync(join(root, 'samples/2025-11-23-arxiv.md'), join(folder, '2025-11-23-arxiv.md'));
    copyFileSync(join(root, 'samples/2025-11-23-arxiv.md'), join(outside, 'elsewhere.md'));
    copyFileSync(join(root, 'samples/2025-11-23-arxiv.md'), join(outside, 'hidden-behind-a-folder-link.md'));
    symlinkSync(join(outside, 'elsewhere.md'), join(folder, 'linked.md')); // a link to a file: read
    symlinkSync(join(base, 'nowhere.md'), join(folder, 'dangling.md')); // unreadable: reported, skipped
    symlinkSync(join(folder, 'loop.md'), join(folder, 'loop.md')); // a link to itself: reported, skipped
    symlinkSync(folder, join(folder, 'again')); // a folder link looping back: not followed (no hang)
    symlinkSync(outside, join(folder, 'out')); // a folder link leading outside: not followed
    const run = cli('parse', folder);
    assert.equal(run.status, 1, run.stderr);
    const out = JSON.parse(run.stdout) as { files: Array<{ file: string; papers: unknown[] }> };
    assert.deepEqual(out.files.map((f) => [f.file.slice(folder.length + 1), f.papers.length]), [['2025-11-23-arxiv.md', 10], ['linked.md', 10]]);
    const lines = run.stderr.trim().split('\n');
    assert.match(run.stderr, /^warning: cannot read .*dangling\.md: no such file or directory — skipped$/m);
    assert.match(run.stderr, /^warning: cannot read .*loop\.md: a link that loops back on itself — skipped$/m);
    assert.match(run.stderr, /^warning: .*again: a link to a folder is not followed/m);
    assert.match(run.stderr, /^warning: .*out: a link to a folder is not followed/m);
    assert.equal(lines.at(-1), 'error: 2 files could not be read (listed above); the others were parsed');
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
