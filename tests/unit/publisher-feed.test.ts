/**
 * Issue 18: delivery starts while planning continues. Entries pushed to the drain's feed are sent as they come, in
 * order per target (a thread's messages after its header), and the drain ends only once the feed is closed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiscordAPIError } from 'discord.js';
import { memoryDiscordPort } from '../../src/discord/discord-port.ts';
import { createDeliveryFeed, createPublisher, type OutboxBody, type PublisherDeps, type PublisherOptions } from '../../src/discord/publisher.ts';
import { createRefusalPolicy } from '../../src/jobs/refusals.ts';
import { memoryStores, type NewOutboxEntry } from '../../src/store/index.ts';
import { silentLog } from '../helpers/log.ts';

function entry(id: string, channelId: string, content: string): NewOutboxEntry {
  const body: OutboxBody = { message: { content, allowed_mentions: { parse: [] } } };
  return { id: `sub:${id}`, target: { kind: 'channel', channelId, guildId: 'g1' }, body, paperIds: [id] };
}
/** A publisher with the real refusal policy. */
function publisherWith(deps: Omit<PublisherDeps, 'log' | 'refusals'>, options: PublisherOptions = {}) {
  const refusals = createRefusalPolicy({ stores: deps.stores, discord: deps.discord, log: silentLog(), now: () => new Date(0) });
  return createPublisher({ ...deps, log: silentLog(), refusals }, options);
}
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(ok(), 'timed out');
};

describe('publisher with a feed', () => {
  it('sends the first batch before the next is planned, keeps order per target, and ends after close', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    await stores.outbox.enqueueMany([entry('old', 'c1', 'left over')]);
    const feed = createDeliveryFeed();
    const publisher = publisherWith({ stores, discord });
    let finished = false;
    const drained = publisher.drain(feed).then((report) => ((finished = true), report));
    // Planning batch 1.
    feed.push(await stores.outbox.enqueueMany([entry('a1', 'c1', 'one'), entry('b1', 'c2', 'b one')]));
    await until(() => discord.sent.length === 3);
    assert.equal(finished, false, 'the drain waits for the rest of the plan');
    // Batch 2, and an id pushed twice (ignored the second time).
    const second = await stores.outbox.enqueueMany([entry('a2', 'c1', 'two'), entry('b2', 'c2', 'b two')]);
    feed.push(second);
    feed.push(second);
    // Planned by a path that does not feed the drain (weekly posts): the final sweep at close sends it too.
    await stores.outbox.enqueueMany([entry('w1', 'c3', 'weekly')]);
    feed.close();
    const report = await drained;
    assert.equal(report.sent, 6);
    assert.deepEqual(discord.sent.filter((m) => m.channelId === 'c3').map((m) => m.body.content), ['weekly']);
    assert.deepEqual(discord.sent.filter((m) => m.channelId === 'c1').map((m) => m.body.content), ['left over', 'one', 'two']);
    assert.deepEqual(discord.sent.filter((m) => m.channelId === 'c2').map((m) => m.body.content), ['b one', 'b two']);
    assert.equal(await stores.outbox.depth(), 0);
  });

  it('a target that failed transiently gets nothing more in this drain: later entries wait, in order', async () => {
    const stores = await memoryStores();
    const discord = memoryDiscordPort();
    discord.failChannel('c1', new DiscordAPIError({ code: 0, message: 'Bad Gateway' }, 0, 502, 'POST', '/channels/c1/messages', {}));
    const feed = createDeliveryFeed();
    const publisher = publisherWith({ stores, discord, sleep: async () => {} }, { attempts: 1 });
    const drained = publisher.drain(feed);
    feed.push(await stores.outbox.enqueueMany([entry('a1', 'c1', 'one')]));
    await new Promise((r) => setTimeout(r, 20));
    feed.push(await stores.outbox.enqueueMany([entry('a2', 'c1', 'two'), entry('b1', 'c2', 'fine')]));
    feed.close();
    const report = await drained;
    assert.equal(report.sent, 1);
    assert.equal(report.pending, 2);
    assert.deepEqual((await stores.outbox.pending()).map((e) => e.id), ['sub:a1', 'sub:a2']);
  });
});
