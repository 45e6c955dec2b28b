/**
 * The arXiv API client: known papers by `id_list`, in batches with `max_results` set to the batch size (it
 * defaults to 10), as a POST form when the list is long. The terms of use (one request every three seconds, one
 * connection) are kept by a pacer shared by every arXiv client in the process. An id the feed does not return,
 * or an `Error` entry, makes that paper "not found"; a dead or rate-limiting service makes the batch "failed".
 */
import { systemClock } from './clock.ts';
import { politeRequest, userAgent, type HttpDeps } from './http.ts';
import { parseArxivFeed } from './arxiv-atom.ts';
import { sharedPacer } from './pacer.ts';
import type { ClientOptions, LookupOutcome, MetadataClient } from './types.ts';

/** Defaults from the arXiv API's terms of use and manual. */
export const ARXIV_DEFAULTS = {
  url: 'https://export.arxiv.org/api/query',
  intervalMs: 3000,
  /** Ids per request: one feed of 100 entries is ~250 kB; the manual caps a slice at 2,000. */
  batchSize: 100,
  /** Above this many characters of id list, the ids go in a POST body instead of the URL. */
  postAbove: 1500,
  timeoutMs: 30_000,
  attempts: 3,
  /** arXiv's 429 carries no Retry-After: wait well beyond the three-second pace. */
  backoffMs: 10_000,
} as const;

/** Options of {@link createArxivClient}. */
export interface ArxivClientOptions extends ClientOptions {
  /** Ids asked for in one request. */
  batchSize?: number;
}

/** arXiv ids this client can ask for: new style (`2511.16674`) and old style (`hep-th/9901001`). */
const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})$/i;

/** Creates an arXiv client. */
export function createArxivClient(options: ArxivClientOptions = {}): MetadataClient {
  const url = options.url ?? ARXIV_DEFAULTS.url;
  const intervalMs = options.intervalMs ?? ARXIV_DEFAULTS.intervalMs;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? ARXIV_DEFAULTS.batchSize, 2000));
  let requests = 0;
  const http: HttpDeps = {
    pacer: options.pacer ?? sharedPacer(`arxiv ${new URL(url).origin}`, intervalMs),
    clock: options.clock ?? systemClock,
    userAgent: userAgent(options.contact),
    timeoutMs: options.timeoutMs ?? ARXIV_DEFAULTS.timeoutMs,
    attempts: options.attempts ?? ARXIV_DEFAULTS.attempts,
    backoffMs: options.backoffMs ?? ARXIV_DEFAULTS.backoffMs,
    onRequest: () => void requests++,
    ...(options.random ? { random: options.random } : {}),
  };

  async function batch(ids: string[], out: Map<string, LookupOutcome>, signal?: AbortSignal): Promise<void> {
    const params = new URLSearchParams({ id_list: ids.join(','), start: '0', max_results: String(ids.length) });
    const long = params.get('id_list')!.length > ARXIV_DEFAULTS.postAbove;
    let body: string;
    try {
      const res = long
        ? await politeRequest(http, url, { method: 'POST', form: params.toString() }, signal)
        : await politeRequest(http, `${url}?${params.toString()}`, { method: 'GET' }, signal);
      body = res.body;
    } catch (error) {
      if (signal?.aborted) throw error;
      for (const id of ids) out.set(id, { kind: 'failed', reason: (error as Error).message });
      return;
    }
    const feed = parseArxivFeed(body);
    const byId = new Map(feed.entries.map((e) => [e.key.toLowerCase(), e]));
    if (feed.entries.length === 0 && feed.errors.length > 0 && ids.length > 1) {
      // One malformed id spoils the whole list: ask for each id on its own so the others are still found.
      for (const id of ids) await batch([id], out, signal);
      return;
    }
    const unreadable = feed.entries.length === 0 && feed.errors.some((e) => e === 'not an Atom feed' || e.startsWith('unreadable'));
    for (const id of ids) {
      const entry = byId.get(id.toLowerCase());
      if (entry) out.set(id, { kind: 'found', metadata: { ...entry, key: id } });
      else if (unreadable) out.set(id, { kind: 'failed', reason: feed.errors[0] ?? 'unreadable answer' });
      else out.set(id, { kind: 'not-found' });
    }
  }

  return {
    get requests() {
      return requests;
    },
    async lookup(keys, signal) {
      const out = new Map<string, LookupOutcome>();
      const valid: string[] = [];
      for (const key of new Set(keys)) {
        if (ARXIV_ID.test(key)) valid.push(key);
        else out.set(key, { kind: 'not-found' });
      }
      try {
        for (let i = 0; i < valid.length; i += batchSize) await batch(valid.slice(i, i + batchSize), out, signal);
      } catch (error) {
        // Out of time: what was found is kept, the rest is simply not in the map (looked up later).
        if (!signal?.aborted) throw error;
      }
      return out;
    },
  };
}
