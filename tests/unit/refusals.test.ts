import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryDiscordPort } from '../../src/discord/discord-port.ts';
import type { Refusal } from '../../src/discord/publisher.ts';
import { addDigestChannel } from '../../src/jobs/channels.ts';
import { createRefusalPolicy } from '../../src/jobs/refusals.ts';
import { memoryStores, type DeliveryTarget, type NewOutboxEntry, type Stores } from '../../src/store/index.ts';
import { silentLog } from '../helpers/log.ts';
import { problemSentences } from '../helpers/problems.ts';

const NOW = new Date('2026-03-04T05:06:07.000Z');

/** The policy over memory stores, a pinned clock and a Discord whose server has a zh-CN system channel. */
async function setup(options: { disableAfter?: number; system?: 'none' | 'fails' } = {}) {
  const stores = await memoryStores();
  const discord = memoryDiscordPort();
  if (options.system !== 'none') {
    discord.systemChannel = async () => {
      if (options.system === 'fails') throw new Error('Missing Access');
      return { channelId: 'system', locale: 'zh-CN' };
    };
  }
  const policy = createRefusalPolicy({ stores, discord, log: silentLog(), now: () => NOW }, { disableAfter: options.disableAfter ?? 3 });
  return { stores, discord, policy };
}

const refusal = (target: DeliveryTarget, reason = '50013 Missing Permissions'): Refusal => ({ target, reason, entries: [] });
const inChannel = (channelId: string, guildId = 'g1'): DeliveryTarget => ({ kind: 'channel', channelId, guildId });

async function subscribe(stores: Stores, fields: { guildId?: string; channelId?: string; userId?: string }) {
  return stores.subscriptions.add({
    guildId: fields.guildId ?? 'g1',
    channelId: fields.channelId ?? null,
    userId: fields.userId ?? null,
    keywords: 'diffusion',
    mentionRoleId: null,
    createdBy: 'u1',
  });
}

