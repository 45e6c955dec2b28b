import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { APIEmbed } from 'discord-api-types/v10';
import { paperEmbed } from '../../src/discord/embeds.ts';
import { LIMITS, codePoints, embedLength, validateMessage } from '../../src/discord/limits.ts';
import {
  compactLine,
  embedMessagesLowerBound,
  packDigestMessages,
  packEmbeds,
  subscriptionMessage,
  withMention,
  type DigestBatch,
  type MessageBody,
} from '../../src/discord/messages.ts';
import { makePaper, manyPapers, rng } from './embeds-fixtures.ts';

/**
 * The fewest order-preserving messages, by dynamic programming over every split (independent of the greedy
 * packers). `fits(count, size)` says whether a run of `count` items of `size` total characters fits one message.
 */
function optimalRuns(sizes: readonly number[], fits: (count: number, size: number) => boolean): number {
  const best: number[] = [0];
  for (let i = 1; i <= sizes.length; i++) {
    best[i] = Infinity;
    let size = 0;
    for (let j = i - 1; j >= 0; j--) {
      size += sizes[j] as number;
      if (!fits(i - j, size)) break; // a longer run that does not fit stays unfit
      best[i] = Math.min(best[i] as number, (best[j] as number) + 1);
    }
  }
  return best[sizes.length] as number;
}

const embedRunFits = (count: number, size: number): boolean => count <= LIMITS.embeds && size <= LIMITS.embedTotal;
const embedSizes = (embeds: readonly APIEmbed[]): number[] => embeds.map(embedLength);

function assertValid(bodies: readonly MessageBody[]): void {
  for (const [i, body] of bodies.entries()) {
    assert.deepEqual(validateMessage(body), [], `message ${i}`);
    assert.deepEqual(body.allowed_mentions, { parse: [] }, `message ${i} mentions nobody`);
  }
}

const digest = (papers = manyPapers(100)): DigestBatch => ({ source: 'arxiv', date: '2025-11-23', papers });

describe('packEmbeds', () => {
  it('uses the optimal number of messages for random embed sizes, in order', () => {
    const random = rng(3);
    for (let round = 0; round < 60; round++) {
      const maxSize = [300, 700, 2000, 4096][round % 4] as number;
      const embeds: APIEmbed[] = Array.from({ length: 1 + Math.floor(random() * 60) }, (_, i) => ({
        title: String(i),
        description: 'x'.repeat(1 + Math.floor(random() * maxSize)),
      }));
      const messages = packEmbeds(embeds);
      assert.equal(messages.length, optimalRuns(embedSizes(embeds), embedRunFits), `round ${round}`);
      assert.ok(messages.length >= embedMessagesLowerBound(embeds));
      assert.deepEqual(messages.flatMap((m) => m.embeds ?? []), embeds, 'order and content kept');
      assertValid(messages);
    }
  });

  it('counts code points, as Discord does, so astral characters do not cost double', () => {
    const embeds: APIEmbed[] = Array.from({ length: 2 }, () => ({ description: '😀'.repeat(3000) }));
    assert.equal(embedLength(embeds[0] as APIEmbed), 3000);
    assert.equal(packEmbeds(embeds).length, 1);
  });

  it('puts content on the first message only, and alone when there are no embeds', () => {
    assert.deepEqual(packEmbeds([], 'hi'), [{ content: 'hi', allowed_mentions: { parse: [] } }]);
    const messages = packEmbeds(Array.from({ length: 11 }, () => ({ title: 't' })), 'hi');
    assert.deepEqual(messages.map((m) => m.content), ['hi', undefined]);
  });
});

