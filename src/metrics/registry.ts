/**
 * The bot's Prometheus metrics (issue 7), in a registry of their own — never prom-client's global one, so two
 * bots in one process (the tests) do not share counters. Counters are moved by small `observe…` functions whose
 * shapes match the hooks of the router, the publisher and ingest; the gauges that describe state (outbox depth,
 * gateway) are read on scrape from callbacks, so they are never stale and cost nothing between scrapes.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A gateway shard as the gauge sees it. */
export interface ShardState {
  id: number;
  /** True when the shard is connected and has received READY (or RESUMED). */
  ready: boolean;
  /** discord.js `Status` (0 Ready … 8 Resuming), exported as is for dashboards that want the detail. */
  status: number;
}

/** Where the scrape-time gauges read from; any of them may be absent (then the gauge has no sample). */
export interface MetricsSources {
  /** Pending outbox entries (`stores.outbox.depth()`). */
  outboxDepth?: () => Promise<number>;
  /** The gateway shards of this process. */
  shards?: () => ShardState[];
  /** Reports a source that failed during a scrape (the scrape itself goes on). */
  onCollectError?: (what: string, error: unknown) => void;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
}

/** What ingest reports to metrics (a structural subset of `IngestReport`). */
export interface IngestObservation {
  added: readonly unknown[];
  digests: readonly { status: string }[];
}

/** What discord.js REST emits as `rateLimited` (the fields we use). */
export interface RateLimitObservation {
  global: boolean;
  /** How long the request waits, in ms. */
  timeToReset: number;
}

/** The metrics of one bot. */
export interface Metrics {
  registry: Registry;
  /** Router hook: `createRouter({ …, observe: metrics.observeInteraction })`. */
  observeInteraction(kind: string, command: string, seconds: number, ok: boolean): void;
  /** Publisher hook: `createPublisher({ …, observe: metrics.observePublisher })`. */
  observePublisher(event: 'sent' | 'failed' | 'retry'): void;
  /** Counts what an ingest run stored. */
  observeIngest(report: IngestObservation): void;
  /** Counts a request that waited for a Discord rate limit. */
  observeRateLimit(info: RateLimitObservation): void;
  /** Times one store operation (`op`: get, getMany, set, …). */
  observeStore(op: string, seconds: number, ok: boolean): void;
  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string>;
  /** Content-Type of {@link scrape}'s output. */
  contentType: string;
}

/** Creates the registry and every metric in it. */
export function createMetrics(sources: MetricsSources = {}, options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const papersIngested = new Counter({
    name: 'arxiv_digest_papers_ingested_total',
    help: 'Papers new to the archive, stored by ingest.',
    registers: [registry],
  });
  const digests = new Counter({
    name: 'arxiv_digest_digests_total',
    help: 'Digests seen by ingest, by status (ok, empty, failed).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const sent = new Counter({ name: 'arxiv_digest_messages_sent_total', help: 'Outbox messages Discord accepted.', registers: [registry] });
  const failed = new Counter({
    name: 'arxiv_digest_messages_failed_total',
    help: 'Outbox messages given up on (rejected by Discord, or their channel switched off).',
    registers: [registry],
  });
  const retries = new Counter({
    name: 'arxiv_digest_message_retries_total',
    help: 'Transient failures of outbox messages that will be retried.',
    registers: [registry],
  });
  const rateLimits = new Counter({
    name: 'arxiv_digest_rate_limit_waits_total',
    help: 'Discord requests that waited for a rate limit, by whether the limit was global.',
    labelNames: ['global'] as const,
    registers: [registry],
  });
  const rateLimitSeconds = new Counter({
    name: 'arxiv_digest_rate_limit_wait_seconds_total',
    help: 'Time Discord requests spent waiting for rate limits.',
    registers: [registry],
  });
  const interactions = new Histogram({
    name: 'arxiv_digest_interaction_duration_seconds',
    help: 'Time to handle an interaction, by kind (command, autocomplete, component), command and outcome.',
    labelNames: ['kind', 'command', 'outcome'] as const,
    // Discord's 3 s answer window sits in the middle of the scale.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
    registers: [registry],
  });
  const store = new Histogram({
    name: 'arxiv_digest_store_operation_duration_seconds',
    help: 'Time of store (Keyv) operations, by operation and outcome, retries included.',
    labelNames: ['op', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'arxiv_digest_outbox_depth',
    help: 'Outbox messages waiting to be sent.',
    registers: [registry],
    async collect() {
      if (!sources.outboxDepth) return;
      try {
        this.set(await sources.outboxDepth());
      } catch (error) {
        // A store that is down must not break the scrape; /healthz says so, and the old value is dropped.
        this.reset();
        sources.onCollectError?.('outbox depth', error);
      }
    },
  });
  new Gauge({
    name: 'arxiv_digest_gateway_up',
    help: 'Gateway shard connected and ready (1) or not (0).',
    labelNames: ['shard'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const shard of sources.shards?.() ?? []) this.set({ shard: String(shard.id) }, shard.ready ? 1 : 0);
    },
  });
  new Gauge({
    name: 'arxiv_digest_gateway_status',
    help: 'Gateway shard status as discord.js numbers it (0 ready, 1 connecting, 2 reconnecting, 3 idle, 4 nearly, 5 disconnected, 6 waiting for guilds, 7 identifying, 8 resuming).',
    labelNames: ['shard'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const shard of sources.shards?.() ?? []) this.set({ shard: String(shard.id) }, shard.status);
    },
  });

  return {
    registry,
    observeInteraction(kind, command, seconds, ok) {
      interactions.observe({ kind, command, outcome: ok ? 'ok' : 'error' }, seconds);
    },
    observePublisher(event) {
      if (event === 'sent') sent.inc();
      else if (event === 'failed') failed.inc();
      else retries.inc();
    },
    observeIngest(report) {
      if (report.added.length) papersIngested.inc(report.added.length);
      for (const digest of report.digests) digests.inc({ status: digest.status });
    },
    observeRateLimit(info) {
      rateLimits.inc({ global: String(info.global) });
      if (info.timeToReset > 0) rateLimitSeconds.inc(info.timeToReset / 1000);
    },
    observeStore(op, seconds, ok) {
      store.observe({ op, outcome: ok ? 'ok' : 'error' }, seconds);
    },
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
