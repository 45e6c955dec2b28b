import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscordAPIError } from 'discord.js';
import { memoryDiscordPort } from '../../src/discord/discord-port.ts';
import { createPublisher, nonceFor, type OutboxBody } from '../../src/discord/publisher.ts';
import { memoryStores, type NewOutboxEntry, type Stores } from '../../src/store/index.ts';
import { silentLog } from '../helpers/log.ts';

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
    const report = await createPublisher({ stores, discord, log: silentLog() }).drain();
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
    await createPublisher({ stores, discord, log: silentLog() }).drain();
    assert.equal(discord.sent.length, 1);
    assert.equal((await stores.outbox.get('a1'))?.messageId, discord.sent[0]?.id);
  });

  it('retries transient failures with backoff and leaves the entry pending when they persist', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    const sleeps: number[] = [];
    discord.failChannel('c1', apiError(502, 0, 'Bad Gateway'));
    await stores.outbox.enqueueMany([entry('a1', 'c1', 'x'), entry('a2', 'c1', 'y')]);
    const publisher = createPublisher({ stores, discord, log: silentLog(), sleep: async (ms) => void sleeps.push(ms) }, { attempts: 3, backoffMs: 10 });
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
    const publisher = createPublisher({ stores, discord, log: silentLog() }, { disableAfter: 2 });
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
    assert.ok(second.problems.some((p) => p.includes('/digest channel add')));
    assert.deepEqual(discord.sent.map((m) => m.channelId), ['good']);
  });

  it('posts thread messages in the thread started on the header message', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await stores.outbox.enqueueMany([entry('h', 'c1', 'header'), entry('p1', 'c1', 'paper', { headerId: 'h', name: 'Digest' })]);
    await createPublisher({ stores, discord, log: silentLog() }).drain();
    const header = discord.sent.find((m) => m.body.content === 'header');
    const paper = discord.sent.find((m) => m.body.content === 'paper');
    assert.ok(header && paper);
    assert.equal(paper.channelId, header.id, 'a thread started on a message has the message id');
  });

  it('concurrent drains share one pass (no double send)', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await stores.outbox.enqueueMany([entry('a1', 'c1', 'x')]);
    const publisher = createPublisher({ stores, discord, log: silentLog() });
    const [a, b] = await Promise.all([publisher.drain(), publisher.drain()]);
    assert.equal(a, b);
    assert.equal(discord.sent.length, 1);
  });
});
