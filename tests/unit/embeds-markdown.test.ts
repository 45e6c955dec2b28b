import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, oneLine, safeUrl, truncate, truncatePlain, unescapeMarkdown } from '../../src/discord/markdown.ts';
import { fieldLength } from '../../src/discord/limits.ts';
import { HOSTILE, randomText, rng } from './embeds-fixtures.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('escapeMarkdown', () => {
  const cases: Array<[string, string]> = [
    ['**x**', '\\*\\*x\\*\\*'],
    ['__u__ ~~s~~', '\\_\\_u\\_\\_ \\~\\~s\\~\\~'],
    ['[a](b)', '\\[a\\](b)'],
    ['`code`', '\\`code\\`'],
    ['> quote', '\\> quote'],
    ['# heading', '\\# heading'],
    ['@everyone and @here', '\\@everyone and \\@here'],
    ['<@123>', '\\<\\@123\\>'],
    ['<@&456>', '\\<\\@&456\\>'],
    ['<#789> <t:1:R>', '\\<\\#789\\> \\<t:1:R\\>'],
    ['||spoiler||', '\\|\\|spoiler\\|\\|'],
    ['a\\b', 'a\\\\b'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['12. item', '12\\. item'],
    ['2511.16674', '2511\\.16674'],
    ['扩散模型 (diffusion) 2.0 a-b', '扩散模型 (diffusion) 2.0 a-b'],
    ['code: https://github.com/a/b_c_d. **x**', 'code: https://github.com/a/b_c_d. \\*\\*x\\*\\*'],
    ['(https://x.org/@everyone_) _y_', '(https://x.org/@everyone_) \\_y\\_'],
    ['https://x.org/a*b* <@1>', 'https://x.org/a\\*b\\* \\<\\@1\\>'],
  ];
  for (const [input, expected] of cases) {
    it(`escapes ${JSON.stringify(input)}`, () => assert.equal(escapeMarkdown(input), expected));
  }

  it('round-trips through unescapeMarkdown, hostile and random text alike', () => {
    assert.equal(unescapeMarkdown(escapeMarkdown(HOSTILE)), HOSTILE);
    const random = rng(7);
    for (let i = 0; i < 300; i++) {
      const text = randomText(random, Math.floor(random() * 60));
      assert.equal(unescapeMarkdown(escapeMarkdown(text)), text);
    }
  });
});

describe('oneLine', () => {
  it('collapses whitespace and drops controls and bidi overrides', () => {
    assert.equal(oneLine('  a\n\n b\t\u0000c \u202Egnp.exe\u2066 '), 'a b c gnp.exe');
  });
});

describe('truncate', () => {
  it('keeps text that fits, escaped', () => {
    assert.equal(truncate('**x**', 10), '\\*\\*x\\*\\*');
  });
  it('cuts Chinese at a sentence end', () => {
    assert.equal(truncate('第一句话。第二句话很长很长很长', 9, { cutAt: 'sentence' }), '第一句话。…');
    assert.equal(truncate('甲乙丙！丁戊己庚辛壬癸', 7, { cutAt: 'sentence' }), '甲乙丙！…');
  });
  it('cuts Latin at ". "', () => {
    assert.equal(truncate('The quick brown fox. Jumps over the lazy dog', 30, { cutAt: 'sentence' }), 'The quick brown fox.…');
  });
  it('does not take a decimal point for a sentence end', () => {
    assert.equal(truncate('Accuracy rose to 98.5 percent on all benchmarks', 26, { cutAt: 'sentence' }), 'Accuracy rose to 98.5…');
  });
  it('falls back to a word boundary when no sentence end is in the last half', () => {
    assert.equal(truncate('alpha beta gamma delta', 15, { cutAt: 'sentence' }), 'alpha beta…');
    assert.equal(truncate('alpha beta gamma delta', 15), 'alpha beta…');
  });
  it('treats any boundary between Chinese characters as a word boundary', () => {
    assert.equal(truncate('我们提出了一种新的方法', 6), '我们提出了…');
  });
  it('cuts hard inside one long word', () => {
    assert.equal(truncate('abcdefghijklmnopqrstuvwxyz', 10), 'abcdefghi…');
    assert.equal(truncate('alpha beta gamma', 12, { cutAt: 'hard' }), 'alpha beta…');
  });
  it('never splits an escape sequence, a surrogate pair or a combining mark', () => {
    assert.equal(truncate('****', 6), '\\*\\*…');
    assert.equal(truncate('😀😀😀😀', 4), '😀…');
    assert.equal(truncate('e\u0301e\u0301e\u0301', 4), 'e\u0301…');
    assert.equal(truncate('****', 6, { escape: false }), '****');
  });
  it('is within the limit after escaping for any input and limit', () => {
    const random = rng(11);
    for (let i = 0; i < 500; i++) {
      const text = randomText(random, Math.floor(random() * 120));
      const limit = Math.floor(random() * 200);
      const out = truncate(text, limit, { cutAt: i % 2 ? 'sentence' : 'word' });
      assert.ok(fieldLength(out) <= limit, `${fieldLength(out)} > ${limit}`);
      assert.doesNotMatch(out, LONE_SURROGATE);
      if (fieldLength(escapeMarkdown(text)) <= limit) {
        assert.equal(out, escapeMarkdown(text));
      } else if (out !== '') {
        assert.ok(out.endsWith('…'));
        // The kept part unescapes to a prefix of the input: no escape sequence was cut in two.
        const kept = unescapeMarkdown(out.slice(0, -1));
        assert.ok(text.startsWith(kept), JSON.stringify({ text, kept }));
      }
    }
  });
  it('handles text far beyond any limit quickly', () => {
    const huge = HOSTILE.repeat(20_000);
    const started = performance.now();
    const out = truncate(huge, 4096, { cutAt: 'sentence' });
    assert.ok(fieldLength(out) <= 4096);
    assert.ok(performance.now() - started < 2000);
  });
  it('truncatePlain does not escape', () => {
    assert.equal(truncatePlain('A *B* C D', 7), 'A *B*…');
  });
});

describe('safeUrl', () => {
  it('accepts http(s) and encodes parentheses', () => {
    assert.equal(safeUrl('https://example.com/a(b)'), 'https://example.com/a%28b%29');
    assert.equal(safeUrl(' https://arxiv.org/abs/2511.16674 '), 'https://arxiv.org/abs/2511.16674');
  });
  it('refuses other schemes, garbage and overlong URLs', () => {
    assert.equal(safeUrl('javascript:alert(1)'), null);
    assert.equal(safeUrl('arxiv.org/abs/1'), null);
    assert.equal(safeUrl(null), null);
    assert.equal(safeUrl(`https://example.com/${'a'.repeat(3000)}`), null);
  });
});
