/**
 * The HTTP client every source uses, on undici (the library behind Node's fetch): one connection and one request
 * at a time per host, connect/header/body timeouts plus an overall deadline, conditional requests, `Retry-After`
 * (delta-seconds or HTTP-date) on 429/503 and GitHub's rate-limit headers, otherwise exponential backoff with
 * jitter. Clock, sleep and randomness are injected so tests do not wait. It counts requests and bytes received.
 */
import { Agent, interceptors, type Dispatcher } from 'undici';

/** One GET. */
export interface HttpRequest {
  url: string;
  /** Sent as `If-None-Match`. */
  etag?: string | null;
  /** Sent as `If-Modified-Since`. */
  lastModified?: string | null;
  headers?: Record<string, string>;
  /** A larger body fails with `too-large` (default {@link HttpOptions.maxBytes}). */
  maxBytes?: number;
}

/** What a GET gave, when it is not a failure. */
export type HttpResponse =
  | { status: 'ok'; body: Uint8Array; etag: string | null; lastModified: string | null }
  | { status: 'not-modified' }
  | { status: 'not-found' };

/** Why a GET failed (after its retries). */
export type FetchFailureKind = 'rate-limited' | 'server' | 'network' | 'timeout' | 'denied' | 'http' | 'too-large';

/** A GET that failed; `retryAt` is when a rate limit ends, when the server said. */
export class FetchFailure extends Error {
  override name = 'FetchFailure';
  constructor(
    readonly kind: FetchFailureKind,
    message: string,
    readonly httpStatus: number | null = null,
    readonly retryAt: Date | null = null,
  ) {
    super(message);
  }
}

/** Options of {@link createHttpClient}. */
export interface HttpOptions {
  userAgent: string;
  /** TCP + TLS connect. Default 10 s. */
  connectTimeoutMs?: number;
  /** Time to the response headers, and the longest silence while reading the body. Default 30 s. */
  readTimeoutMs?: number;
  /** The whole request, headers to last byte. Default 60 s. */
  totalTimeoutMs?: number;
  /** Retries after the first attempt, for network errors, timeouts, 5xx and 429. Default 3. */
  retries?: number;
  /** Backoff base and cap. Default 1 s and 30 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the request fails `rate-limited` with `retryAt`. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Largest body accepted. Default 16 MiB. */
  maxBytes?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** A dispatcher to use instead of the client's own agent (tests). */
  dispatcher?: Dispatcher;
}

/** Requests sent (retries included) and body bytes received. */
export interface HttpStats {
  requests: number;
  bytes: number;
}

/** The client. */
export interface HttpClient {
  get(request: HttpRequest): Promise<HttpResponse>;
  readonly stats: HttpStats;
  close(): Promise<void>;
}