describe('refusal policy', () => {
  it('counts refusals against a digest channel, then switches it off once, with the injected clock, and tells the server in its language', async () => {
    const { stores, discord, policy } = await setup();
    await addDigestChannel({ stores, now: () => NOW }, { guildId: 'g1', channelId: 'c1', sources: null, mode: 'embeds', notices: false, addedBy: 'u1' });

    const first = await policy.onRefused(refusal(inChannel('c1')));
    assert.equal(first.giveUp, false, 'kept pending: one refusal may be a permission being edited');
    assert.deepEqual(first.problems, [{ key: 'problem.channelRefused', guildId: 'g1', channelId: 'c1', params: { reason: '50013 Missing Permissions', attempt: 1, limit: 3 } }]);
    assert.deepEqual(problemSentences(first.problems), ['<#c1>: 50013 Missing Permissions (attempt 1 of 3)']);
    await policy.onRefused(refusal(inChannel('c1')));
    assert.equal(discord.sent.length, 0);

    const third = await policy.onRefused(refusal(inChannel('c1'), '50013 <@everyone> **Missing**'));
    assert.equal(third.giveUp, true);
    assert.equal(third.problems[0]?.key, 'problem.channelSwitchedOff');
    const channel = await stores.channels.get('c1');
    assert.deepEqual(channel?.disabled, { reason: '50013 <@everyone> **Missing**', since: NOW.toISOString() });
    assert.equal(discord.sent.length, 1);
    const notice = discord.sent[0]!;
    assert.equal(notice.channelId, 'system');
    assert.match(String(notice.body.content), /^⚠️ 我无法在 <#c1> 发布每日日报（50013 everyone Missing）/, 'zh-CN, Discord’s text stripped of markup and mentions');
    assert.deepEqual(notice.body.allowed_mentions, { parse: [] });

    await policy.onRefused(refusal(inChannel('c1')));
    assert.equal(discord.sent.length, 1, 'told once');
  });

  it('pauses the subscriptions of a channel that is not a digest channel, and says so', async () => {
    const { stores, discord, policy } = await setup();
    const sub = await subscribe(stores, { channelId: 'c2' });
    const decision = await policy.onRefused(refusal(inChannel('c2')));
    assert.equal(decision.giveUp, true);
    assert.deepEqual(decision.problems, [{ key: 'problem.subscriptionChannelRefused', guildId: 'g1', channelId: 'c2', params: { reason: '50013 Missing Permissions' } }]);
    assert.deepEqual((await stores.subscriptions.get(sub.id))?.paused, { reason: '50013 Missing Permissions', since: NOW.toISOString() });
    assert.match(String(discord.sent[0]?.body.content), /<#c2>.*\/subscribe add/);
  });

  it('pauses a DM subscriber’s subscriptions in that server only, and pings exactly them', async () => {
    const { stores, discord, policy } = await setup();
    const here = await subscribe(stores, { userId: 'u9' });
    const elsewhere = await subscribe(stores, { userId: 'u9', guildId: 'g2' });
    const decision = await policy.onRefused(refusal({ kind: 'user', userId: 'u9', guildId: 'g1' }, '50007 Cannot send messages to this user'));
    assert.equal(decision.giveUp, true);
    assert.deepEqual(decision.problems, [{ key: 'problem.dmRefused', guildId: 'g1', userId: 'u9', params: { reason: '50007 Cannot send messages to this user' } }]);
    assert.deepEqual(problemSentences(decision.problems, 'zh-CN'), ['无法私信 <@u9>（50007 Cannot send messages to this user）；其订阅已暂停']);
    assert.equal((await stores.subscriptions.get(here.id))?.paused?.since, NOW.toISOString());
    assert.equal((await stores.subscriptions.get(elsewhere.id))?.paused, null);
    assert.deepEqual(discord.sent[0]?.body.allowed_mentions, { parse: [], users: ['u9'] });
    await policy.onRefused(refusal({ kind: 'user', userId: 'u9', guildId: 'g1' }));
    assert.equal(discord.sent.length, 1, 'nothing new paused: nobody told twice');
  });

  it('decides the same when the server cannot be told', async () => {
    for (const system of ['none', 'fails'] as const) {
      const { stores, discord, policy } = await setup({ system, disableAfter: 1 });
      await addDigestChannel({ stores, now: () => NOW }, { guildId: 'g1', channelId: 'c1', sources: null, mode: 'embeds', notices: false, addedBy: 'u1' });
      const decision = await policy.onRefused(refusal(inChannel('c1')));
      assert.equal(decision.giveUp, true, system);
      assert.ok((await stores.channels.get('c1'))?.disabled, system);
      assert.equal(discord.sent.length, 0, system);
    }
  });
});

describe('adding a digest channel', () => {
  const entry = (id: string, channelId: string): NewOutboxEntry => ({
    id,
    target: inChannel(channelId),
    body: { message: { content: id, allowed_mentions: { parse: [] } } },
    paperIds: [id],
  });

  it('adds a new channel with the injected clock', async () => {
    const stores = await memoryStores();
    const added = await addDigestChannel(
      { stores, now: () => NOW },
      { guildId: 'g1', channelId: 'c1', sources: ['arxiv'], mode: 'thread', notices: true, addedBy: 'u1', locale: 'zh-CN' },
    );
    assert.equal(added.previous, undefined);
    assert.equal(added.retried, 0);
    assert.deepEqual(await stores.channels.get('c1'), {
      guildId: 'g1', channelId: 'c1', sources: ['arxiv'], mode: 'thread', notices: true, disabled: null, failures: 0, addedBy: 'u1', addedAt: NOW.toISOString(), locale: 'zh-CN',
    });
  });

  it('re-enables a switched-off channel: clears the switch-off and the count, keeps when it was first added, queues again what it refused', async () => {
    const stores = await memoryStores();
    const first = new Date('2026-01-01T00:00:00.000Z');
    await addDigestChannel({ stores, now: () => first }, { guildId: 'g1', channelId: 'c1', sources: null, mode: 'embeds', notices: false, addedBy: 'DIGEST_CHANNEL_IDS' });
    await stores.channels.update('c1', (c) => ({ ...c, failures: 3, disabled: { reason: 'x', since: first.toISOString() } }));
    await stores.outbox.enqueueMany([entry('a', 'c1'), entry('b', 'c1'), entry('c', 'other')]);
    for (const id of ['a', 'b', 'c']) await stores.outbox.markFailed(id, 'refused');

    const added = await addDigestChannel({ stores, now: () => NOW }, { guildId: 'g1', channelId: 'c1', sources: null, mode: 'compact', notices: false, addedBy: 'u2' });
    assert.equal(added.retried, 2);
    assert.ok(added.previous?.disabled);
    const channel = await stores.channels.get('c1');
    assert.deepEqual([channel?.disabled, channel?.failures, channel?.mode, channel?.addedBy, channel?.addedAt], [null, 0, 'compact', 'u2', first.toISOString()]);
    assert.deepEqual((await stores.outbox.pending()).map((e) => e.id).sort(), ['a', 'b']);
    assert.equal((await stores.outbox.get('c'))?.state, 'failed', 'another channel’s entries stay as they were');
  });
});
