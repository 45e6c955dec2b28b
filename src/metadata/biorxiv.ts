/**
 * The bioRxiv / medRxiv API client: `/details/{server}/{DOI}/na/json`, one paper a request, one connection and a
 * pause between requests (no rate limit is documented; be polite anyway). Every version of a preprint is its own
 * element of `collection`: the newest one is kept, the first one gives the first-published date. A `messages[0]`
 * status other than `ok` means "not found"; an empty or unreadable body means "failed" (asked again later).
 *
 * Keys are `biorxiv:<doi>` or `medrxiv:<doi>` (the server the digest named), or a bare DOI (both are tried).
 */
import { systemClock } from './clock.ts';
import { politeRequest, userAgent, type HttpDeps } from './http.ts';
import { sharedPacer } from './pacer.ts';
import { cleanText, type ClientOptions, type FetchedMetadata, type LookupOutcome, type MetadataClient } from './types.ts';

/** Defaults. */
export const BIORXIV_DEFAULTS = {
  url: 'https://api.biorxiv.org',
  intervalMs: 1000,
  timeoutMs: 20_000,
  attempts: 3,
  backoffMs: 5000,
} as const;

/** Options of {@link createBiorxivClient}. */
export type BiorxivClientOptions = ClientOptions;

type Server = 'biorxiv' | 'medrxiv';
/** DOIs of both prefixes bioRxiv/medRxiv use (10.1101/ and, since 2025, 10.64898/). */
const DOI = /^10\.\d{4,9}\/\S+$/;

/** Splits a key into the servers to ask (in order) and the DOI. */
export function parseBiorxivKey(key: string): { servers: Server[]; doi: string } | null {
  const m = /^(biorxiv|medrxiv):(.+)$/i.exec(key.trim());
  const doi = (m ? m[2]! : key).trim().toLowerCase();
  if (!DOI.test(doi)) return null;
  const named = m?.[1]?.toLowerCase() as Server | undefined;
  return { servers: named ? [named, named === 'biorxiv' ? 'medrxiv' : 'biorxiv'] : ['biorxiv', 'medrxiv'], doi };
}

interface RawVersion {
  doi?: unknown;
  title?: unknown;
  authors?: unknown;
  date?: unknown;
  version?: unknown;
  category?: unknown;
  abstract?: unknown;
  published?: unknown;
  server?: unknown;
}

/** Reads one `/details` answer: the newest version of the DOI, `not-found`, or `unreadable`. Pure. */
export function parseDetails(body: string, doi: string, server: Server): FetchedMetadata | 'not-found' | 'unreadable' {
  if (body.trim() === '') return 'unreadable';
  let json: { messages?: { status?: unknown }[]; collection?: RawVersion[] };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return 'unreadable';
  }
  if (json === null || typeof json !== 'object') return 'unreadable';
  const status = json.messages?.[0]?.status;
  const versions = (Array.isArray(json.collection) ? json.collection : []).filter(
    (v) => v && typeof v === 'object' && String(v.doi ?? '').toLowerCase() === doi,
  );
  if ((typeof status === 'string' && status.toLowerCase() !== 'ok') || versions.length === 0) return 'not-found';
  const num = (v: RawVersion) => Number(v.version) || 0;
  const newest = versions.reduce((a, b) => (num(b) >= num(a) ? b : a));
  const oldest = versions.reduce((a, b) => (num(b) < num(a) ? b : a));
  const str = (x: unknown) => (typeof x === 'string' ? cleanText(x) : null);
  const na = (x: unknown) => {
    const s = str(x);
    return s === null || s.toUpperCase() === 'NA' ? null : s;
  };
  const category = na(newest.category)?.toLowerCase() ?? null;
  const source = (str(newest.server)?.toLowerCase() === 'medrxiv' ? 'medrxiv' : str(newest.server) ? 'biorxiv' : server) as Server;
  return {
    source,
    key: doi,
    title: na(newest.title),
    abstract: na(newest.abstract),
    authors: (str(newest.authors) ?? '')
      .split(';')
      .map((a) => a.trim())
      .filter((a) => a !== '' && a.toUpperCase() !== 'NA'),
    categories: category ? [category] : [],
    primaryCategory: category,
    comment: null,
    journalRef: null,
    publishedDoi: na(newest.published)?.toLowerCase() ?? null,
    firstPublished: na(oldest.date),
    updated: na(newest.date),
    latestVersion: num(newest) || null,
  };
}

/** Creates a bioRxiv/medRxiv client. */
export function createBiorxivClient(options: BiorxivClientOptions = {}): MetadataClient {
  const base = options.url ?? BIORXIV_DEFAULTS.url;
  // Trailing slashes trimmed by hand: `/\/+$/` is quadratic on a long run of slashes.
  let end = base.length;
  while (end > 0 && base[end - 1] === '/') end--;
  const url = base.slice(0, end);
  let requests = 0;
  const http: HttpDeps = {
    pacer: options.pacer ?? sharedPacer(`biorxiv ${new URL(url).origin}`, options.intervalMs ?? BIORXIV_DEFAULTS.intervalMs),
    clock: options.clock ?? systemClock,
    userAgent: userAgent(options.contact),
    timeoutMs: options.timeoutMs ?? BIORXIV_DEFAULTS.timeoutMs,
    attempts: options.attempts ?? BIORXIV_DEFAULTS.attempts,
    backoffMs: options.backoffMs ?? BIORXIV_DEFAULTS.backoffMs,
    onRequest: () => void requests++,
    ...(options.random ? { random: options.random } : {}),
  };

  async function one(key: string, signal?: AbortSignal): Promise<LookupOutcome> {
    const parsed = parseBiorxivKey(key);
    if (!parsed) return { kind: 'not-found' };
    let failure: string | null = null;
    for (const server of parsed.servers) {
      let body: string;
      try {
        body = (await politeRequest(http, `${url}/details/${server}/${parsed.doi}/na/json`, { method: 'GET' }, signal)).body;
      } catch (error) {
        if (signal?.aborted) throw error;
        return { kind: 'failed', reason: (error as Error).message };
      }
      const result = parseDetails(body, parsed.doi, server);
      if (result === 'unreadable') failure = `${server}: empty or unreadable answer`;
      else if (result !== 'not-found') return { kind: 'found', metadata: { ...result, key } };
    }
    return failure ? { kind: 'failed', reason: failure } : { kind: 'not-found' };
  }

  return {
    get requests() {
      return requests;
    },
    async lookup(keys, signal) {
      const out = new Map<string, LookupOutcome>();
      try {
        for (const key of new Set(keys)) out.set(key, await one(key, signal));
      } catch (error) {
        if (!signal?.aborted) throw error;
      }
      return out;
    },
  };
}
