/**
 * Which dates a run fetches: today in the configured time zone back `lookbackDays` days, or an explicit range for
 * a backfill. Pure: the clock is passed in.
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` of `now` in `timeZone`. */
export function dateIn(now: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** True for a real calendar date `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** `date` moved by `days` (calendar arithmetic in UTC, so no time-zone or DST surprises). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every date from `since` to `until` inclusive, newest first (empty when since > until). */
export function datesBetween(since: string, until: string): string[] {
  const out: string[] = [];
  for (let d = until; d >= since; d = addDays(d, -1)) out.push(d);
  return out;
}

/** The dates a run covers. */
export interface DateRange {
  since: string;
  until: string;
}

/** Today (in `timeZone`) and the `lookbackDays` days before it. */
export function lookbackRange(now: Date, timeZone: string, lookbackDays: number): DateRange {
  const until = dateIn(now, timeZone);
  return { since: addDays(until, -lookbackDays), until };
}

/** The first `YYYY-MM-DD` in a file name that is a real date, or null. */
export function dateInName(name: string): string | null {
  for (const match of name.matchAll(/(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)/g)) {
    const date = `${match[1]}-${match[2]}-${match[3]}`;
    if (isIsoDate(date)) return date;
  }
  return null;
}