/** Parses `Retry-After` (delta-seconds or an HTTP-date) into milliseconds from `now`; null when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Creates a client with its own connection pool (one connection per host). */
export function createHttpClient(options: HttpOptions): HttpClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const retries = options.retries ?? 3;
  const baseDelay = options.baseDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 120_000;
  const readTimeout = options.readTimeoutMs ?? 30_000;
  const totalTimeout = options.totalTimeoutMs ?? 60_000;
  const agent =
    options.dispatcher === undefined
      ? new Agent({
          connections: 1,
          connect: { timeout: options.connectTimeoutMs ?? 10_000 },
          headersTimeout: readTimeout,
          bodyTimeout: readTimeout,
        })
      : null;
  const dispatcher = (options.dispatcher ?? agent!).compose(interceptors.redirect({ maxRedirections: 3 }));
  const stats: HttpStats = { requests: 0, bytes: 0 };
  // One request at a time per host: each host's requests chain on the previous one.
  const queues = new Map<string, Promise<unknown>>();

  function serialized<T>(host: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(host) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    queues.set(host, tail);
    void tail.then(() => {
      if (queues.get(host) === tail) queues.delete(host);
    });
    return next;
  }

  const backoff = (attempt: number) => {
    const cap = Math.min(maxDelay, baseDelay * 2 ** attempt);
    // "Equal jitter": never less than half the step, so retries still spread out but never hammer.
    return cap / 2 + random() * (cap / 2);
  };

  async function once(request: HttpRequest): Promise<{ code: number; headers: Record<string, string>; body: Uint8Array }> {
    const headers: Record<string, string> = { 'user-agent': options.userAgent, accept: '*/*', ...request.headers };
    if (request.etag) headers['if-none-match'] = request.etag;
    if (request.lastModified) headers['if-modified-since'] = request.lastModified;
    stats.requests += 1;
    const maxBytes = request.maxBytes ?? options.maxBytes ?? 16 * 1024 * 1024;
    const url = new URL(request.url);
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers,
      signal: AbortSignal.timeout(totalTimeout),
    });
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(response.headers)) if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
    const declared = Number(flat['content-length']);
    if (response.statusCode === 200 && Number.isFinite(declared) && declared > maxBytes) {
      response.body.destroy();
      throw new FetchFailure('too-large', `${request.url} is ${declared} bytes, more than the ${maxBytes} allowed`, 200);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      stats.bytes += chunk.length;
      if (size > maxBytes) {
        response.body.destroy();
        throw new FetchFailure('too-large', `${request.url} is more than the ${maxBytes} bytes allowed`, response.statusCode);
      }
      chunks.push(chunk);
    }
    return { code: response.statusCode, headers: flat, body: new Uint8Array(Buffer.concat(chunks)) };
  }

  async function get(request: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt += 1) {
      const last = attempt >= retries;
      let result;
      try {
        result = await once(request);
      } catch (error) {
        if (error instanceof FetchFailure) throw error;
        const failure = networkFailure(error, request.url);
        // Nobody listening (or no such host) will not change in a second: the next run tries again.
        if (last || failure.final) throw failure;
        await sleep(backoff(attempt));
        continue;
      }
      const { code, headers, body } = result;
      if (code === 200) return { status: 'ok', body, etag: headers.etag ?? null, lastModified: headers['last-modified'] ?? null };
      if (code === 304) return { status: 'not-modified' };
      if (code === 404 || code === 410) return { status: 'not-found' };
      const limited = rateLimit(code, headers, now());
      if (limited) {
        const wait = limited.waitMs ?? backoff(attempt);
        const retryAt = limited.waitMs === null ? null : new Date(now() + limited.waitMs);
        if (last || wait > maxRetryAfter) {
          throw new FetchFailure('rate-limited', `${hostOf(request.url)} answered ${code} (rate limited)${retryAt ? `; try again after ${retryAt.toISOString()}` : ''}`, code, retryAt);
        }
        await sleep(wait);
        continue;
      }
      if (code >= 500) {
        if (last) throw new FetchFailure('server', `${hostOf(request.url)} answered ${code} ${retries + 1} times`, code);
        await sleep(backoff(attempt));
        continue;
      }
      if (code === 401 || code === 403) throw new FetchFailure('denied', `${hostOf(request.url)} answered ${code}: access denied`, code);
      throw new FetchFailure('http', `${hostOf(request.url)} answered ${code} for ${pathOf(request.url)}`, code);
    }
  }

  return {
    stats,
    get: (request) => serialized(hostOf(request.url), () => get(request)),
    async close() {
      await agent?.close();
    },
  };
}

/**
 * A rate limit: 429 or 503 (with `Retry-After` when given), or GitHub's 403/429 with `x-ratelimit-remaining: 0`
 * (until `x-ratelimit-reset`). `waitMs` null means "back off, the server did not say how long".
 */
function rateLimit(code: number, headers: Record<string, string>, now: number): { waitMs: number | null } | null {
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (code === 429 || code === 503) return { waitMs: retryAfter };
  if (code === 403 && (headers['x-ratelimit-remaining'] === '0' || retryAfter !== null)) {
    const reset = Number(headers['x-ratelimit-reset']);
    return { waitMs: retryAfter ?? (Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : null) };
  }
  return null;
}

function networkFailure(error: unknown, url: string): FetchFailure & { final: boolean } {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? e.name ?? 'error';
  const timeout = /TIMEOUT/i.test(code) || e.name === 'TimeoutError' || e.name === 'AbortError';
  const what = timeout ? 'did not answer in time' : code === 'ECONNREFUSED' ? 'refused the connection' : `could not be reached (${code})`;
  return Object.assign(new FetchFailure(timeout ? 'timeout' : 'network', `${hostOf(url)} ${what}`), {
    final: code === 'ECONNREFUSED' || code === 'ENOTFOUND',
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