describe('embeds mode', () => {
  it('posts 100 varied papers in 10 messages, the lower bound, header first', () => {
    const batch = digest();
    const messages = packDigestMessages(batch, 'embeds');
    const embeds = batch.papers.map((p) => paperEmbed(p));
    assert.equal(messages.length, 10);
    assert.equal(messages.length, embedMessagesLowerBound(embeds));
    assert.equal(messages[0]?.content, '📰 arXiv · 2025-11-23 · 100 papers');
    assert.ok(messages.slice(1).every((m) => m.content === undefined));
    assert.deepEqual(messages.flatMap((m) => m.embeds ?? []), embeds);
    assertValid(messages);
  });

  it('packs big standalone-size embeds optimally too', () => {
    const batch = digest(manyPapers(40, 5));
    const messages = packDigestMessages(batch, 'embeds', { budget: 6000, locale: 'zh-CN' });
    const embeds = batch.papers.map((p) => paperEmbed(p, { budget: 6000, locale: 'zh-CN' }));
    assert.equal(messages.length, optimalRuns(embedSizes(embeds), embedRunFits));
    assert.ok(messages.length > 4, 'big embeds need more than the count bound');
    assert.equal(messages[0]?.content, '📰 arXiv · 2025-11-23 · 40 篇论文');
    assertValid(messages);
  });

  it('posts the sample-sized digest of 10 papers in one message, and nothing for no papers', () => {
    assert.equal(packDigestMessages(digest(manyPapers(10, 9)), 'embeds').length, 1);
    assert.deepEqual(packDigestMessages(digest([]), 'embeds'), []);
    assert.deepEqual(packDigestMessages(digest([]), 'compact'), []);
  });

  it('can leave the header out', () => {
    const messages = packDigestMessages(digest(manyPapers(3)), 'embeds', { header: false });
    assert.equal(messages[0]?.content, undefined);
  });
});

describe('compact mode', () => {
  // m lines of S code points fit one message iff S + m − min(10, m) ≤ 6000: each embed boundary saves a newline.
  const lineRunFits = (count: number, size: number): boolean => size + count - Math.min(LIMITS.embeds, count) <= LIMITS.embedTotal;

  for (const [count, seed] of [
    [100, 1],
    [400, 2],
    [1000, 4],
  ] as const) {
    it(`lists ${count} papers, numbered and linked, in the fewest messages`, () => {
      const batch = digest(manyPapers(count, seed));
      const messages = packDigestMessages(batch, 'compact');
      const lines = batch.papers.map((p, i) => compactLine(p, i + 1));
      assert.equal(messages.length, optimalRuns(lines.map(codePoints), lineRunFits));
      assert.ok(messages.length <= packDigestMessages(batch, 'embeds').length);
      assert.equal(messages[0]?.content, `📰 arXiv · 2025-11-23 · ${count} papers`);
      const shown = messages.flatMap((m) => (m.embeds ?? []).flatMap((e) => (e.description ?? '').split('\n')));
      assert.deepEqual(shown, lines, 'every line whole, in order');
      assertValid(messages);
    });
  }

  it('splits a list over more embeds when the saved newlines make the difference', () => {
    // Unlinked titles of a fixed length: sweeping the length hits runs that fit 6000 only with extra embed breaks.
    let split = 0;
    for (let length = 100; length <= 160; length++) {
      const papers = Array.from({ length: 80 }, (_, i) =>
        makePaper({ title: 'a'.repeat(length - String(i + 1).length), url: null, arxivId: null, doi: null, pdfUrl: null }),
      );
      const messages = packDigestMessages(digest(papers), 'compact');
      const lines = papers.map((p, i) => compactLine(p, i + 1));
      assert.equal(messages.length, optimalRuns(lines.map(codePoints), lineRunFits), `length ${length}`);
      assertValid(messages);
      for (const m of messages) {
        const units = (m.embeds ?? []).reduce((n, e) => n + (e.description ?? '').length + 1, -1);
        if ((m.embeds ?? []).length > Math.ceil(units / LIMITS.description)) split++;
      }
    }
    assert.ok(split > 0, 'the sweep exercises the extra splits');
  });

  it('writes a line as a bold number and an escaped, linked title', () => {
    assert.equal(compactLine(makePaper({ title: '[x](y) *z*' }), 7), '**7.** [\\[x\\](y) \\*z\\*](https://arxiv.org/abs/2511.16674)');
    assert.equal(compactLine(makePaper({ url: null, arxivId: null, pdfUrl: null, title: 'T' }), 1), '**1.** T');
  });
});

describe('thread mode', () => {
  it('gives a header, a thread name within 100 characters and the embed messages', () => {
    const plan = packDigestMessages(digest(), 'thread');
    assert.equal(plan.threadName, 'arXiv · 2025-11-23 · 100 papers');
    assert.deepEqual(plan.header, { content: '📰 arXiv · 2025-11-23 · 100 papers', allowed_mentions: { parse: [] } });
    assert.equal(plan.messages.length, 10);
    assert.ok(plan.messages.every((m) => m.content === undefined));
    assertValid([plan.header, ...plan.messages]);
  });
  it('keeps a hostile source name within the thread name limit', () => {
    const plan = packDigestMessages({ source: 'x'.repeat(500), date: '2025-11-23', papers: manyPapers(2) }, 'thread', { locale: 'zh-CN' });
    assert.equal(plan.threadName, `${'x'.repeat(31)}… · 2025-11-23 · 2 篇论文`);
    const worse = packDigestMessages({ source: 'x', date: 'y '.repeat(500), papers: manyPapers(2) }, 'thread');
    assert.ok(worse.threadName.length <= LIMITS.threadName && worse.threadName.endsWith('…'), worse.threadName);
  });
});

