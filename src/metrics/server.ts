/**
 * The operations endpoint (issue 7): `GET /healthz` answers 200 `{"status":"ok",…}` when the gateway is ready and
 * the store answers, 503 with the same shape saying which part is not; `GET /metrics` is the Prometheus text
 * exposition; anything else is 404. Bound to 127.0.0.1 by default: metrics are for the machine's own scraper.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import type { Metrics } from './registry.ts';

/** What /healthz checks. */
export interface HealthChecks {
  /** Null when the gateway is ready, else a short reason (`shard 0 disconnected`). */
  gateway(): string | null;
  /** Resolves when the store answered a read; rejects (or takes too long) when it did not. */
  store(): Promise<unknown>;
}

/** The /healthz body. */
export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** `ready`, or why not. */
  gateway: string;
  /** `ok`, or what went wrong. */
  store: string;
  /** Seconds the store took to answer (absent when it did not). */
  storeSeconds?: number;
}

/** Runs the checks; the store check gives up after `timeoutMs` (the store layer's own retries take longer). */
export async function checkHealth(checks: HealthChecks, timeoutMs = 2000): Promise<HealthReport> {
  let gateway: string;
  try {
    gateway = checks.gateway() ?? 'ready';
  } catch (error) {
    gateway = `unknown: ${short(error)}`;
  }
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const store = await Promise.race([
    checks.store().then(
      () => 'ok',
      (error: unknown) => `error: ${short(error)}`,
    ),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const report: HealthReport = { status: gateway === 'ready' && store === 'ok' ? 'ok' : 'unavailable', gateway, store };
  if (store === 'ok') report.storeSeconds = Math.round(performance.now() - started) / 1000;
  return report;
}

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  host: string;
  /** Port to listen on; 0 picks a free one (tests). */
  port: number;
  metrics: Pick<Metrics, 'scrape' | 'contentType'>;
  health: HealthChecks;
  /** Store check timeout in ms. Default 2000. */
  healthTimeoutMs?: number;
  /** Reports a failed request (a scrape that threw). */
  onError?: (error: unknown) => void;
}

/** A listening metrics server. */
export interface MetricsServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the server; rejects with a one-line, actionable message when the port cannot be bound. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });
  // A scraper holds its connection open; never let that keep the process alive or delay close().
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const what = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EADDRNOTAVAIL' ? 'no such address here' : (error.code ?? error.message);
      reject(new Error(`cannot serve metrics on ${options.host}:${options.port}: ${what} — set METRICS_PORT to another port (0 turns metrics off) or METRICS_HOST to another address`));
    };
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * The Host header names this machine by address, `localhost`, or `METRICS_HOST` itself. Any other name is refused,
 * as the preview does: a web page on a name that resolves here (DNS rebinding) must not read the metrics.
 */
export function metricsHostAllowed(host: string | undefined, boundTo: string): boolean {
  if (host === undefined) return true;
  const name = (host.startsWith('[') ? host.slice(1, host.indexOf(']')) : (host.split(':')[0] ?? '')).toLowerCase();
  return name === 'localhost' || name === boundTo.toLowerCase() || isIP(name) !== 0;
}

async function handle(request: IncomingMessage, response: ServerResponse, options: MetricsServerOptions): Promise<void> {
  if (!metricsHostAllowed(request.headers.host, options.host)) {
    send(response, 403, 'text/plain; charset=utf-8', 'the metrics answer only to this machine\'s addresses, localhost or METRICS_HOST\n');
    return;
  }
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/healthz' && path !== '/metrics') {
    send(response, 404, 'text/plain; charset=utf-8', 'not found: try /healthz or /metrics\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  if (path === '/healthz') {
    const report = await checkHealth(options.health, options.healthTimeoutMs);
    send(response, report.status === 'ok' ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`, request.method === 'HEAD');
    return;
  }
  send(response, 200, options.metrics.contentType, await options.metrics.scrape(), request.method === 'HEAD');
}

function send(response: ServerResponse, status: number, type: string, body: string, headOnly = false): void {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  response.end(headOnly ? undefined : body);
}

function short(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200) ?? 'unknown';
}
