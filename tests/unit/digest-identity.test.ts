/** Paper identity from links in every form the digests use. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestHintsFromFileName, linkHash, paperIdentity } from '../../src/digest/index.ts';

test('arXiv links of every form give one id, version kept apart', () => {
  for (const link of [
    'http://arxiv.org/pdf/2511.16674v1',
    'https://arxiv.org/pdf/2511.16674v1.pdf',
    'https://arxiv.org/abs/2511.16674v1',
    'https://www.arxiv.org/abs/2511.16674v1',
  ]) {
    const id = paperIdentity(link);
    assert.equal(id.id, 'arxiv:2511.16674', link);
    assert.equal(id.version, 1, link);
    assert.equal(id.url, 'https://arxiv.org/abs/2511.16674v1');
    assert.equal(id.pdfUrl, 'https://arxiv.org/pdf/2511.16674v1');
  }
  const bare = paperIdentity('http://arxiv.org/abs/2410.06285');
  assert.deepEqual([bare.id, bare.version, bare.url], ['arxiv:2410.06285', null, 'https://arxiv.org/abs/2410.06285']);
  const old = paperIdentity('https://arxiv.org/abs/hep-th/9901001v3');
  assert.deepEqual([old.id, old.arxivId, old.version], ['arxiv:hep-th/9901001', 'hep-th/9901001', 3]);
  assert.equal(paperIdentity('https://arxiv.org/pdf/math.AG/0601001').id, 'arxiv:math.AG/0601001');
});

test('bioRxiv/medRxiv links give the DOI', () => {
  const doi = '10.1101/2021.02.23.432411';
  for (const link of [
    `https://doi.org/${doi}`,
    `https://www.biorxiv.org/content/${doi}v1.full.pdf`,
    `https://www.medrxiv.org/content/${doi}v2`,
    `https://www.biorxiv.org/content/${doi}v1.full`,
  ]) {
    const id = paperIdentity(link);
    assert.equal(id.id, `doi:${doi}`, link);
    assert.equal(id.doi, doi);
    assert.equal(id.url, `https://doi.org/${doi}`);
  }
  assert.equal(paperIdentity('https://doi.org/10.64898/2025.12.03.691662').id, 'doi:10.64898/2025.12.03.691662');
  assert.equal(paperIdentity('https://www.biorxiv.org/content/10.1101/2025.01.01.000001v1.full.pdf').pdfUrl, 'https://www.biorxiv.org/content/10.1101/2025.01.01.000001v1.full.pdf');
});

test('percent escapes in a DOI link are decoded, a malformed one is kept as written', () => {
  assert.equal(paperIdentity('https://doi.org/10.1002/(SICI)1097-4636%28199912%2947').doi, '10.1002/(sici)1097-4636(199912)47');
  assert.equal(paperIdentity('https://doi.org/10.1101/2025.01.01.%E0%A4%A').doi, '10.1101/2025.01.01.%e0%a4%a');
});

test('other links get a stable hash of the normalised link', () => {
  const a = paperIdentity('https://Example.org/paper/42/');
  const b = paperIdentity('http://example.org/paper/42#top');
  assert.match(a.id, /^url:[0-9a-f]{16}$/);
  assert.equal(a.id, b.id);
  assert.notEqual(a.id, paperIdentity('https://example.org/paper/43').id);
  assert.equal(a.id, `url:${linkHash('https://example.org/paper/42')}`);
  assert.equal(a.arxivId, null);
});

test('file names give date and source hints', () => {
  assert.deepEqual(digestHintsFromFileName('digests/2025-11-23-arxiv.md'), { date: '2025-11-23', source: 'arxiv' });
  assert.deepEqual(digestHintsFromFileName('/x/2024-09-04-medrxiv.md'), { date: '2024-09-04', source: 'medrxiv' });
  assert.deepEqual(digestHintsFromFileName('2024-09-04.md'), { date: '2024-09-04', source: null });
  assert.deepEqual(digestHintsFromFileName('archive.md'), { date: null, source: null });
  assert.deepEqual(digestHintsFromFileName('2024-13-40.md').date, null);
});
