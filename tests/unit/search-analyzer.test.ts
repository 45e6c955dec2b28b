import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, tokenize, cjkBigrams } from '../../src/search/analyzer.ts';
import { stem } from '../../src/search/stem.ts';
import { normalizeText } from '../../src/search/normalize.ts';

test('Latin text is case-folded, NFKC-normalised, accent-folded and lightly stemmed', () => {
  assert.deepEqual(analyze('Diffusion Models'), ['diffusion', 'model']);
  assert.deepEqual(analyze('ＧＲＰＯ'), ['grpo']);
  assert.deepEqual(analyze('Café Naïve'), ['cafe', 'naiv']);
  assert.equal(normalizeText('Ｔｒａｎｓｆｏｒｍｅｒ'), 'transformer');
});

test('the stemmer removes inflections conservatively', () => {
  const same = (a: string, b: string): void => assert.equal(stem(a), stem(b), `${a} vs ${b}`);
  same('models', 'model');
  same('modeling', 'model');
  same('modeled', 'model');
  same('gans', 'gan');
  same('studies', 'study');
  same('encoding', 'encode');
  assert.notEqual(stem('organ'), stem('gan'));
  assert.equal(stem('bias'), 'bias');
  assert.equal(stem('analysis'), 'analysis');
  assert.equal(stem('class'), 'class');
  assert.equal(stem('gpt4'), 'gpt4');
});

test('CJK runs become overlapping bigrams; a single character stays a unigram', () => {
  assert.deepEqual(cjkBigrams('视频事件'), ['视频', '频事', '事件']);
  assert.deepEqual(cjkBigrams('图'), ['图']);
  assert.deepEqual(analyze('视频事件'), ['视频', '频事', '事件']);
});

test('mixed text splits at script changes', () => {
  assert.deepEqual(analyze('GRPO强化学习'), ['grpo', '强化', '化学', '学习']);
  const toks = tokenize('视频即答案：基于联合GRPO的下一视频事件预测与生成');
  assert.deepEqual(
    toks.map((t) => `${t.kind}:${t.term}`),
    ['cjk:视频即答案', 'cjk:基于联合', 'latin:grpo', 'cjk:的下一视频事件预测与生成'],
  );
});

test('punctuation, digits and empty input', () => {
  assert.deepEqual(analyze(''), []);
  assert.deepEqual(analyze('!!! ... ***'), []);
  assert.deepEqual(analyze('Qwen2.5-VL'), ['qwen2', '5', 'vl']);
  assert.deepEqual(analyze('2511.16674'), ['2511', '16674']);
});

test('a possessive does not leave a stray token', () => {
  assert.deepEqual(analyze("LLM's Alzheimer’s"), ['llm', 'alzheimer']);
});