describe('mentions', () => {
  const body: MessageBody = { content: 'header', allowed_mentions: { parse: [] } };
  it('mentions exactly one role or user', () => {
    assert.deepEqual(withMention(body, { roleId: '123456789012345678' }), {
      content: '<@&123456789012345678> header',
      allowed_mentions: { parse: [], roles: ['123456789012345678'] },
    });
    assert.deepEqual(withMention({ embeds: [{ title: 't' }], allowed_mentions: { parse: [] } }, { userId: '223456789012345678' }), {
      content: '<@223456789012345678>',
      embeds: [{ title: 't' }],
      allowed_mentions: { parse: [], users: ['223456789012345678'] },
    });
    assert.deepEqual(body, { content: 'header', allowed_mentions: { parse: [] } }, 'input untouched');
  });
  it('refuses ids that are not snowflakes, and keeps content within 2000', () => {
    assert.throws(() => withMention(body, { roleId: '1> @everyone <@&2' }), /not a Discord id/);
    const long = withMention({ content: 'x'.repeat(2000), allowed_mentions: { parse: [] } }, { roleId: '123456789012345678' });
    assert.ok((long.content ?? '').length <= LIMITS.content);
    assert.ok(long.content?.startsWith('<@&123456789012345678> x'));
  });
});

describe('subscriptionMessage', () => {
  it('shows matched keywords, mentions the role on the first message only', () => {
    const papers = manyPapers(12);
    const matched = papers.map((_, i) => [`kw${i}`, '扩散模型']);
    const messages = subscriptionMessage(papers, matched, { mention: { roleId: '123456789012345678' } });
    assert.equal(messages.length, 2);
    assert.equal(messages[0]?.content, '<@&123456789012345678> 🔔 12 new papers match your subscription');
    assert.deepEqual(messages[0]?.allowed_mentions, { parse: [], roles: ['123456789012345678'] });
    assert.deepEqual(messages[1]?.allowed_mentions, { parse: [] });
    const embeds = messages.flatMap((m) => m.embeds ?? []);
    assert.deepEqual(embeds[11]?.fields?.[0], { name: 'Matched', value: 'kw11, 扩散模型' });
    for (const m of messages) assert.deepEqual(validateMessage(m), []);
  });
  it('speaks Chinese and posts nothing for no papers', () => {
    const [first] = subscriptionMessage([makePaper()], [['扩散']], { locale: 'zh-CN' });
    assert.equal(first?.content, '🔔 有 1 篇新论文符合你的订阅');
    assert.deepEqual(subscriptionMessage([], [], {}), []);
  });
});

describe('validateMessage', () => {
  const ok: MessageBody = { content: 'x', allowed_mentions: { parse: [] } };
  const paths = (body: MessageBody): string[] => validateMessage(body).map((v) => v.path);
  it('accepts a valid body', () => assert.deepEqual(validateMessage(ok), []));
  it('reports each broken limit where it is', () => {
    assert.deepEqual(paths({ ...ok, content: 'x'.repeat(2001) }), ['content']);
    assert.deepEqual(paths({ ...ok, embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }), ['embeds']);
    assert.deepEqual(paths({ ...ok, embeds: [{ description: 'x'.repeat(4000) }, { description: 'x'.repeat(2001) }] }), ['embeds']);
    assert.deepEqual(paths({ ...ok, embeds: [{ title: 'x'.repeat(257) }] }), ['embeds[0].title']);
    assert.deepEqual(paths({ ...ok, embeds: [{ title: 't', fields: [{ name: '', value: 'v' }] }] }), ['embeds[0].fields[0].name']);
    assert.deepEqual(paths({ ...ok, embeds: [{ title: 't', url: 'javascript:x' }] }), ['embeds[0].url']);
    assert.deepEqual(paths({ ...ok, embeds: [{ title: 't', footer: { text: 'x'.repeat(2049) } }] }), ['embeds[0].footer.text']);
    assert.deepEqual(paths({ content: 'x' }), ['allowed_mentions']);
    assert.deepEqual(paths({ ...ok, allowed_mentions: { parse: ['everyone' as never] } }), ['allowed_mentions.parse']);
    assert.deepEqual(paths({ allowed_mentions: { parse: [] } }), ['content']);
  });
});
