/**
 * When a weekly post is due: the latest instant, at or before now, that is the chosen weekday and hour in the
 * server's time zone. Pure; time-zone arithmetic by `Intl` (daylight saving and half-hour zones included).
 */

/** A weekly slot: weekday (0 = Sunday) and hour, in an IANA time zone. */
export interface WeeklySlot {
  weekday: number;
  hour: number;
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `timeZone` at `ms`, as if it were UTC (milliseconds). */
function wallClock(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** The instant whose wall-clock time in `timeZone` is `wall` (a UTC-encoded local time), to the minute. */
function fromWallClock(wall: number, timeZone: string): number {
  // The offset at the guess, then at the corrected instant: two steps settle it, also next to a DST change.
  let instant = wall - (wallClock(wall, timeZone) - wall);
  instant = wall - (wallClock(instant, timeZone) - instant);
  return instant;
}

/** The latest instant at or before `now` that is `slot`'s weekday and hour (minute 0) in its time zone. */
export function lastSlotAt(now: Date, slot: WeeklySlot): Date {
  const localNow = wallClock(now.getTime(), slot.timeZone);
  const today = new Date(localNow);
  for (let back = 0; back <= 8; back++) {
    const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back, slot.hour);
    if (new Date(day).getUTCDay() !== slot.weekday) continue;
    const instant = fromWallClock(day, slot.timeZone);
    if (instant <= now.getTime()) return new Date(instant);
  }
  // Unreachable: one of the last eight days has the weekday, and the earlier one is in the past.
  throw new Error(`no weekly slot found before ${now.toISOString()}`);
}
