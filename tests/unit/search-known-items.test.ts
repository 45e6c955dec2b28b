/**
 * Known-item search over the shipped sample digest: a distinctive title word or two, in Chinese or English
 * (including the English names inside Chinese titles, in any case), finds the paper in the top 3.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDigest } from '../../src/digest/index.ts';
import { SearchIndex } from '../../src/search/index.ts';

const papers = parseDigest({ text: readFileSync('samples/2025-11-23-arxiv.md', 'utf8'), fileName: '2025-11-23-arxiv.md' }).papers;
const index = new SearchIndex();
index.add(papers);

const KNOWN: [query: string, arxivId: string][] = [
  ['数据集蒸馏', '2511.16674'],
  ['evolmm', '2511.16672'],
  ['自演进 多模态', '2511.16672'],
  ['NoPo-Avatar', '2511.16673'],
  ['虚拟化身', '2511.16673'],
  ['边生成边思考', '2511.16671'],
  ['快速与慢速思考', '2511.16670'],
  ['视频事件预测', '2511.16669'],
  ['GRPO', '2511.16669'],
  ['grpo', '2511.16669'],
  ['V-ReasonBench', '2511.16668'],
  ['九自由度', '2511.16666'],
  ['长尾分布 草稿', '2511.16665'],
  ['Nemotron', '2511.16664'],
  ['George Cazenavette', '2511.16674'],
];

describe('known-item search on the sample digest', () => {
  for (const [query, arxivId] of KNOWN) {
    it(`"${query}" finds ${arxivId} in the top 3`, () => {
      const top = index.search(query, { limit: 3 }).results.map((r) => r.id);
      assert.ok(top.includes(`arxiv:${arxivId}`), `${query} → ${top.join(', ')}`);
    });
  }
});
