/**
 * Issue 7 end to end: `/metrics` of the real bot (served by `startBot` on METRICS_PORT), scraped while it runs
 * against the local Discord, shows the counters moving; `/healthz` follows the gateway.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { RunningBot } from '../../src/bot.ts';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { digestMarkdown, rows } from '../helpers/digests.ts';
import { reply } from '../helpers/replies.ts';
import { parseExposition, valueOf } from '../unit/metrics-exposition.ts';

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('metrics and health of the running bot', () => {
  let world: TestWorld;
  let bot: RunningBot;
  let url: string;
  let admin: string;
  let papers: string;

  const scrape = async () => {
    const response = await fetch(`${url}/metrics`);
    assert.equal(response.status, 200);
    return parseExposition(await response.text()).samples;
  };
  const health = async () => {
    const response = await fetch(`${url}/healthz`);
    return { status: response.status, body: (await response.json()) as { status: string; gateway: string; store: string } };
  };

  before(async () => {
    // A tight message limit, so posting one digest waits for Discord's rate limit at least once.
    world = await createWorld({ rateLimits: { messages: { limit: 1, windowMs: 400 } } });
    const role = world.discord.addRole(world.discord.guildId, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
    admin = world.discord.addMember(world.discord.guildId, { roles: [role.id] }).user.id;
    papers = world.discord.addChannel(world.discord.guildId, { name: 'papers' }).id;
    await world.deploy();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    bot = await world.start({ METRICS_PORT: String(port), DIGEST_CHANNEL_IDS: papers });
  });
  after(async () => {
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

  it('counts a /digest run: interaction latency, papers, digests, messages sent, rate-limit waits, store time', async () => {
    const storeOps = (samples: Awaited<ReturnType<typeof scrape>>) =>
      samples.filter((s) => s.name === 'arxiv_digest_store_operation_duration_seconds_count').reduce((sum, s) => sum + s.value, 0);
    const opsBefore = storeOps(await scrape());
    writeFileSync(join(world.digestDir, '2026-04-01-arxiv.md'), digestMarkdown('2026-04-01', rows(25, 80000)));
    const record = await world.discord.interact(
      { kind: 'command', name: 'digest', options: [{ type: 1, name: 'run' }], channelId: papers, userId: admin },
      { timeoutMs: 20_000 },
    );
    await world.discord.waitFor(record, (r) => reply(r).content.length > 0, 20_000);
    assert.match(reply(record).content, /25 new papers, 3 messages sent/);

    const samples = await scrape();
    assert.equal(valueOf(samples, 'arxiv_digest_papers_ingested_total'), 25);
    assert.equal(valueOf(samples, 'arxiv_digest_digests_total', { status: 'ok' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_messages_sent_total'), world.discord.messages(papers).length);
    assert.equal(valueOf(samples, 'arxiv_digest_outbox_depth'), 0);
    assert.ok((valueOf(samples, 'arxiv_digest_rate_limit_waits_total', { global: 'false' }) ?? 0) >= 1, 'a rate-limit wait was counted');
    const interactions = samples.filter((s) => s.name === 'arxiv_digest_interaction_duration_seconds_count' && s.labels.command === 'digest');
    assert.equal(interactions.reduce((n, s) => n + s.value, 0), 1, 'the /digest run interaction was timed');
    assert.ok(storeOps(samples) > opsBefore + 10, 'store operations were timed');
  });

  it('answers 503, saying so, once the gateway is gone', async () => {
    assert.equal((await health()).status, 200);
    await bot.client.destroy();
    const down = await health();
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'unavailable');
    assert.match(down.body.gateway, /^(shard 0: \w+|not connected)$/);
    assert.equal(down.body.store, 'ok');
    assert.notEqual(valueOf(await scrape(), 'arxiv_digest_gateway_up', { shard: '0' }), 1);
  });
});
