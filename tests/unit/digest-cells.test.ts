/**
 * Table cells take a fast path when they hold no markdown to interpret; it must read every cell exactly as the
 * remark path does, or the parser's output would depend on which path a cell happened to take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cellText } from '../../src/digest/text.ts';

// Pieces of the constructs the fast path has to tell apart from plain text (links, definitions, references,
// emphasis, entities, HTML), and plain text around them.
const PIECES = [
  '[', ']', '](', ']:', '][', '[]', '(', ')', ':', ' ', '  ', '\n', '\t', '    ', 'x', 'A b', '翻译失败', 'https://arxiv.org/abs/2501.00001',
  '*', '_', '`', '<', '<3', '< ', '<b>', '</b>', '<a', '</', '<!', '<?', '<https:', '>', '\n>', '&', '&amp;', '&#38;', '&#x26;', '&#;',
  '&foo;', ';', '!', '![', '\\', '\\alpha', '\\{', '\\\n', '~', '~~~', '\n~~~', '=', 'a.b', '\u200B',
];
const cell = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 30 }).map((parts) => parts.join(''));

test('a cell reads the same on the fast path as through remark', () => {
  fc.assert(
    fc.property(cell, (raw) => {
      assert.deepEqual(cellText(raw), cellText(raw, 'remark'), JSON.stringify(raw));
    }),
    { numRuns: 5000 },
  );
});

test('markdown characters where they mean nothing are plain text on both paths', () => {
  const plain = ['Recent advancements in soccer understanding [翻译失败]', 'the [MASK] token', 'CI [0.02, 0.50]', '[a][b] and [c][]'];
  plain.push('p < 0.05 and a<=b', 'R&D; AT&T', 'strong $\\varepsilon$-contamination', 'Hello! x -> y', '~1 GB', 'a > b');
  for (const raw of plain) {
    assert.deepEqual(cellText(raw), { text: raw, links: [] });
    assert.deepEqual(cellText(raw, 'remark'), { text: raw, links: [] });
  }
  assert.deepEqual(cellText('[PDF](https://arxiv.org/pdf/2501.00001)').links, ['https://arxiv.org/pdf/2501.00001']);
  // A block quote or fence opens after any line ending, a lone CR included.
  for (const raw of ['a\r> b', 'a\r~~~\nb']) assert.deepEqual(cellText(raw), cellText(raw, 'remark'), JSON.stringify(raw));
  // A definition makes the reference a link on both paths.
  assert.deepEqual(cellText('[a]\n\n[a]: https://x.org'), cellText('[a]\n\n[a]: https://x.org', 'remark'));
});
