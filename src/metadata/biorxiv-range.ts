/**
 * The bioRxiv/medRxiv day-range listing (`/details/{server}/{from}/{to}/{cursor}/json`), pure parts: which days to
 * list for a batch of DOIs, how to read one page, and the days already listed. A digest lists a preprint a day or
 * so after it was posted, so the DOIs of one digest date were posted in a short window before it; when a window
 * holds more pending DOIs than the pages its days are expected to fill, listing it is cheaper than one request per
 * DOI. What a listing does not return (an older posting, a revision whose first version is older) is looked up per
 * DOI by the client.
 */

/** The two servers of api.biorxiv.org. */
export type PreprintServer = 'biorxiv' | 'medrxiv';

/** One version of a preprint as `/details` lists it (fields as the API spells them; untrusted). */
export interface RawVersion {
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

/** Tuning of the day-range mode; every field has a default ({@link RANGE_DEFAULTS}). */
export interface RangeOptions {
  /** Days before a paper's digest date it may have been posted (the window is [date − lookbackDays, date]). */
  lookbackDays?: number;
  /** Versions a server posts a day, until a listing has measured it. */
  recordsPerDay?: Partial<Record<PreprintServer, number>>;
  /** Records a page, until a listing has measured it (the help page says 100; a 2026 answer served 30). */
  pageSize?: number;
  /** Listed days kept in memory per server (a back-fill walks the archive date by date). */
  cacheDays?: number;
  /** Pages one listing may take before it gives up (a guard against an endless `total`). */
  maxPages?: number;
}

/** Defaults: a few days' look-back, volumes of 2025-2026 (bioRxiv ≈ 250 versions a day, medRxiv ≈ 80). */
export const RANGE_DEFAULTS = {
  lookbackDays: 3,
  recordsPerDay: { biorxiv: 250, medrxiv: 80 } as Record<PreprintServer, number>,
  pageSize: 30,
  cacheDays: 31,
  maxPages: 500,
} as const;

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d\d-\d\d$/;

/** True for a `YYYY-MM-DD` date that exists. */
export function isDay(value: string | null | undefined): value is string {
  return typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** `day` moved by `n` days (UTC). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** A DOI asked for, with the digest date it was listed under. */
export interface RangeCandidate {
  key: string;
  doi: string;
  date: string;
}

/** Consecutive days to list in one paged listing, and the candidates whose window meets them. */
export interface DayRun {
  from: string;
  to: string;
  days: string[];
  dois: Set<string>;
}

/** What to do for one server's candidates. */
export interface RangePlan {
  /** Runs of days to list (days already listed are left out). */
  runs: DayRun[];
  /** Candidates answered from the listings (those the listings lack are then asked per DOI). */
  ranged: RangeCandidate[];
  /** Candidates asked per DOI straight away (their window would cost more pages than they are). */
  perDoi: RangeCandidate[];
}

/**
 * Plans one server's candidates: windows [date − lookback, date] that overlap or touch are merged into spans; a
 * span's days not listed yet, in runs of consecutive days, are expected to cost ceil(run × recordsPerDay /
 * pageSize) pages each; the span is listed when it holds more candidates than that, else its candidates are asked
 * per DOI. Pure.
 */
export function planDayRanges(
  candidates: readonly RangeCandidate[],
  estimate: { lookbackDays: number; recordsPerDay: number; pageSize: number; isListed: (day: string) => boolean },
): RangePlan {
  const plan: RangePlan = { runs: [], ranged: [], perDoi: [] };
  const sorted = [...candidates].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let span: { from: string; to: string; members: RangeCandidate[] } | null = null;
  const close = () => {
    if (!span) return;
    const runs: DayRun[] = [];
    let run: DayRun | null = null;
    for (let day = span.from; day <= span.to; day = addDays(day, 1)) {
      if (estimate.isListed(day)) {
        run = null;
        continue;
      }
      if (!run) runs.push((run = { from: day, to: day, days: [], dois: new Set() }));
      run.to = day;
      run.days.push(day);
    }
    const pages = runs.reduce((sum, r) => sum + Math.ceil((r.days.length * estimate.recordsPerDay) / Math.max(1, estimate.pageSize)), 0);
    if (span.members.length > pages) {
      for (const r of runs) {
        for (const m of span.members) if (m.date >= r.from && addDays(m.date, -estimate.lookbackDays) <= r.to) r.dois.add(m.doi);
      }
      plan.runs.push(...runs);
      plan.ranged.push(...span.members);
    } else plan.perDoi.push(...span.members);
    span = null;
  };
  for (const c of sorted) {
    const from = addDays(c.date, -estimate.lookbackDays);
    if (span && from <= addDays(span.to, 1)) {
      span.to = c.date > span.to ? c.date : span.to;
      span.members.push(c);
    } else {
      close();
      span = { from, to: c.date, members: [c] };
    }
  }
  close();
  return plan;
}

/** One page of a day-range listing, read. */
export type RangePage =
  | { kind: 'page'; versions: RawVersion[]; cursor: number; count: number; total: number }
  /** `no posts found` (an empty interval, or a cursor past the end). */
  | { kind: 'empty' }
  /** Empty body, not JSON, an error status, or paging fields missing: the listing cannot be trusted. */
  | { kind: 'unreadable'; reason: string };

/** Reads one page: `messages[0]` gives status, `cursor`, `count` (this page) and `total` (numbers or strings). Pure. */
export function parseRangePage(body: string): RangePage {
  if (body.trim() === '') return { kind: 'unreadable', reason: 'empty answer' };
  let json: { messages?: unknown; collection?: unknown };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return { kind: 'unreadable', reason: 'answer is not JSON' };
  }
  if (json === null || typeof json !== 'object') return { kind: 'unreadable', reason: 'answer is not an object' };
  const message = (Array.isArray(json.messages) ? json.messages[0] : undefined) as Record<string, unknown> | undefined;
  const status = typeof message?.status === 'string' ? message.status.toLowerCase() : '';
  if (status === 'no posts found') return { kind: 'empty' };
  if (status !== 'ok') return { kind: 'unreadable', reason: `status ${JSON.stringify(String(message?.status ?? 'missing')).slice(0, 60)}` };
  const collection = Array.isArray(json.collection) ? (json.collection as unknown[]) : null;
  const cursor = Number(message?.cursor);
  const count = Number(message?.count);
  const total = Number(message?.total);
  if (!collection || ![cursor, count, total].every((n) => Number.isInteger(n) && n >= 0)) {
    return { kind: 'unreadable', reason: 'page without cursor, count or total' };
  }
  const versions = collection.filter((v): v is RawVersion => v !== null && typeof v === 'object');
  return { kind: 'page', versions, cursor, count, total };
}

/** The fields of a version worth keeping in memory. */
function trim(v: RawVersion): RawVersion {
  const { doi, title, authors, date, version, category, abstract, published, server } = v;
  return { doi, title, authors, date, version, category, abstract, published, server };
}

/**
 * Listed days of one server, newest use last, at most `capacity` days: the versions each day holds by DOI, and
 * which days were listed completely (only those are skipped by the next plan; versions of a listing cut short are
 * still used).
 */
export class ListedDays {
  private readonly byDay = new Map<string, Map<string, RawVersion[]>>();
  private readonly complete = new Set<string>();
  constructor(private readonly capacity: number) {}

