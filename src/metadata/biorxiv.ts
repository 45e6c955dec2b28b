/**
 * The bioRxiv / medRxiv API client, one connection and a pause between requests (no rate limit is documented; be
 * polite anyway). Two ways to ask:
 * - `/details/{server}/{DOI}/na/json`, one paper a request;
 * - the day-range listing `/details/{server}/{from}/{to}/{cursor}/json` (see biorxiv-range.ts), for DOIs whose digest
 *   date the caller gives: when a window of days holds more of them than the pages it is expected to fill, the window
 *   is listed page by page and the DOIs are picked from it; those it lacks are then asked one by one.
 * Every version of a preprint is its own element of `collection`: the newest one is kept, the first one gives the
 * first-published date (so a DOI is taken from a listing only when the listing holds its first version; a later
 * version posted after the window is picked up by a refresh). A `messages[0]` status other than `ok` means "not
 * found"; an empty or unreadable body means "failed" (asked again later).
 *
 * Keys are `biorxiv:<doi>` or `medrxiv:<doi>` (the server the digest named), or a bare DOI (both are tried, one by
 * one).
 */
import {
  ListedDays,
  RANGE_DEFAULTS,
  isDay,
  parseRangePage,
  planDayRanges,
  type DayRun,
  type PreprintServer,
  type RangeCandidate,
  type RangeOptions,
  type RawVersion,
} from './biorxiv-range.ts';
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

/** Options of {@link createBiorxivClient}: `range: false` asks every DOI on its own. */
export type BiorxivClientOptions = ClientOptions & { range?: RangeOptions | false };

type Server = PreprintServer;
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
  if (typeof status === 'string' && status.toLowerCase() !== 'ok') return 'not-found';
  return fromVersions(Array.isArray(json.collection) ? json.collection : [], doi, server) ?? 'not-found';
}

/** The metadata of `doi` from the versions listed (any order, others' versions ignored); null when none is its. Pure. */
export function fromVersions(listed: readonly RawVersion[], doi: string, server: Server): FetchedMetadata | null {
  const versions = listed.filter((v) => v && typeof v === 'object' && String(v.doi ?? '').toLowerCase() === doi);
  if (versions.length === 0) return null;
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
  const range = options.range === false ? null : options.range ?? {};
  const lookbackDays = range?.lookbackDays ?? RANGE_DEFAULTS.lookbackDays;
  const maxPages = range?.maxPages ?? RANGE_DEFAULTS.maxPages;
  /** The running estimates of each server's daily volume and page size (measured by every complete listing). */
  const estimate = {
    recordsPerDay: { ...RANGE_DEFAULTS.recordsPerDay, ...range?.recordsPerDay } as Record<Server, number>,
    pageSize: range?.pageSize ?? RANGE_DEFAULTS.pageSize,
  };
  const listed: Record<Server, ListedDays> = {
    biorxiv: new ListedDays(range?.cacheDays ?? RANGE_DEFAULTS.cacheDays),
    medrxiv: new ListedDays(range?.cacheDays ?? RANGE_DEFAULTS.cacheDays),
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

  /**
   * Lists one run of days page by page into `listed`. Stops early — leaving the days unmarked, so they are listed
   * again next time — on an unreadable page, past `maxPages`, or when the first page shows the run takes at least as
   * many pages as it has DOIs (the estimate was wrong). Throws when the service does not answer (after the retries).
   */
  async function listRun(server: Server, run: DayRun, signal?: AbortSignal): Promise<void> {
    const days = listed[server];
    let cursor = 0;
    for (let pages = 0; pages < maxPages; pages++) {
      const path = `${url}/details/${server}/${run.from}/${run.to}/${cursor}/json`;
      const page = parseRangePage((await politeRequest(http, path, { method: 'GET' }, signal)).body);
      if (page.kind === 'unreadable') return;
      if (page.kind === 'empty') break;
      days.add(page.versions);
      const count = page.count > 0 ? page.count : page.versions.length;
      if (count === 0) return;
      const next = page.cursor + count;
      if (next >= page.total) {
        learn(server, run, page.total, pages === 0 ? null : count);
        break;
      }
      // The plan's test again, with the real page count: listing must cost fewer pages than the run's DOIs.
      if (pages === 0 && Math.ceil(page.total / count) >= run.dois.size) return;
      cursor = next;
    }
    days.markListed(run.days);
  }

  /** Folds a complete listing's volume (and page size, when a page was full) into the estimates. */
  function learn(server: Server, run: DayRun, total: number, fullPage: number | null): void {
    estimate.recordsPerDay[server] = (estimate.recordsPerDay[server] + total / run.days.length) / 2;
    if (fullPage) estimate.pageSize = fullPage;
  }

  /** Looks the dated, server-named keys up by day ranges where that is cheaper; returns what the listings held. */
  async function byRange(keys: readonly string[], hints: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<Map<string, LookupOutcome>> {
    const out = new Map<string, LookupOutcome>();
    for (const server of ['biorxiv', 'medrxiv'] as const) {
      const candidates: RangeCandidate[] = [];
      for (const key of keys) {
        const date = hints.get(key);
        const parsed = parseBiorxivKey(key);
        if (!parsed || !isDay(date) || !key.toLowerCase().startsWith(`${server}:`)) continue;
        candidates.push({ key, doi: parsed.doi, date });
      }
      if (candidates.length === 0) continue;
      const plan = planDayRanges(candidates, {
        lookbackDays,
        recordsPerDay: estimate.recordsPerDay[server],
        pageSize: estimate.pageSize,
        isListed: (day) => listed[server].isListed(day),
      });
      try {
        for (const run of plan.runs) await listRun(server, run, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        // The service is not answering: asking each DOI as well would only repeat the retries.
        for (const c of plan.ranged) out.set(c.key, { kind: 'failed', reason: (error as Error).message });
        continue;
      }
      for (const c of plan.ranged) {
        const versions = listed[server].versionsOf(c.doi);
        // Only with its first version: the first-published date must be right.
        if (!versions.some((v) => Number(v.version) === 1)) continue;
        const metadata = fromVersions(versions, c.doi, server);
        if (metadata) out.set(c.key, { kind: 'found', metadata: { ...metadata, key: c.key } });
      }
    }
    return out;
  }

  return {
    get requests() {
      return requests;
    },
    async lookup(keys, signal, dates) {
      const unique = [...new Set(keys)];
      const out = new Map<string, LookupOutcome>();
      try {
        if (range && dates && dates.size > 0) for (const [key, outcome] of await byRange(unique, dates, signal)) out.set(key, outcome);
        for (const key of unique) if (!out.has(key)) out.set(key, await one(key, signal));
      } catch (error) {
        if (!signal?.aborted) throw error;
      }
      return out;
    },
  };
}
