import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register as globalRegistry } from 'prom-client';
import { createMetrics, type ShardState } from '../../src/metrics/registry.ts';
import { instrumentKv } from '../../src/metrics/store.ts';
import { memoryStores } from '../../src/store/index.ts';
import { parseExposition, valueOf } from './metrics-exposition.ts';

describe('metrics registry', () => {
  it('counts ingest, deliveries, rate limits, interactions and store operations, in the text format', async () => {
    const metrics = createMetrics({}, { processMetrics: false });
    const before = parseExposition(await metrics.scrape());
    assert.equal(valueOf(before.samples, 'arxiv_digest_papers_ingested_total'), 0);
    assert.equal(valueOf(before.samples, 'arxiv_digest_messages_sent_total'), 0);

    metrics.observeIngest({ added: [1, 2, 3], digests: [{ status: 'ok' }, { status: 'ok' }, { status: 'failed' }] });
    metrics.observeIngest({ added: [], digests: [{ status: 'empty' }] });
    for (const event of ['sent', 'sent', 'failed', 'retry'] as const) metrics.observePublisher(event);
    metrics.observeRateLimit({ global: false, timeToReset: 1500 });
    metrics.observeRateLimit({ global: true, timeToReset: 500 });
    metrics.observeInteraction('command', 'paper', 0.2, true);
    metrics.observeInteraction('command', 'paper', 4, false);
    metrics.observeInteraction('autocomplete', 'paper', 0.01, true);
    metrics.observeStore('get', 0.002, true);

    const { samples, types } = parseExposition(await metrics.scrape());
    assert.equal(types.get('arxiv_digest_papers_ingested_total'), 'counter');
    assert.equal(types.get('arxiv_digest_interaction_duration_seconds'), 'histogram');
    assert.equal(types.get('arxiv_digest_outbox_depth'), 'gauge');
    assert.equal(valueOf(samples, 'arxiv_digest_papers_ingested_total'), 3);
    assert.equal(valueOf(samples, 'arxiv_digest_digests_total', { status: 'ok' }), 2);
    assert.equal(valueOf(samples, 'arxiv_digest_digests_total', { status: 'failed' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_digests_total', { status: 'empty' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_messages_sent_total'), 2);
    assert.equal(valueOf(samples, 'arxiv_digest_messages_failed_total'), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_message_retries_total'), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_rate_limit_waits_total', { global: 'false' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_rate_limit_waits_total', { global: 'true' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_rate_limit_wait_seconds_total'), 2);
    const paper = { kind: 'command', command: 'paper' };
    assert.equal(valueOf(samples, 'arxiv_digest_interaction_duration_seconds_count', { ...paper, outcome: 'ok' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_interaction_duration_seconds_count', { ...paper, outcome: 'error' }), 1);
    // 4 s is past Discord's 3 s window: in the 5 s bucket, not the 3 s one.
    assert.equal(valueOf(samples, 'arxiv_digest_interaction_duration_seconds_bucket', { ...paper, outcome: 'error', le: '3' }), 0);
    assert.equal(valueOf(samples, 'arxiv_digest_interaction_duration_seconds_bucket', { ...paper, outcome: 'error', le: '5' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_interaction_duration_seconds_count', { kind: 'autocomplete' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_store_operation_duration_seconds_count', { op: 'get', outcome: 'ok' }), 1);
  });

  it('reads outbox depth and gateway shards on each scrape', async () => {
    let depth = 4;
    let shards: ShardState[] = [{ id: 0, ready: false, status: 5 }];
    const metrics = createMetrics({ outboxDepth: async () => depth, shards: () => shards }, { processMetrics: false });
    let { samples } = parseExposition(await metrics.scrape());
    assert.equal(valueOf(samples, 'arxiv_digest_outbox_depth'), 4);
    assert.equal(valueOf(samples, 'arxiv_digest_gateway_up', { shard: '0' }), 0);
    assert.equal(valueOf(samples, 'arxiv_digest_gateway_status', { shard: '0' }), 5);

    depth = 0;
    shards = [
      { id: 0, ready: true, status: 0 },
      { id: 1, ready: true, status: 0 },
    ];
    ({ samples } = parseExposition(await metrics.scrape()));
    assert.equal(valueOf(samples, 'arxiv_digest_outbox_depth'), 0);
    assert.equal(valueOf(samples, 'arxiv_digest_gateway_up', { shard: '0' }), 1);
    assert.equal(valueOf(samples, 'arxiv_digest_gateway_up', { shard: '1' }), 1);

    shards = [];
    ({ samples } = parseExposition(await metrics.scrape()));
    assert.equal(valueOf(samples, 'arxiv_digest_gateway_up', { shard: '0' }), undefined, 'a shard that is gone is not reported');
  });

  it('keeps scraping when the store cannot say the outbox depth', async () => {
    const errors: string[] = [];
    let fail = false;
    const metrics = createMetrics(
      { outboxDepth: async () => (fail ? Promise.reject(new Error('store down')) : 7), onCollectError: (what) => errors.push(what) },
      { processMetrics: false },
    );
    assert.equal(valueOf(parseExposition(await metrics.scrape()).samples, 'arxiv_digest_outbox_depth'), 7);
    fail = true;
    const { samples } = parseExposition(await metrics.scrape());
    assert.notEqual(valueOf(samples, 'arxiv_digest_outbox_depth'), 7, 'no stale value');
    assert.deepEqual(errors, ['outbox depth']);
  });

  it('uses a registry of its own: two bots do not share counters, the global registry stays empty', async () => {
    const a = createMetrics({}, { processMetrics: false });
    const b = createMetrics();
    a.observePublisher('sent');
    assert.equal(valueOf(parseExposition(await b.scrape()).samples, 'arxiv_digest_messages_sent_total'), 0);
    assert.ok(valueOf(parseExposition(await b.scrape()).samples, 'process_cpu_user_seconds_total') !== undefined, 'process metrics');
    assert.equal(globalRegistry.getSingleMetric('arxiv_digest_messages_sent_total'), undefined);
  });
});

describe('store latency', () => {
  it('times every key/value operation the repositories make, and can be undone', async () => {
    const stores = await memoryStores();
    const seen: { op: string; seconds: number; ok: boolean }[] = [];
    const timing = instrumentKv(stores.kv, (op, seconds, ok) => seen.push({ op, seconds, ok }));
    await stores.meta.set('k', 1);
    await stores.papers.count();
    assert.ok(seen.some((s) => s.op === 'set' && s.ok));
    assert.ok(seen.some((s) => s.op === 'get' && s.ok));
    assert.ok(seen.every((s) => s.seconds >= 0 && s.seconds < 5));

    const failing = stores.kv.get;
    stores.kv.get = async () => Promise.reject(new Error('boom'));
    const timed = instrumentKv(stores.kv, (op, seconds, ok) => seen.push({ op, seconds, ok }));
    await assert.rejects(stores.kv.get('x'), /boom/);
    assert.deepEqual(seen.at(-1)?.ok, false);
    timed.undo();
    stores.kv.get = failing;

    timing.undo();
    const count = seen.length;
    await stores.meta.set('k', 2);
    assert.equal(seen.length, count);
    await stores.close();
  });
});
