import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CUSTOM_ID_MAX, decodeCustomId, encodeCustomId } from '../../src/discord/custom-id.ts';
import { pickLocale, translator } from '../../src/i18n/index.ts';
import { enUS } from '../../src/i18n/en-US.ts';
import { zhCN } from '../../src/i18n/zh-CN.ts';

describe('custom ids', () => {
  it('round-trip command, action and state', () => {
    const id = encodeCustomId('paper', 'page', '2', '123456789012345678');
    assert.deepEqual(decodeCustomId(id), { command: 'paper', action: 'page', state: ['2', '123456789012345678'] });
  });
  it('refuse ids over Discord’s limit and separators inside parts', () => {
    assert.throws(() => encodeCustomId('paper', 'page', 'x'.repeat(CUSTOM_ID_MAX)));
    assert.throws(() => encodeCustomId('paper', 'a|b'));
  });
  it('decode ids of another version as null (old buttons expire politely)', () => {
    assert.equal(decodeCustomId('v0|paper|page|1'), null);
    assert.equal(decodeCustomId('garbage'), null);
  });
});

describe('i18n', () => {
  it('picks zh-CN for Chinese locales and English otherwise', () => {
    assert.equal(pickLocale('zh-CN'), 'zh-CN');
    assert.equal(pickLocale('zh-TW'), 'zh-CN');
    assert.equal(pickLocale('en-GB'), 'en-US');
    assert.equal(pickLocale('fr'), 'en-US');
    assert.equal(pickLocale(undefined), 'en-US');
  });
  it('fills parameters and keeps unknown ones visible', () => {
    assert.equal(translator('en-US')('error.invalidOption', { option: 'from', reason: 'bad date' }), 'Invalid from: bad date');
    assert.equal(translator('zh-CN')('error.invalidOption', { option: 'from' }), 'from 无效：{reason}');
  });
  it('every English text has a Chinese one that keeps the same parameters', () => {
    for (const [key, text] of Object.entries(enUS)) {
      const zh = zhCN[key as keyof typeof enUS];
      assert.ok(zh, key);
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(params(zh), params(text), key);
    }
  });
});
