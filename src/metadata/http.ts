/**
 * One polite HTTP exchange with a metadata service: through the service's pacer, with a timeout, and retried with
 * exponential backoff and jitter on 429, 5xx, timeouts and lost connections (honouring `Retry-After` when the
 * service sends one; arXiv's 429 does not). Other statuses are final. Uses undici with one connection per
 * service, as the arXiv terms ask.
 */
import { Agent, fetch } from 'undici';
import type { Clock } from './clock.ts';
import type { Pacer } from './pacer.ts';

/** What a client needs to talk to its service. */
export interface HttpDeps {
  pacer: Pacer;
  clock: Clock;
  /** `arxiv-digest-bot/0.1 (mailto:…)`: both services ask callers to say who they are. */
  userAgent: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts in all (first try included). */
  attempts: number;
  /** First backoff; doubled per retry, with up to 50% jitter. */
  backoffMs: number;
  /** Counts every request sent (figures for `cli enrich`). */
  onRequest?: () => void;
  /** Randomness for jitter (tests pin it). */
  random?: () => number;
}

/** A response body and status. */
export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}

/** Raised when every attempt failed (network, timeout, 429, 5xx) or the status is an unexpected one. */
export class MetadataHttpError extends Error {
  override name = 'MetadataHttpError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const dispatchers = new Map<string, Agent>();
/** One connection per origin, kept alive between requests. */
function dispatcherFor(url: string): Agent {
  const origin = new URL(url).origin;
  let agent = dispatchers.get(origin);
  if (!agent) dispatchers.set(origin, (agent = new Agent({ connections: 1, keepAliveTimeout: 10_000 })));
  return agent;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

/**
 * Sends one request (GET, or POST with a form body) and returns a 2xx response; retries what is worth retrying.
 * `signal` ends everything at once (the caller's time budget): queued turns and backoff waits included.
 */
export async function politeRequest(
  deps: HttpDeps,
  url: string,
  init: { method: 'GET' | 'POST'; form?: string },
  signal?: AbortSignal,
): Promise<HttpResponse> {
  const random = deps.random ?? Math.random;
  let lastError = 'no attempt made';
  let lastStatus: number | null = null;
  for (let attempt = 0; attempt < deps.attempts; attempt++) {
    type Outcome = { error: string } | { status: number; contentType: string; body: string; retryAfter: string | null };
    const outcome = await deps.pacer.run(async (): Promise<Outcome> => {
      deps.onRequest?.();
      const timeout = AbortSignal.timeout(deps.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const res = await fetch(url, {
          method: init.method,
          headers: {
            'user-agent': deps.userAgent,
            accept: 'application/atom+xml, application/json;q=0.9, */*;q=0.1',
            ...(init.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(init.form !== undefined ? { body: init.form } : {}),
          signal: combined,
          dispatcher: dispatcherFor(url),
        });
        const body = await res.text();
        return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, retryAfter: res.headers.get('retry-after') };
      } catch (error) {
        if (signal?.aborted) throw signal.reason as Error;
        return { error: timeout.aborted ? `timed out after ${deps.timeoutMs} ms` : `connection failed: ${(error as Error).message}` };
      }
    }, signal);
    if (!('error' in outcome) && !RETRYABLE(outcome.status)) {
      if (outcome.status >= 200 && outcome.status < 300) return { status: outcome.status, contentType: outcome.contentType, body: outcome.body };
      throw new MetadataHttpError(`HTTP ${outcome.status} from ${new URL(url).host}`, outcome.status);
    }
    let wait = deps.backoffMs * 2 ** attempt * (1 + random() * 0.5);
    if ('error' in outcome) {
      lastError = outcome.error;
      lastStatus = null;
    } else {
      lastError = `HTTP ${outcome.status}${outcome.body ? `: ${outcome.body.trim().slice(0, 60)}` : ''}`;
      lastStatus = outcome.status;
      const retryAfter = parseRetryAfter(outcome.retryAfter, Date.now());
      if (retryAfter !== null) wait = Math.max(wait, retryAfter);
    }
    if (attempt + 1 < deps.attempts) deps.pacer.pause(wait);
  }
  throw new MetadataHttpError(`${new URL(url).host}: ${lastError} (after ${deps.attempts} attempts)`, lastStatus);
}

/** `Retry-After` in ms (seconds or an HTTP date), capped at 10 minutes; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - nowMs;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), 600_000);
}

/** `arxiv-digest-bot/<version> (+<project url>; mailto:<contact>)`. */
export function userAgent(contact: string | undefined): string {
  const who = contact ? `; mailto:${contact}` : '';
  return `arxiv-digest-bot/0.1 (+https://github.com/arxiv-digest-bot/arxiv-digest-bot${who})`;
}
