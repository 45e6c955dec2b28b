/** Title cleaning and author splitting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanTitle, splitAuthors } from '../../src/digest/index.ts';

test('titles lose labels, bold, quotes and preambles', () => {
  const cases: Array<[string, string]> = [
    ['标题：图神经网络', '图神经网络'],
    ['标题翻译：「图神经网络」', '图神经网络'],
    ['**图神经网络**', '图神经网络'],
    ['“图神经网络”', '图神经网络'],
    ['"A" and "B"', '"A" and "B"'],
    ['中文翻译：图世界模型', '图世界模型'],
    ['请帮我将以下内容翻译成中文：风格增强的扩散模型', '风格增强的扩散模型'],
    ['标题翻译为中文是：“植食性的演化”。', '植食性的演化'],
    ['以下是这段文字的中文翻译：\n\n**稀疏编码**\n\n翻译说明：…', '稀疏编码'],
    // A bold announcement: its colon is inside the bold, so the line ends with `**`, not with the colon.
    ['**翻译：**\n\n运动发酵单胞菌的启动子受氧气诱导', '运动发酵单胞菌的启动子受氧气诱导'],
    ['机器翻译：综述', '机器翻译：综述'],
    ['基于人工智能的发现与结构解析：一种通道伴侣蛋白', '基于人工智能的发现与结构解析：一种通道伴侣蛋白'],
  ];
  for (const [raw, title] of cases) assert.equal(cleanTitle(raw).title, title, raw);
});

test('translator notes move to notes, never stay in the title', () => {
  const a = cleanTitle('世界模型\n\n（注：翻译说明\n1. 保留术语）');
  assert.deepEqual([a.title, a.notes], ['世界模型', '（注：翻译说明 保留术语）']);
  const b = cleanTitle('视觉推理基准（解析：保留原结构）');
  assert.deepEqual([b.title, b.notes], ['视觉推理基准', '（解析：保留原结构）']);
  const c = cleanTitle('一个标题');
  assert.equal(c.notes, null);
});

test('authors split into names', () => {
  assert.deepEqual(splitAuthors('Gongxin Yao et.al.'), ['Gongxin Yao']);
  assert.deepEqual(splitAuthors('Ann Lee, Bob Ray; Cy Xu'), ['Ann Lee', 'Bob Ray', 'Cy Xu']);
  assert.deepEqual(splitAuthors('Gutierrez del Burgo, F.'), ['Gutierrez del Burgo, F.']);
  assert.deepEqual(splitAuthors('Peterson, R. E.'), ['Peterson, R. E.']);
  assert.deepEqual(splitAuthors('N/A'), []);
  assert.deepEqual(splitAuthors(''), []);
});
