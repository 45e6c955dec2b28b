import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, MAX_QUERY_LENGTH } from '../../src/search/query.ts';

const texts = (q: ReturnType<typeof parseQuery>): string[][] => q.groups.map((g) => g.map((i) => i.text));

test('words are ANDed, OR binds adjacent items', () => {
  const q = parseQuery('diffusion video OR image 模型');
  assert.deepEqual(texts(q), [['diffusion'], ['video', 'image'], ['模型']]);
  assert.deepEqual(q.errors, []);
});

test('quoted phrases, exclusions and filters', () => {
  const q = parseQuery('"large language models" -survey -"reinforcement learning" author:"Md Taimur" source:arXiv from:2025-01-01 to:2025-12-31');
  assert.equal(q.groups.length, 1);
  assert.equal(q.groups[0]![0]!.phrase, true);
  // A short quoted phrase also stands for its joined spelling (`"multi modal"` = multimodal).
  assert.deepEqual(q.exclude.map((e) => [e.text, e.phrase, e.tokens.map((t) => t.term).join(' ')]), [
    ['survey', false, 'survey'],
    ['reinforcement learning', true, 'reinforcement learn'],
    ['reinforcement learning', false, 'reinforcementlearn'],
  ]);
  assert.deepEqual(q.authors.map((a) => a.map((t) => t.term)), [['md', 'taimur']]);
  assert.deepEqual(q.sources, ['arxiv']);
  assert.equal(q.from, '2025-01-01');
  assert.equal(q.to, '2025-12-31');
});

test('malformed input gives errors, never throws', () => {
  assert.deepEqual(texts(parseQuery('"unbalanced quote')), [['unbalanced'], ['quote']]);
  const bad = parseQuery('from:yesterday to:2025-13-45 OR');
  assert.equal(bad.from, null);
  assert.equal(bad.to, null);
  assert.ok(bad.errors.length >= 3, bad.errors.join('; '));
  assert.deepEqual(parseQuery('').groups, []);
  assert.deepEqual(parseQuery('   ').groups, []);
  assert.deepEqual(parseQuery('- -- "" author:').groups, []);
  for (const hostile of ['.*+?^${}()|[]\\', '(((', '\u0000\uffff', '"'.repeat(999), 'a'.repeat(100_000)]) {
    assert.doesNotThrow(() => parseQuery(hostile));
  }
  // Not a string at all (a caller bug) still does not throw.
  assert.doesNotThrow(() => parseQuery(undefined as unknown as string));
});

test('absurdly long input is truncated and reported', () => {
  const q = parseQuery('word '.repeat(50_000));
  assert.ok(q.errors.some((e) => e.includes(String(MAX_QUERY_LENGTH))));
  assert.ok(q.groups.length <= 32);
});

test('the last bare word is a prefix candidate unless followed by a space or quoted', () => {
  assert.equal(parseQuery('graph neu').lastIsPrefix, true);
  assert.equal(parseQuery('graph neu ').lastIsPrefix, false);
  assert.equal(parseQuery('"graph neural"').lastIsPrefix, false);
});

test('unknown field prefixes are plain words', () => {
  assert.deepEqual(texts(parseQuery('title:foo')), [['title:foo']]);
});
