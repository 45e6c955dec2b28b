/**
 * Connects the metrics to a running bot: the Discord client (gateway shards, REST rate limits), the store (latency,
 * outbox depth, the /healthz read) and the server on `METRICS_HOST:METRICS_PORT` (port 0: no server, the hooks
 * still count). `startBot` calls {@link wireMetrics} once, after the store is open and the client is built, and
 * passes the returned hooks to the router, the publisher and the ingest step.
 */
import { RESTEvents, Status, type Client, type RateLimitData } from 'discord.js';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Stores } from '../store/index.ts';
import { createMetrics, type IngestObservation, type Metrics, type ShardState } from './registry.ts';
import { startMetricsServer, type HealthChecks, type MetricsServer } from './server.ts';
import { instrumentKv } from './store.ts';

/** What {@link wireMetrics} needs. */
export interface WireMetricsDeps {
  client: Client;
  stores: Stores;
  config: Pick<Config, 'metricsHost' | 'metricsPort'>;
  log: Logger;
  /** Listen here instead of the configured address (tests: `{ host: '127.0.0.1', port: 0 }` = any free port). */
  listen?: { host: string; port: number };
}

/** The wired metrics: hooks for the bot's parts, and how to stop. */
export interface WiredMetrics {
  metrics: Metrics;
  /** `http://host:port` of /healthz and /metrics, or undefined when METRICS_PORT is 0. */
  url: string | undefined;
  /** For `createRouter({ observe })`. */
  routerObserve: (kind: string, command: string, seconds: number, ok: boolean) => void;
  /** For `createPublisher({ observe })`. */
  publisherObserve: (event: 'sent' | 'failed' | 'retry') => void;
  /** Counts an ingest run's new papers and digests; returns the report so it can wrap `ingestFolder(…)`. */
  ingestObserve: <T extends IngestObservation>(report: T) => T;
  /** Stops the server and unhooks the client and the store. */
  close(): Promise<void>;
}

/** The shards of the client, as the gauges and /healthz see them. */
export function shardStates(client: Pick<Client, 'ws'>): ShardState[] {
  return [...client.ws.shards.values()].map((shard) => ({ id: shard.id, status: shard.status, ready: shard.status === Status.Ready }));
}

/** Null when every shard is ready, else why not (`shard 0: Disconnected`). */
export function gatewayProblem(shards: readonly ShardState[]): string | null {
  if (shards.length === 0) return 'not connected';
  const down = shards.filter((s) => !s.ready);
  if (down.length === 0) return null;
  return down.map((s) => `shard ${s.id}: ${Status[s.status] ?? s.status}`).join(', ');
}

/** Builds the metrics over the bot's client and store and starts the server (unless METRICS_PORT is 0). */
export async function wireMetrics(deps: WireMetricsDeps): Promise<WiredMetrics> {
  const { client, stores, log } = deps;
  const metrics = createMetrics({
    outboxDepth: () => stores.outbox.depth(),
    shards: () => shardStates(client),
    onCollectError: (what, error) => log.warn({ err: error, what }, 'metrics: could not read a gauge'),
  });
  const timing = instrumentKv(stores.kv, metrics.observeStore);
  const onRateLimited = (info: RateLimitData) => metrics.observeRateLimit(info);
  client.rest.on(RESTEvents.RateLimited, onRateLimited);
  const unhook = () => {
    client.rest.off(RESTEvents.RateLimited, onRateLimited);
    timing.undo();
  };

  const health: HealthChecks = {
    gateway: () => gatewayProblem(shardStates(client)),
    // The smallest read every store has (through the same Kv and retries the bot uses), and for SQLite a check that
    // the file is still there: a deleted file keeps taking writes that the next start would not see.
    store: () => stores.check(),
  };
  const listen = deps.listen ?? { host: deps.config.metricsHost, port: deps.config.metricsPort };
  let server: MetricsServer | undefined;
  if (deps.listen || deps.config.metricsPort !== 0) {
    try {
      server = await startMetricsServer({
        ...listen,
        metrics,
        health,
        onError: (error) => log.warn({ err: error }, 'metrics request failed'),
      });
    } catch (error) {
      // Metrics are for operators; a taken port (two bot processes on one host) must not keep the bot from posting.
      log.error({ err: error }, 'metrics not served; the bot runs on without /metrics and /healthz');
    }
    if (server) log.info({ url: `${server.url}/metrics`, health: `${server.url}/healthz` }, 'metrics served');
  }

  return {
    metrics,
    url: server?.url,
    routerObserve: metrics.observeInteraction,
    publisherObserve: metrics.observePublisher,
    ingestObserve(report) {
      metrics.observeIngest(report);
      return report;
    },
    async close() {
      unhook();
      await server?.close();
    },
  };
}
