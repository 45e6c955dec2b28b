import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscordAPIError } from 'discord.js';
import { memoryDiscordPort } from '../../src/discord/discord-port.ts';
import { createPublisher, nonceFor, type OutboxBody, type PublisherDeps, type PublisherOptions, type Refusal, type RefusalDecision } from '../../src/discord/publisher.ts';
import { createRefusalPolicy } from '../../src/jobs/refusals.ts';
import { memoryStores, type NewOutboxEntry, type Stores } from '../../src/store/index.ts';
import { silentLog } from '../helpers/log.ts';
import { problemSentences } from '../helpers/problems.ts';

/** A publisher with the real refusal policy (switching a channel off after `disableAfter` refusals). */
function publisherWith(deps: Omit<PublisherDeps, 'log' | 'refusals'>, options: PublisherOptions & { disableAfter?: number } = {}) {
  const { disableAfter, ...rest } = options;
  const refusals = createRefusalPolicy({ stores: deps.stores, discord: deps.discord, log: silentLog(), now: () => new Date(0) }, { disableAfter });
  return createPublisher({ ...deps, log: silentLog(), refusals }, rest);
}

function apiError(status: number, code: number, message: string): DiscordAPIError {
  return new DiscordAPIError({ code, message }, code, status, 'POST', '/channels/x/messages', {});
}

function entry(id: string, channelId: string, content: string, thread?: OutboxBody['thread']): NewOutboxEntry {
  const body: OutboxBody = { message: { content, allowed_mentions: { parse: [] } }, ...(thread ? { thread } : {}) };
  return { id, target: { kind: 'channel', channelId, guildId: 'g1' }, body, paperIds: [id] };
}

async function channel(stores: Stores, channelId: string): Promise<void> {
  await stores.channels.put({
    guildId: 'g1', channelId, sources: null, mode: 'embeds', notices: false, disabled: null, failures: 0, addedBy: 'u', addedAt: new Date(0).toISOString(),
  });
}

