// Every body the builders produce, checked against Discord's official request schema (discord-api-spec's zod
// schema for POST /channels/{id}/messages) as well as our own limit checker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { paperEmbed } from '../../src/discord/embeds.ts';
import { validateMessage } from '../../src/discord/limits.ts';
import { packDigestMessages, subscriptionMessage, withMention, type MessageBody } from '../../src/discord/messages.ts';
import { HOSTILE, makePaper, manyPapers, specIssues } from './embeds-fixtures.ts';

function assertSpecValid(bodies: readonly MessageBody[], label: string): void {
  assert.ok(bodies.length > 0, `${label}: something to check`);
  for (const [i, body] of bodies.entries()) {
    assert.deepEqual(specIssues(body), [], `${label} #${i}`);
    assert.deepEqual(validateMessage(body), [], `${label} #${i}`);
  }
}

describe('message bodies against the official Discord API schema', () => {
  const hostile = manyPapers(60, 13).map((p, i) =>
    i % 5 === 0 ? { ...p, title: HOSTILE.repeat(3), titleOriginal: HOSTILE, authors: [HOSTILE], codeUrl: 'https://github.com/a/(b)' } : p,
  );
  for (const locale of ['en-US', 'zh-CN'] as const) {
    for (const mode of ['embeds', 'compact'] as const) {
      it(`${mode} mode, ${locale}`, () => {
        assertSpecValid(packDigestMessages({ source: 'medrxiv', date: '2025-11-23', papers: hostile }, mode, { locale }), mode);
      });
    }
    it(`thread mode, ${locale}`, () => {
      const plan = packDigestMessages({ source: 'arxiv', date: '2025-11-23', papers: hostile }, 'thread', { locale });
      assertSpecValid([plan.header, ...plan.messages], 'thread');
    });
    it(`subscription posts with a role and a user mention, ${locale}`, () => {
      const matched = hostile.map(() => [HOSTILE, '扩散模型']);
      assertSpecValid(subscriptionMessage(hostile, matched, { locale, mention: { roleId: '123456789012345678' } }), 'role');
      assertSpecValid(subscriptionMessage(hostile, matched, { locale, mention: { userId: '223456789012345678' } }), 'user');
    });
  }

  it('a single paper shown with the standalone budget', () => {
    const body = withMention({ embeds: [paperEmbed(makePaper({ abstract: HOSTILE.repeat(100) }), { budget: 6000 })], allowed_mentions: { parse: [] } }, { userId: '223456789012345678' });
    assertSpecValid([body], 'standalone');
  });

  it('the schema check itself rejects an overlong title and a bad URL (so the checks above can fail)', () => {
    assert.ok(specIssues({ embeds: [{ title: 'x'.repeat(257) }] }).length > 0);
    assert.ok(specIssues({ embeds: [{ title: 't', url: 'not a url' }] }).length > 0);
    assert.ok(specIssues({ content: 'x'.repeat(4001) }).length > 0);
  });
});
