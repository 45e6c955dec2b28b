/**
 * Table-driven fixture tests: every `tests/fixtures/digest-<quirk>/` holds `input.md`, optionally
 * `file-name.txt` (the file name the parser is told, for date/source hints) and `expected.json` (the full
 * ParseResult, checked by hand when written). Each fixture is also parsed with every cell going through
 * remark, which must give the same result: that pins the fast path to the reference path.
 * `UPDATE_FIXTURES=1` rewrites expected.json (then review the diff by hand).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDigest } from '../../src/digest/index.ts';

const root = join(import.meta.dirname, '..', 'fixtures');
const cases = readdirSync(root).filter((name) => name.startsWith('digest-') && existsSync(join(root, name, 'input.md')));

test('there are digest fixtures', () => {
  assert.ok(cases.length >= 10, `found ${cases.length} fixtures`);
});

for (const name of cases) {
  test(`fixture ${name}`, () => {
    const dir = join(root, name);
    const text = readFileSync(join(dir, 'input.md'), 'utf8');
    const fileNamePath = join(dir, 'file-name.txt');
    const fileName = existsSync(fileNamePath) ? readFileSync(fileNamePath, 'utf8').trim() : 'input.md';
    const result = parseDigest({ text, fileName });
    const expectedPath = join(dir, 'expected.json');
    if (process.env.UPDATE_FIXTURES) writeFileSync(expectedPath, `${JSON.stringify(result, null, 2)}\n`);
    const expected: unknown = JSON.parse(readFileSync(expectedPath, 'utf8'));
    assert.deepEqual(result, expected);
    assert.deepEqual(parseDigest({ text, fileName }, { cellMode: 'remark' }), result, 'remark path differs from the fast path');
  });
}
