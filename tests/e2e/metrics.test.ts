/**
 * Issue 7 end to end: `/metrics` scraped while the real bot runs against the local Discord shows the counters
 * moving, and `/healthz` follows the gateway. The bot is started by `createWorld()`; metrics are wired onto it
 * with `wireMetrics` (as `startBot` will), and one digest run is made from the bot's own parts — ingest, plan,
 * a publisher over the bot's REST client — with the metrics hooks passed the way `startBot` passes them.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningBot } from '../../src/bot.ts';
import { restDiscordPort } from '../../src/discord/discord-port.ts';
import { createPublisher } from '../../src/discord/publisher.ts';
import { diskDigestFolder } from '../../src/jobs/digest-folder.ts';
import { ingestFolder } from '../../src/jobs/ingest.ts';
import { planDeliveries } from '../../src/jobs/plan.ts';
import { wireMetrics, type WiredMetrics } from '../../src/metrics/wire.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { silentLog } from '../helpers/log.ts';
import { parseExposition, valueOf } from '../unit/metrics-exposition.ts';

describe('metrics and health of the running bot', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let wired: WiredMetrics;
  let papers: string;

  const scrape = async () => {
    const response = await fetch(`${wired.url}/metrics`);
    assert.equal(response.status, 200);
    return parseExposition(await response.text()).samples;
  };
  const health = async () => {
    const response = await fetch(`${wired.url}/healthz`);
    return { status: response.status, body: (await response.json()) as { status: string; gateway: string; store: string } };
  };

  before(async () => {
    // A tight message limit, so posting one digest waits for Discord's rate limit at least once.
    world = await createWorld({ rateLimits: { messages: { limit: 1, windowMs: 300 } } });
    papers = world.discord.addChannel(world.discord.guildId, { name: 'papers' }).id;
    bot = await world.start();
    wired = await wireMetrics({ client: bot.client, stores: bot.app.stores, config: world.config, log: silentLog(), listen: { host: '127.0.0.1', port: 0 } });
  });
  after(async () => {
    await wired?.close();
    await world?.close();
  });

  it('is healthy once the gateway is ready, with nothing counted yet', async () => {
    const { status, body } = await health();
    assert.equal(status, 200);
    assert.deepEqual([body.status, body.gateway, body.store], ['ok', 'ready', 'ok']);
    const samples = await scrape();
    assert.equal(valueOf(samples, 'arxiv_digest_gateway_up', { shard: '0' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_papers_ingested_total'), 0);
    assert.equal(valueOf(samples, 'arxiv_digest_messages_sent_total'), 0);
    assert.equal(valueOf(samples, 'arxiv_digest_outbox_depth'), 0);
  });

  it('counts a digest run: papers ingested, digests, outbox depth, messages sent, rate-limit waits, store time', async () => {
    const { stores, archive } = bot.app;
    const log = silentLog();
    const storeOps = (samples: Awaited<ReturnType<typeof scrape>>) =>
      samples.filter((s) => s.name === 'arxiv_digest_store_operation_duration_seconds_count').reduce((sum, s) => sum + s.value, 0);
    const opsBefore = storeOps(await scrape());

    copyFileSync('digests/2025-11-23-arxiv.md', join(world.digestDir, '2025-11-23-arxiv.md'));
    await stores.channels.put({
      guildId: world.discord.guildId, channelId: papers, sources: null, mode: 'compact', notices: false, disabled: null, failures: 0,
      addedBy: 'test', addedAt: new Date().toISOString(),
    });
    const ingest = wired.ingestObserve(await ingestFolder({ archive, folder: diskDigestFolder(world.digestDir), log }));
    const planned = await planDeliveries({ stores, log, backlog: 3 }, ingest);
    assert.ok(planned >= 1);
    let samples = await scrape();
    assert.equal(valueOf(samples, 'arxiv_digest_papers_ingested_total'), 10);
    assert.equal(valueOf(samples, 'arxiv_digest_digests_total', { status: 'ok' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_outbox_depth'), planned);

    // Two posts in the same window: the second waits for the limit the first response announced.
    await bot.client.rest.post(`/channels/${papers}/messages`, { body: { content: 'warming up', allowed_mentions: { parse: [] } } });
    const publisher = createPublisher({ stores, discord: restDiscordPort(bot.client.rest), log, observe: wired.publisherObserve });
    const report = await publisher.drain();
    assert.equal(report.sent, planned);
    samples = await scrape();
    assert.equal(valueOf(samples, 'arxiv_digest_messages_sent_total'), planned);
    assert.equal(world.discord.messages(papers).length, planned + 1);
    assert.equal(valueOf(samples, 'arxiv_digest_outbox_depth'), 0);
    assert.ok((valueOf(samples, 'arxiv_digest_rate_limit_waits_total', { global: 'false' }) ?? 0) >= 1, 'a rate-limit wait was counted');
    assert.ok(storeOps(samples) > opsBefore + 10, 'store operations were timed');
  });

  it('answers 503 while the gateway is down, and 200 again once it resumed', async () => {
    world.discord.dropGateway(0, 'tcp');
    const down = await health();
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'unavailable');
    assert.match(down.body.gateway, /^shard 0: /);
    assert.equal(valueOf(await scrape(), 'arxiv_digest_gateway_up', { shard: '0' }), 0);

    await world.discord.waitForGateway(10_000);
    // The bot sees RESUMED a moment after the server does.
    for (let i = 0; i < 50 && (await health()).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await health()).status, 200);
    assert.equal(valueOf(await scrape(), 'arxiv_digest_gateway_up', { shard: '0' }), 1);
  });
});
