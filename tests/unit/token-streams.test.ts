/**
 * Token streams: exact ids for titles and authors, one-byte hashes for abstracts; phrases never cross a field, and a
 * snapshot's arrays read back the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenStreams, wordHash } from '../../src/search/token-streams.ts';
import { numberedPaper } from '../helpers/papers.ts';
import { SearchIndex } from '../../src/search/index.ts';

function streams(): TokenStreams {
  const s = new TokenStreams('|');
  s.push('graph neural network | alice smith | bob jone |', 'we propos a graph neural network for molecul | 图 神经');
  s.push('organ segment', '');
  s.push('', 'neural segment network');
  return s;
}

test('phrases in the title and in the abstract need adjacent words in order, within one field', () => {
  const s = streams();
  assert.equal(s.hasPhrase(0, ['graph', 'neural']), true, 'title, exact');
  assert.equal(s.hasPhrase(0, ['neural', 'graph']), false, 'order counts');
  assert.equal(s.hasPhrase(0, ['for', 'molecul']), true, 'abstract, hashed');
  assert.equal(s.hasPhrase(0, ['network', 'for', 'molecul']), true);
  assert.equal(s.hasPhrase(0, ['network', 'molecul']), false, 'not adjacent in the abstract');
  assert.equal(s.hasPhrase(0, ['network', 'alice']), false, 'a phrase never crosses from the title into an author');
  assert.equal(s.hasPhrase(0, ['molecul', '图']), false, 'nor from one abstract into the other');
  assert.equal(s.hasPhrase(1, ['organ', 'segment']), true);
  assert.equal(s.hasPhrase(1, ['segment', 'network']), false, 'a slot without an abstract');
  assert.equal(s.hasPhrase(2, ['segment', 'network']), true, 'a slot with an abstract only');
  assert.equal(s.hasPhrase(2, ['neural', 'network']), false);
});

test('author fields come back as words; abstracts are not among them', () => {
  const s = streams();
  assert.deepEqual(s.fields(0), [['graph', 'neural', 'network'], ['alice', 'smith'], ['bob', 'jone']]);
  assert.deepEqual(s.fields(2), []);
});

test('a snapshot of the arrays answers the same', () => {
  const s = streams();
  const frozen = s.freeze(3);
  const copy = TokenStreams.from('|', { words: frozen.words.slice(0, frozen.words.length), ends: frozen.ends.slice(), pool: new Uint8Array(Buffer.concat(frozen.pool)) });
  for (const slot of [0, 1, 2]) assert.deepEqual(copy.fields(slot), s.fields(slot));
  assert.equal(copy.hasPhrase(0, ['for', 'molecul']), true);
  assert.equal(copy.hasPhrase(0, ['network', 'molecul']), false);
});

test('word hashes are bytes 1–255 and spread', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 5000; i++) {
    const h = wordHash(`w${i}`);
    assert.ok(h >= 1 && h <= 255);
    seen.add(h);
  }
  assert.equal(seen.size, 255);
});

test('search: a quoted phrase in an English abstract needs its words adjacent', () => {
  const ix = new SearchIndex();
  const p = (n: number, abstractOriginal: string) =>
    numberedPaper(n, { prefix: '2601', date: '2026-01-01', title: `论文 ${n}`, authors: ['A'], abstractOriginal });
  ix.add([p(1, 'We study contrastive representation learning at scale.'), p(2, 'Learning a representation that is contrastive.')]);
  assert.deepEqual(ix.search('"contrastive representation"').results.map((r) => r.id), [p(1, '').id]);
  assert.equal(ix.search('contrastive representation').total, 2);
});
