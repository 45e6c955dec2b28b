import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highlight } from '../../src/discord/highlight.ts';
import { escapeMarkdown } from '../../src/discord/markdown.ts';

test('matched words are bold, stems and CJK runs included', () => {
  assert.equal(highlight('Diffusion Models beat GANs', ['model', 'gan']), 'Diffusion **Models** beat **GANs**');
  assert.equal(
    highlight('视频即答案：基于联合GRPO的下一视频事件预测与生成', ['视频事件预测', 'grpo']),
    '视频即答案：基于联合**GRPO**的下一**视频事件预测**与生成',
  );
});

test('no substring highlighting inside longer Latin words', () => {
  assert.equal(highlight('Organ GAN', ['gan']), 'Organ **GAN**');
});

test('other markdown is escaped', () => {
  assert.equal(escapeMarkdown('a*b_c~d`e|f>g'), 'a\\*b\\_c\\~d\\`e\\|f\\>g');
  assert.equal(highlight('**not bold** model', ['model']), '\\*\\*not bold\\*\\* **model**');
});

test('long texts are cut around the first match', () => {
  const text = `${'filler '.repeat(100)}needle ${'tail '.repeat(100)}`;
  const out = highlight(text, ['needle'], 80);
  assert.ok(out.startsWith('…') && out.endsWith('…'));
  assert.ok(out.includes('**needle**'));
  assert.ok(out.replace(/[*…\\]/g, '').length <= 80);
  assert.equal(highlight('short', [], 80), 'short');
  assert.equal(highlight('', ['x']), '');
});
