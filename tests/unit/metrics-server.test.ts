import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { Client, RESTEvents, Status } from 'discord.js';
import { createMetrics } from '../../src/metrics/registry.ts';
import { startMetricsServer, type HealthChecks } from '../../src/metrics/server.ts';
import { gatewayProblem, wireMetrics } from '../../src/metrics/wire.ts';
import { memoryStores } from '../../src/store/index.ts';
import { silentLog } from '../helpers/log.ts';
import { parseExposition, valueOf } from './metrics-exposition.ts';

async function get(url: string, method = 'GET'): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(url, { method });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('metrics server', () => {
  it('refuses a foreign Host header as the preview does (issue 15)', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: createMetrics({}, { processMetrics: false }), health: { gateway: () => null, store: async () => 0 } });
    try {
      const { request } = await import('node:http');
      const withHost = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(`${server.url}/metrics`, { headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      assert.equal(await withHost('evil.example:80'), 403);
      assert.equal(await withHost('attacker.localhost.example'), 403);
      assert.equal(await withHost(`localhost:${server.port}`), 200);
      assert.equal(await withHost(`127.0.0.1:${server.port}`), 200);
      assert.equal(await withHost(`[::1]:${server.port}`), 200);
    } finally {
      await server.close();
    }
  });

  it('answers /healthz 503 saying which part is down, then 200 when all is well', async () => {
    let gateway: string | null = 'shard 0: Connecting';
    let store: () => Promise<unknown> = async () => 1;
    const health: HealthChecks = { gateway: () => gateway, store: () => store() };
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: createMetrics({}, { processMetrics: false }), health, healthTimeoutMs: 200 });
    try {
      let res = await get(`${server.url}/healthz`);
      assert.equal(res.status, 503);
      assert.equal(res.type, 'application/json');
      assert.deepEqual(JSON.parse(res.body), { status: 'unavailable', gateway: 'shard 0: Connecting', store: 'ok', storeSeconds: (JSON.parse(res.body) as { storeSeconds: number }).storeSeconds });

      gateway = null;
      res = await get(`${server.url}/healthz`);
      assert.equal(res.status, 200);
      const ok = JSON.parse(res.body) as { status: string; gateway: string; store: string; storeSeconds: number };
      assert.equal(ok.status, 'ok');
      assert.equal(ok.gateway, 'ready');
      assert.equal(ok.store, 'ok');
      assert.ok(ok.storeSeconds >= 0);

      store = async () => Promise.reject(new Error('store redis://127.0.0.1:6379 unavailable during get: ECONNREFUSED'));
      res = await get(`${server.url}/healthz`);
      assert.equal(res.status, 503);
      assert.match((JSON.parse(res.body) as { store: string }).store, /^error: store redis:\/\/127\.0\.0\.1:6379 unavailable/);

      // A store that hangs (retrying) must not hang the health check.
      store = () => new Promise(() => {});
      const started = performance.now();
      res = await get(`${server.url}/healthz`);
      assert.equal(res.status, 503);
      assert.equal((JSON.parse(res.body) as { store: string }).store, 'no answer within 0.2 s');
      assert.ok(performance.now() - started < 2000);

      assert.equal((await get(`${server.url}/healthz`, 'HEAD')).body, '');
    } finally {
      await server.close();
    }
  });

  it('serves /metrics in the Prometheus text format, 404 elsewhere, 405 for other methods', async () => {
    const metrics = createMetrics({}, { processMetrics: false });
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, health: { gateway: () => null, store: async () => 0 } });
    try {
      metrics.observePublisher('sent');
      let res = await get(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.type ?? '', /^text\/plain; version=0\.0\.4/);
      assert.equal(valueOf(parseExposition(res.body).samples, 'arxiv_digest_messages_sent_total'), 1);
      metrics.observePublisher('sent');
      res = await get(`${server.url}/metrics?x=1`);
      assert.equal(valueOf(parseExposition(res.body).samples, 'arxiv_digest_messages_sent_total'), 2, 'the counter moved');

      assert.equal((await get(`${server.url}/`)).status, 404);
      assert.equal((await get(`${server.url}/metrics/extra`)).status, 404);
      assert.equal((await get(`${server.url}/metrics`, 'POST')).status, 405);
    } finally {
      await server.close();
    }
  });

  it('says what to change when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await assert.rejects(
        startMetricsServer({ host: '127.0.0.1', port, metrics: createMetrics({}, { processMetrics: false }), health: { gateway: () => null, store: async () => 0 } }),
        new RegExp(`^Error: cannot serve metrics on 127\\.0\\.0\\.1:${port}: the port is in use — set METRICS_PORT`),
      );
    } finally {
      blocker.close();
    }
  });
});