  /** True when `day` was listed completely and is still remembered. */
  isListed(day: string): boolean {
    return this.complete.has(day);
  }

  /** Keeps the versions of one page (filed under their own posting day). */
  add(versions: readonly RawVersion[]): void {
    for (const v of versions) {
      const day = typeof v.date === 'string' && isDay(v.date) ? v.date : null;
      const doi = typeof v.doi === 'string' ? v.doi.trim().toLowerCase() : '';
      if (!day || doi === '') continue;
      const dois = this.touch(day);
      const list = dois.get(doi);
      if (!list) dois.set(doi, [trim(v)]);
      // A day listed again (after a listing cut short) does not file a version twice.
      else if (!list.some((x) => String(x.version) === String(v.version))) list.push(trim(v));
    }
  }

  /** Marks the days of a listing that reached its end. */
  markListed(days: readonly string[]): void {
    for (const day of days) {
      this.touch(day);
      this.complete.add(day);
    }
  }

  /** Every remembered version of `doi`, over all days. */
  versionsOf(doi: string): RawVersion[] {
    const out: RawVersion[] = [];
    for (const dois of this.byDay.values()) out.push(...(dois.get(doi) ?? []));
    return out;
  }

  private touch(day: string): Map<string, RawVersion[]> {
    let dois = this.byDay.get(day);
    if (dois) this.byDay.delete(day);
    else dois = new Map();
    this.byDay.set(day, dois);
    while (this.byDay.size > this.capacity) {
      const oldest = this.byDay.keys().next().value as string;
      this.byDay.delete(oldest);
      this.complete.delete(oldest);
    }
    return dois;
  }
}