describe('publisher', () => {
  it('sends pending entries in order per channel, with a nonce derived from the entry id, and marks them sent', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await stores.outbox.enqueueMany([entry('a1', 'c1', 'first'), entry('b1', 'c2', 'other'), entry('a2', 'c1', 'second')]);
    const report = await publisherWith({ stores, discord }).drain();
    assert.equal(report.sent, 3);
    assert.deepEqual(discord.sent.filter((m) => m.channelId === 'c1').map((m) => m.body.content), ['first', 'second']);
    assert.equal(discord.sent.find((m) => m.body.content === 'first')?.nonce, nonceFor('a1'));
    assert.ok(nonceFor('a1').length <= 25);
    assert.equal((await stores.outbox.get('a1'))?.state, 'sent');
    assert.equal(await stores.outbox.depth(), 0);
  });

  it('a retry of an entry Discord already has (crash before markSent) creates no duplicate', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await stores.outbox.enqueueMany([entry('a1', 'c1', 'first')]);
    // Simulate the crash: the message reached Discord, but the outbox never heard back.
    await discord.createMessage('c1', { content: 'first' }, nonceFor('a1'));
    await publisherWith({ stores, discord }).drain();
    assert.equal(discord.sent.length, 1);
    assert.equal((await stores.outbox.get('a1'))?.messageId, discord.sent[0]?.id);
  });

  it('retries transient failures with backoff and leaves the entry pending when they persist', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    const sleeps: number[] = [];
    discord.failChannel('c1', apiError(502, 0, 'Bad Gateway'));
    await stores.outbox.enqueueMany([entry('a1', 'c1', 'x'), entry('a2', 'c1', 'y')]);
    const publisher = publisherWith({ stores, discord, sleep: async (ms) => void sleeps.push(ms) }, { attempts: 3, backoffMs: 10 });
    const report = await publisher.drain();
    assert.equal(report.sent, 0);
    assert.equal(report.pending, 2);
    assert.deepEqual(sleeps, [10, 20]);
    assert.equal((await stores.outbox.get('a1'))?.attempts, 3);
    discord.failChannel('c1', undefined);
    const second = await publisher.drain();
    assert.equal(second.sent, 2);
    assert.deepEqual(discord.sent.map((m) => m.body.content), ['x', 'y']);
  });

  it('a channel that keeps refusing (403) is switched off after repeated runs; other channels still get everything', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await channel(stores, 'bad');
    await channel(stores, 'good');
    discord.failChannel('bad', apiError(403, 50013, 'Missing Permissions'));
    await stores.outbox.enqueueMany([entry('b1', 'bad', 'x'), entry('g1', 'good', 'y')]);
    const publisher = publisherWith({ stores, discord }, { disableAfter: 2 });
    const first = await publisher.drain();
    assert.equal(first.sent, 1);
    assert.equal((await stores.channels.get('bad'))?.failures, 1);
    assert.equal((await stores.channels.get('bad'))?.disabled, null);
    assert.equal((await stores.outbox.get('b1'))?.state, 'pending');
    const second = await publisher.drain();
    assert.equal(second.failed, 1);
    const bad = await stores.channels.get('bad');
    assert.match(bad?.disabled?.reason ?? '', /50013 Missing Permissions/);
    assert.equal((await stores.outbox.get('b1'))?.state, 'failed');
    assert.ok(problemSentences(second.problems).some((p) => p.includes('/digest channel add')));
    assert.deepEqual(discord.sent.map((m) => m.channelId), ['good']);
  });

  it('reports a refusal to the policy with the target’s queued entries, and follows its decision', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    discord.failChannel('c1', apiError(404, 10003, 'Unknown Channel'));
    await stores.outbox.enqueueMany([entry('a1', 'c1', 'x'), entry('a2', 'c1', 'y'), entry('b1', 'c2', 'z')]);
    const seen: Refusal[] = [];
    let decision: RefusalDecision = { giveUp: false, problems: [{ key: 'problem.fenced' }] };
    const refusals = { onRefused: async (refusal: Refusal) => (seen.push(refusal), decision) };
    const publisher = createPublisher({ stores, discord, log: silentLog(), refusals });
    const kept = await publisher.drain();
    assert.deepEqual(seen.map((r) => [r.target, r.reason, r.entries.map((e) => e.id)]), [
      [{ kind: 'channel', channelId: 'c1', guildId: 'g1' }, '10003 Unknown Channel', ['a1', 'a2']],
    ]);
    assert.deepEqual([kept.sent, kept.pending, kept.failed], [1, 2, 0]);
    assert.deepEqual(kept.problems, [{ key: 'problem.fenced' }], 'the policy’s problems are the report’s');
    assert.equal((await stores.outbox.get('a2'))?.state, 'pending');
    decision = { giveUp: true, problems: [] };
    const given = await publisher.drain();
    assert.deepEqual([given.sent, given.pending, given.failed], [0, 0, 2]);
    assert.equal((await stores.outbox.get('a1'))?.state, 'failed');
    assert.equal((await stores.outbox.get('a2'))?.state, 'failed');
  });

  it('posts thread messages in the thread started on the header message', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await stores.outbox.enqueueMany([entry('h', 'c1', 'header'), entry('p1', 'c1', 'paper', { headerId: 'h', name: 'Digest' })]);
    await publisherWith({ stores, discord }).drain();
    const header = discord.sent.find((m) => m.body.content === 'header');
    const paper = discord.sent.find((m) => m.body.content === 'paper');
    assert.ok(header && paper);
    assert.equal(paper.channelId, header.id, 'a thread started on a message has the message id');
  });

  it('concurrent drains share one pass (no double send)', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await stores.outbox.enqueueMany([entry('a1', 'c1', 'x')]);
    const publisher = publisherWith({ stores, discord });
    const [a, b] = await Promise.all([publisher.drain(), publisher.drain()]);
    assert.equal(a, b);
    assert.equal(discord.sent.length, 1);
  });
});