describe('wireMetrics', () => {
  it('hooks the client and the store, serves them, and unhooks on close', async () => {
    const stores = await memoryStores();
    const client = new Client({ intents: [] });
    const originalGet = stores.kv.get;
    const wired = await wireMetrics({
      client,
      stores,
      config: { metricsHost: '127.0.0.1', metricsPort: 9464 },
      log: silentLog(),
      listen: { host: '127.0.0.1', port: 0 },
    });
    try {
      assert.ok(wired.url);
      const res = await get(`${wired.url}/healthz`);
      assert.equal(res.status, 503);
      assert.equal((JSON.parse(res.body) as { gateway: string }).gateway, 'not connected');

      await stores.outbox.enqueueMany([{ id: 'm1', target: { kind: 'channel', channelId: 'c', guildId: 'g' }, body: {}, paperIds: [] }]);
      client.rest.emit(RESTEvents.RateLimited, {
        global: false, hash: 'h', limit: 5, majorParameter: 'c', method: 'POST', retryAfter: 800, route: '/channels/:id/messages',
        scope: 'user', sublimitTimeout: 0, timeToReset: 800, url: 'https://discord.com/api/v10/channels/1/messages',
      });
      wired.routerObserve('command', 'digest', 0.05, true);
      wired.publisherObserve('failed');
      const report = wired.ingestObserve({ added: [{}, {}], digests: [{ status: 'ok' }], extra: 'kept' });
      assert.equal(report.extra, 'kept', 'ingestObserve hands the report back');

      const { samples } = parseExposition((await get(`${wired.url}/metrics`)).body);
      assert.equal(valueOf(samples, 'arxiv_digest_outbox_depth'), 1);
      assert.equal(valueOf(samples, 'arxiv_digest_rate_limit_waits_total', { global: 'false' }), 1);
      assert.equal(valueOf(samples, 'arxiv_digest_interaction_duration_seconds_count', { command: 'digest' }), 1);
      assert.equal(valueOf(samples, 'arxiv_digest_messages_failed_total'), 1);
      assert.equal(valueOf(samples, 'arxiv_digest_papers_ingested_total'), 2);
      assert.ok((valueOf(samples, 'arxiv_digest_store_operation_duration_seconds_count', { op: 'setMany', outcome: 'ok' }) ?? 0) >= 1);
    } finally {
      await wired.close();
      await client.destroy();
    }
    assert.equal(client.rest.listenerCount(RESTEvents.RateLimited), 0);
    assert.equal(stores.kv.get, originalGet);
    await assert.rejects(fetch(`${wired.url}/healthz`));
    await stores.close();
  });

  it('starts no server when METRICS_PORT is 0, but the hooks still count', async () => {
    const stores = await memoryStores();
    const client = new Client({ intents: [] });
    const wired = await wireMetrics({ client, stores, config: { metricsHost: '127.0.0.1', metricsPort: 0 }, log: silentLog() });
    wired.publisherObserve('sent');
    assert.equal(wired.url, undefined);
    assert.equal(valueOf(parseExposition(await wired.metrics.scrape()).samples, 'arxiv_digest_messages_sent_total'), 1);
    await wired.close();
    await client.destroy();
    await stores.close();
  });

  it('reports the gateway ready only when every shard is', () => {
    assert.equal(gatewayProblem([]), 'not connected');
    assert.equal(gatewayProblem([{ id: 0, ready: true, status: Status.Ready }]), null);
    assert.equal(
      gatewayProblem([
        { id: 0, ready: true, status: Status.Ready },
        { id: 1, ready: false, status: Status.Resuming },
      ]),
      'shard 1: Resuming',
    );
  });
});
