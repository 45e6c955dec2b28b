import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PaperMeta } from '../../src/digest/types.ts';
import { tokenize } from '../../src/search/analyzer.ts';
import { anyCategoryMatches, categoryMatches } from '../../src/search/categories.ts';
import { compileSubscriptions, parseQuery, SearchIndex } from '../../src/search/index.ts';
import { nameMatches } from '../../src/search/names.ts';
import { paperMaker } from '../helpers/papers.ts';

const words = (name: string) => tokenize(name).map((t) => t.term);
const matches = (query: string, author: string) => nameMatches(words(query), words(author));
const meta = (categories: string[]): PaperMeta => ({
  status: 'found',
  source: 'arxiv',
  lookedUpAt: '2025-11-23T00:00:00Z',
  filled: [],
  categories,
  primaryCategory: categories[0] ?? null,
  comment: null,
  journalRef: null,
  publishedDoi: null,
  firstPublished: null,
  updated: null,
  latestVersion: null,
});

describe('author name forms', () => {
  it('a full name matches "Surname, I." and the other way round, in either order', () => {
    assert.ok(matches('Zhang Wei', 'Zhang, W.'));
    assert.ok(matches('Zhang Wei', 'Wei Zhang'));
    assert.ok(matches('Zhang, W.', 'Wei Zhang'));
    assert.ok(matches('Sergey Levine', 'Levine, S.'));
    assert.ok(matches('Levine, S.', 'Sergey Levine'));
    assert.ok(matches('Sergey Levine', 'Sergey Levine'));
    assert.ok(matches('Garcia-Pelegrin, E.', 'Elias Garcia-Pelegrin'));
  });
  it('does not match every Zhang', () => {
    assert.ok(!matches('Zhang Wei', 'Zhang Li'));
    assert.ok(!matches('Zhang Wei', 'Wenjun Zhang'));
    assert.ok(!matches('Zhang Wei', 'Chenhang Christopher Zhang'));
    assert.ok(!matches('Zhang, W.', 'Li Zhang'));
    assert.ok(!matches('Sergey Levine', 'Levine, J.'));
  });
  it('one word still matches any author with it', () => {
    assert.ok(matches('Levine', 'Sergey Levine'));
    assert.ok(!matches('Levine', 'Sergey Brin'));
  });
});

describe('categories', () => {
  it('exact, archive and wildcard patterns, subject names with spaces or underscores', () => {
    assert.ok(categoryMatches('cs.cv', 'cs.cv'));
    assert.ok(categoryMatches('cs.*', 'cs.cv'));
    assert.ok(categoryMatches('cs', 'cs.cl'));
    assert.ok(!categoryMatches('cs', 'q-bio.nc'));
    assert.ok(!categoryMatches('cs.c', 'cs.cv'));
    assert.ok(anyCategoryMatches(['Animal_Behavior_and_Cognition'], ['animal behavior and cognition']));
    assert.ok(!anyCategoryMatches(['neuroscience'], ['animal behavior and cognition']));
    assert.deepEqual(parseQuery('robot cat:cs.RO cat:"animal behavior and cognition"').categories, ['cs.ro', 'animal behavior and cognition']);
  });
});

describe('the index and subscriptions use both', () => {
  const paper = paperMaker();
  const robot = paper('用于灵巧机器人操作的扩散策略', {
    titleOriginal: 'Diffusion Policies for Dexterous Robot Manipulation',
    authors: ['Wei Zhang', 'Maria Loconsole', 'Sergey Levine'],
    meta: meta(['cs.RO', 'cs.LG']),
  });
  const lm = paper('稀疏注意力', { authors: ['Chenhang Christopher Zhang', 'Li Zhang'], meta: meta(['cs.CL']) });
  const bio = paper('猕猴的声形对应', { authors: ['Loconsole, M.', 'Xue, C.'], source: 'biorxiv', meta: meta(['animal behavior and cognition']) });
  const ix = new SearchIndex();
  ix.add([robot, lm, bio]);
  const ids = (q: string) => ix.search(q, { limit: 10 }).results.map((r) => r.id).sort();

  it('searches by category and by any author form', () => {
    assert.deepEqual(ids('cat:cs.RO'), [robot.id]);
    assert.deepEqual(ids('cat:cs.*'), [robot.id, lm.id].sort());
    assert.deepEqual(ids('cat:animal_behavior_and_cognition'), [bio.id]);
    assert.deepEqual(ids('diffusion cat:cs.CL'), []);
    assert.deepEqual(ids('author:"Levine, S."'), [robot.id]);
    assert.deepEqual(ids('author:"Zhang Wei"'), [robot.id]);
    assert.deepEqual(ids('author:"Maria Loconsole"'), [robot.id, bio.id].sort());
    // A word that happens to start like the category terms' prefix is not a category.
    assert.deepEqual(ids('cat'), []);
  });

  it('subscriptions filter by category and match author forms', () => {
    const m = compileSubscriptions([
      { id: 'ro', expression: 'cat:cs.RO' },
      { id: 'levine', expression: 'author:"Levine, S."' },
      { id: 'full', expression: 'author:"Maria Loconsole"' },
      { id: 'zhang', expression: 'author:"Zhang Wei"' },
      { id: 'cl-diffusion', expression: 'diffusion cat:cs.CL' },
    ]);
    assert.deepEqual(m.match(robot).map((x) => x.subscriptionId), ['ro', 'levine', 'full', 'zhang']);
    assert.deepEqual(m.match(lm).map((x) => x.subscriptionId), []);
    assert.deepEqual(m.match(bio).map((x) => x.subscriptionId), ['full']);
  });
});
