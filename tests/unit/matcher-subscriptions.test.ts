import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Paper } from '../../src/digest/types.ts';
import { compileSubscriptions, subscriptionCompiler } from '../../src/search/matcher.ts';
import { paperMaker } from '../helpers/papers.ts';

const paper = paperMaker({ prefix: '2506', date: '2025-06-01', authors: [] });

function matches(expression: string, p: Paper): string[] | null {
  const m = compileSubscriptions([{ id: 's', expression }]).match(p);
  return m.length === 0 ? null : m[0]!.matchedKeywords;
}

test('a Chinese keyword matches the word inside a longer title', () => {
  assert.deepEqual(matches('扩散模型', paper('基于扩散模型的图像生成')), ['扩散模型']);
  assert.deepEqual(matches('扩散', paper('基于扩散模型的图像生成')), ['扩散']);
  assert.deepEqual(matches('强化学习', paper('面向多任务强化学习的快速学习率')), ['强化学习']);
});

test('a Chinese keyword never matches across a word boundary or through a stray character', () => {
  assert.equal(matches('扩散', paper('扩大散射截面的测量')), null);
  assert.equal(matches('和服', paper('提升和服务质量的方法')), null);
  assert.equal(matches('模', paper('基于扩散模型的图像生成')), null, 'a single character must be a word by itself');
  assert.equal(matches('型的', paper('基于扩散模型的图像生成')), null);
});

test('English is case- and plural-insensitive and never matches inside a longer word', () => {
  assert.deepEqual(matches('GAN', paper('GANs for art generation')), ['gan']);
  assert.deepEqual(matches('gans', paper('A conditional GAN')), ['gans']);
  assert.equal(matches('GAN', paper('Organ transplant outcomes')), null);
  assert.equal(matches('GAN', paper('Oganesson chemistry')), null);
  assert.deepEqual(matches('Diffusion Model', paper('x', { titleOriginal: 'Latent diffusion models at scale' })), ['diffusion', 'model']);
});

test('mixed Latin and CJK in title, abstract and original fields', () => {
  assert.ok(matches('GRPO', paper('视频即答案：基于联合GRPO的下一视频事件预测与生成')));
  assert.ok(matches('grpo 视频', paper('视频即答案：基于联合GRPO的下一视频事件预测与生成')));
  assert.ok(matches('蛋白质', paper('A title', { abstract: '我们研究蛋白质折叠。' })));
});

test('phrases, OR, exclusions and filters', () => {
  const p = paper('Large language models for code', {
    authors: ['Alice Smith', 'Bob Jones'],
    source: 'arxiv',
    date: '2025-06-01',
  });
  assert.ok(matches('"language models"', p));
  assert.equal(matches('"models language"', p), null);
  assert.deepEqual(matches('vision OR code', p), ['code']);
  assert.equal(matches('code -language', p), null);
  assert.ok(matches('code author:smith', p));
  assert.equal(matches('code author:"Bob Smith"', p), null);
  assert.ok(matches('author:"Alice Smith"', p));
  assert.equal(matches('code source:biorxiv', p), null);
  assert.ok(matches('code from:2025-01-01 to:2025-12-31', p));
  assert.equal(matches('code from:2025-07-01', p), null);
  assert.ok(matches('source:arxiv', p), 'filter-only subscriptions work');
});

test('many subscriptions: only the matching ones, in input order, matched keywords reported', () => {
  const subs = [
    { id: 'a', expression: '扩散模型' },
    { id: 'b', expression: 'GAN' },
    { id: 'c', expression: '图像 OR 视频' },
    { id: 'd', expression: '' },
    { id: 'e', expression: '"' },
    { id: 'f', expression: '扩散 -图像' },
  ];
  for (let i = 0; i < 3000; i++) subs.push({ id: `noise${i}`, expression: `keyword${i} 主题${i}` });
  const m = compileSubscriptions(subs);
  assert.equal(m.size, subs.length - 2, 'empty expressions are not compiled');
  const got = m.match(paper('基于扩散模型的图像生成'));
  assert.deepEqual(got, [
    { subscriptionId: 'a', matchedKeywords: ['扩散模型'] },
    { subscriptionId: 'c', matchedKeywords: ['图像'] },
  ]);
});

test('compiled in parts (as the planner does, between turns of the event loop), subscriptions match as compiled at once', () => {
  const subs = [
    { id: 'x', expression: '图像 OR 视频' },
    { id: 'y', expression: '' },
    { id: 'z', expression: '扩散模型' },
    { id: 'w', expression: 'author:nobody' },
    { id: 'v', expression: '扩散' },
  ];
  const compiler = subscriptionCompiler();
  compiler.add(subs.slice(0, 2));
  compiler.add(subs.slice(2));
  const parts = compiler.finish();
  const whole = compileSubscriptions(subs);
  assert.equal(parts.size, whole.size);
  const p = paper('基于扩散模型的图像生成');
  assert.deepEqual(parts.match(p), whole.match(p));
  assert.deepEqual(parts.match(p).map((m) => m.subscriptionId), ['x', 'z', 'v'], 'in input order across the parts');
});

test('matching is fast: 3000 subscriptions × 300 papers well under a second', () => {
  const words = ['diffusion', 'transformer', 'graph', 'protein', '扩散模型', '强化学习', '大语言模型', '图像分割', 'agent', 'robot'];
  const subs = Array.from({ length: 3000 }, (_, i) => ({
    id: String(i),
    expression: `${words[i % words.length]} ${i % 3 === 0 ? `-topic${i}` : ''}`,
  }));
  const papers = Array.from({ length: 300 }, (_, i) =>
    paper(`基于${words[i % words.length]}的研究 ${i}`, { abstract: '本文提出一种新的方法，实验表明效果显著。'.repeat(5) }),
  );
  const m = compileSubscriptions(subs);
  const t0 = performance.now();
  let hits = 0;
  for (const p of papers) hits += m.match(p).length;
  const ms = performance.now() - t0;
  assert.equal(hits, 300 * 300);
  assert.ok(ms < 1000, `took ${ms} ms`);
});

test('hostile expressions never throw and never match everything', () => {
  const p = paper('Anything at all');
  for (const e of ['', '   ', '.*', '(((', '[a-z]+', '\\', 'a'.repeat(100_000), '-anything', 'OR OR', 'from:', 'author:']) {
    assert.doesNotThrow(() => compileSubscriptions([{ id: 'x', expression: e }]).match(p));
  }
  assert.equal(matches('.*', p), null);
  assert.equal(matches('-anything', p), null, 'an exclusion alone matches nothing');
  const m = compileSubscriptions([{ id: 'x', expression: 'from:tomorrow' }]);
  assert.equal(m.errors.length, 1);
});
